// ResNet-20's option-A shortcut (x[:, :, ::2, ::2] with zero channels, W8's two: 16 → 32 ch at
// 32², 32 → 64 at 16², batch 128) forward and backward, two ways in one process, call by call
// alternately: `old`, a 1×1 max pool at stride 2 then F.pad (two passes each way and an argmax),
// and `new`, subsamplePadChannels (one stepped pad pass each way). Prints the best of the reps.
// Usage: npx tsx bench/option-a-shortcut.ts [--threads 1] [--reps 40]
import { parseArgs } from 'node:util';
import { F, randn, setNumThreads, type Tensor } from '../src/index.js';
import { subsamplePadChannels } from '../src/ops/pad.js';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '1' }, reps: { type: 'string', default: '40' } } });
const threads = Number(values.threads);
setNumThreads(threads);
const half = (x: Tensor) => x.shape[1]! / 2;
const ways: Record<string, (x: Tensor) => Tensor> = {
  old: (x) => F.pad(F.maxPool2d(x, { kernelSize: 1, stride: 2 }), [0, 0, 0, 0, half(x), half(x)]),
  new: (x) => subsamplePadChannels(x, 2, half(x), half(x)),
};
for (const shape of [[128, 16, 32, 32], [128, 32, 16, 16]]) {
  const x = randn(shape, { requiresGrad: true });
  const g = randn([shape[0]!, shape[1]! * 2, shape[2]! / 2, shape[3]! / 2]);
  const best: Record<string, [number, number]> = {};
  for (let rep = 0; rep < Number(values.reps); rep++) {
    for (const [name, f] of Object.entries(ways)) {
      const t0 = performance.now();
      const y = f(x);
      const t1 = performance.now();
      y.backward(g);
      const t2 = performance.now();
      x.grad = null;
      const b = (best[name] ??= [Infinity, Infinity]);
      b[0] = Math.min(b[0], t1 - t0);
      b[1] = Math.min(b[1], t2 - t1);
    }
  }
  for (const [name, [f, b]] of Object.entries(best)) {
    console.log(`${threads} thread(s) ${shape.join('×')} ${name}: forward ${f.toFixed(2)} ms, backward ${b.toFixed(2)} ms`);
  }
}
