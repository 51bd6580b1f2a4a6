// W3's LeNet-5 training step (batch 64, SGD with momentum) timed as CPU time and wall time per
// step, min and median of 20 chunks of 25 steps, at 1 and 2 threads. On a busy machine the CPU
// time of the 1-thread step is the steadier figure; compare builds by running this in two
// worktrees alternately.
//   npx tsx bench/lenet-step.ts [--threads 1,2]
import { parseArgs } from 'node:util';
import * as st from '../src/index.js';
import { LENET_BATCH } from './lib/workloads.js';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '1,2' } } });
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
for (const threads of values.threads!.split(',').map(Number)) {
  st.setNumThreads(threads);
  const model = st.models.lenet5();
  const opt = new st.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = st.randn([LENET_BATCH, 1, 28, 28], { seed: 5 });
  const y = Array.from({ length: LENET_BATCH }, (_, i) => (i * 7) % 10);
  const step = () => { opt.zeroGrad(); st.F.crossEntropy(model.forward(x), y).backward(); opt.step(); };
  // Warm-up: tier-up, and the heap grown to its steady size.
  for (let i = 0; i < 300; i++) step();
  const cpu: number[] = [], wall: number[] = [];
  for (let r = 0; r < 20; r++) {
    const c0 = process.cpuUsage(), t0 = performance.now();
    for (let i = 0; i < 25; i++) step();
    const c = process.cpuUsage(c0);
    wall.push((performance.now() - t0) / 25);
    cpu.push((c.user + c.system) / 1000 / 25);
  }
  const f = (v: number[]) => `min ${Math.min(...v).toFixed(2)} median ${median(v).toFixed(2)}`;
  console.log(`W3 LeNet-5 step, ${threads} thread(s): CPU ms/step ${f(cpu)}; wall ms/step ${f(wall)}`);
}
process.exit(0);
