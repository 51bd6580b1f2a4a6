import { setBackend, setNumThreads } from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import type { ConvParams } from '../src/kernels/kernels.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { filledArray } from './lib/wasm-arrays.js';

const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const reps = flag('--reps', 20), threads = flag('--threads', 1), batch = flag('--batch', 64);
setBackend('wasm');
setNumThreads(threads);
const be = activeBackend() as WasmBackend;
const K = be.arrayKernels;
const filled = (n: number) => filledArray(be, n);
function best(fn: () => void): number {
  fn();
  let least = Infinity;
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    least = Math.min(least, (c.user + c.system) / 1000);
  }
  return least;
}
const shapes: [string, number, number, number, number, number][] = [
  ['conv1 1→6 28² p2', 1, 6, 28, 28, 2], ['conv2 6→16 14² p0', 6, 16, 14, 10, 0],
];
const path = (before: Map<string, number>) => {
  const now = be.convPathCounts();
  return [...now].filter(([k, v]) => v !== (before.get(k) ?? 0)).map(([k]) => k.split(' ')[1]).join('+');
};
for (const [name, cin, cout, size, out, pad] of shapes) {
  const p: ConvParams = {
    batch, inChannels: cin, outChannels: cout, groups: 1, inSize: [size, size], outSize: [out, out],
    kernelSize: [5, 5], stride: [1, 1], padBegin: [pad, pad], dilation: [1, 1],
  };
  const flops = 2 * batch * cin * cout * 25 * out * out;
  const x = filled(batch * cin * size * size), w = filled(cout * cin * 25), y = filled(batch * cout * out * out);
  const gx = filled(x.length), gw = filled(w.length);
  const passes: [string, () => void][] = [
    ['fwd', () => K.convForward(x, w, null, y, p)],
    ['bwd-in', () => K.convBackwardInput(y, w, gx, p)],
    ['bwd-w', () => K.convBackwardWeight(x, y, gw, p)],
  ];
  for (const [pass, fn] of passes) {
    if (pass === 'bwd-in' && cin === 1) continue;
    const before = new Map(be.convPathCounts());
    const ms = best(fn);
    console.log(`${name.padEnd(18)} ${pass.padEnd(7)} ${ms.toFixed(3).padStart(7)} ms ` +
      `${(flops / ms / 1e6).toFixed(1).padStart(6)} GFLOP/s  ${path(before)}`);
  }
}
