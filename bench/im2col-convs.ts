// The convolutions of W3, W4, W5 and W8 that take neither Winograd nor the direct kernels' forward,
// pass by pass on the wasm backend: best CPU time (all threads) per call, GFLOP/s by the direct
// FLOP count, and the path each took. To compare builds on a busy machine, run two checkouts'
// copies of this script alternately. --gemm: also a plain GEMM of each forward's sizes (cout ×
// positions × cin·kh·kw, weights packed per call), the speed the packing-free ideal would reach.
// Usage: npx tsx bench/im2col-convs.ts [--reps 5] [--threads 1] [--only W5] [--gemm]
import { setBackend, setNumThreads } from '../src/index.js';
import { activeBackend, type CpuStorage } from '../src/kernels/backend.js';
import type { ConvParams } from '../src/kernels/kernels.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { filledStorage } from './lib/wasm-arrays.js';

const flag = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const reps = Number(flag('--reps', '5')), threads = Number(flag('--threads', '1')), only = flag('--only', '');
const gemmToo = process.argv.includes('--gemm');
setBackend('wasm');
setNumThreads(threads);
const be = activeBackend() as WasmBackend;
const K = be.arrayKernels;
const stored = (n: number): CpuStorage => filledStorage(be, n);

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

type Pass = 'fwd' | 'bwd-in' | 'bwd-w';
// name, batch, cin, cout, input size, kernel, stride, padding, passes (inference: forward only;
// LeNet-5: its forward runs the direct kernel and conv1 needs no input gradient).
const shapes: [string, number, number, number, number, number, number, number, Pass[]][] = [
  ['W5 5×5 64→192 27²', 1, 64, 192, 27, 5, 1, 2, ['fwd']],
  ['W5 11×11 s4 3→64', 1, 3, 64, 224, 11, 4, 2, ['fwd']],
  ['W4 7×7 s2 3→64', 1, 3, 64, 224, 7, 2, 3, ['fwd']],
  ['W4 3×3 s2 64→128', 1, 64, 128, 56, 3, 2, 1, ['fwd']],
  ['W4 3×3 s2 128→256', 1, 128, 256, 28, 3, 2, 1, ['fwd']],
  ['W4 3×3 s2 256→512', 1, 256, 512, 14, 3, 2, 1, ['fwd']],
  ['W4 1×1 s2 64→128', 1, 64, 128, 56, 1, 2, 0, ['fwd']],
  ['W8 3×3 s2 16→32', 128, 16, 32, 32, 3, 2, 1, ['fwd', 'bwd-in', 'bwd-w']],
  ['W8 3×3 s2 32→64', 128, 32, 64, 16, 3, 2, 1, ['fwd', 'bwd-in', 'bwd-w']],
  ['W3 5×5 1→6 28²', 64, 1, 6, 28, 5, 1, 2, ['bwd-w']],
  ['W3 5×5 6→16 14²', 64, 6, 16, 14, 5, 1, 0, ['bwd-in', 'bwd-w']],
];
const path = (before: Map<string, number>) => {
  const now = be.convPathCounts();
  return [...now].filter(([k, v]) => v !== (before.get(k) ?? 0)).map(([k]) => k.split(' ')[1]).join('+');
};
console.log(`${threads} thread(s), best CPU time of ${reps}`);
for (const [name, batch, cin, cout, size, k, stride, pad, passes] of shapes) {
  if (only && !name.startsWith(only)) continue;
  const out = Math.floor((size + 2 * pad - k) / stride) + 1;
  const p: ConvParams = {
    batch, inChannels: cin, outChannels: cout, groups: 1, inSize: [size, size], outSize: [out, out],
    kernelSize: [k, k], stride: [stride, stride], padBegin: [pad, pad], dilation: [1, 1],
  };
  const flops = 2 * batch * cin * cout * k * k * out * out;
  const xs = stored(batch * cin * size * size), ws = stored(cout * cin * k * k), ys = stored(batch * cout * out * out);
  const gxs = stored(xs.data.length), gws = stored(ws.data.length);
  // Views taken at each call: one taken before the memory grew is no longer in it (the call would copy it).
  const run: Record<Pass, () => void> = {
    // On storages, as layers run it: the weights' packing is kept across calls.
    'fwd': () => be.kernels.convForward(xs, ws, null, ys, p),
    'bwd-in': () => K.convBackwardInput(ys.data, ws.data, gxs.data, p),
    'bwd-w': () => K.convBackwardWeight(xs.data, ys.data, gws.data, p),
  };
  for (const pass of passes) {
    const before = new Map(be.convPathCounts());
    const ms = best(run[pass]);
    console.log(`${name.padEnd(20)} ${pass.padEnd(7)} ${ms.toFixed(2).padStart(7)} ms ` +
      `${(flops / ms / 1e6).toFixed(1).padStart(6)} GFLOP/s  ${path(before)}`);
  }
  if (gemmToo && passes.includes('fwd')) {
    const m = cout, n = out * out, kk = cin * k * k;
    const a = stored(m * kk), b = stored(kk * n), c = stored(m * n);
    const ms = best(() => K.gemm(a.data, b.data, c.data, { m, n, k: kk, transA: false, transB: false, accumulate: false }));
    console.log(`${name.padEnd(20)} gemm    ${ms.toFixed(2).padStart(7)} ms ${(2 * m * n * kk / ms / 1e6).toFixed(1).padStart(6)} GFLOP/s  ` +
      `(${m} × ${n} × ${kk}: one image's)`);
  }
}
