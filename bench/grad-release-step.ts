// What freeing the gradients at zeroGrad is worth (src/ops/tensor.ts clearGrad): W8 training steps
// of two ResNet-20s in one process, alternating step by step, one whose gradients zeroGrad frees
// and one whose gradients are read through `.grad` first, which leaves them to the collector as
// every gradient was before. Both see the same moments of a noisy machine. Per step: the median
// time and page faults (first touches of memory) of each, and the median of the per-pair ratios.
//   npx tsx bench/grad-release-step.ts [--threads 1] [--pairs 20]
import { resourceUsage } from 'node:process';
import { parseArgs } from 'node:util';
import * as st from '../src/index.js';
import { median } from './lib/measure.js';
import { RESNET20_BATCH } from './lib/workloads.js';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '1' }, pairs: { type: 'string', default: '20' } } });
const threads = Number(values.threads), pairs = Number(values.pairs);
if (!(Number.isInteger(threads) && threads > 0 && Number.isInteger(pairs) && pairs > 0)) {
  throw new Error(`--threads and --pairs must be positive integers, got ${values.threads} and ${values.pairs}`);
}
st.setBackend('wasm');
st.setNumThreads(threads);

function trainer(readGrads: boolean) {
  const model = st.models.resnet20();
  const opt = new st.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const x = st.randn([RESNET20_BATCH, 3, 32, 32], { seed: 9 });
  const y = Array.from({ length: RESNET20_BATCH }, (_, i) => (i * 7) % 10);
  const times: number[] = [], faults: number[] = [];
  const step = () => {
    if (readGrads) for (const p of model.parameters()) void p.grad;
    opt.zeroGrad();
    st.F.crossEntropy(model.forward(x), y).backward();
    opt.step();
  };
  return {
    times, faults, step,
    timed() {
      const f0 = resourceUsage().minorPageFault, t0 = performance.now();
      step();
      times.push(performance.now() - t0);
      faults.push(resourceUsage().minorPageFault - f0);
    },
  };
}

const left = trainer(true), freed = trainer(false);
for (let i = 0; i < 3; i++) { left.step(); freed.step(); }
for (let i = 0; i < pairs; i++) { left.timed(); freed.timed(); }
const ratio = median(freed.times.map((t, i) => t / left.times[i]!));
console.log(`W8, ${threads} thread(s), ${pairs} pairs: gradients left to the collector ${median(left.times).toFixed(1)} ms ` +
  `(${median(left.faults)} page faults) a step, freed by zeroGrad ${median(freed.times).toFixed(1)} ms ` +
  `(${median(freed.faults)}); median ratio freed ÷ left ${ratio.toFixed(3)}`);
