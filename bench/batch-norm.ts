// Batch norm's kernels alone on W8's (ResNet-20, batch 128) three shapes, at 1 and 2 threads, beside
// the machine's bandwidth: a plain copy (TypedArray.set, a native memmove) over as many bytes as the
// kernel reads and writes. GB/s counts bytes read + written; the floor is what the data needs: stats
// read x; forward reads x (+ residual), writes out; the fused backward reads x, y, gy and writes
// gResidual in its reduction pass, then reads g and x again and writes gx. A native copy streams
// faster than WebAssembly loops can (TypedArray.set: a memmove with wide stores); the row
// `wasm stream` is an element-wise kernel's speed over the same arrays.
// Usage: npx tsx bench/batch-norm.ts [--reps 15]   (prints min and median ms of the reps)
import { getBackend, setBackend, setNumThreads } from '../src/index.js';
import { activeBackend, type CpuStorage } from '../src/kernels/backend.js';
import type { BatchNormParams } from '../src/kernels/kernels.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { filledArray } from './lib/wasm-arrays.js';

const reps = Number(process.argv[process.argv.indexOf('--reps') + 1]) || 15;
setBackend('wasm');
const be = activeBackend() as WasmBackend;
const K = be.arrayKernels;
const alloc = (n: number): Float32Array => (be.alloc(n) as CpuStorage).data;

function times(fn: () => void): { min: number; median: number } {
  fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return { min: t[0]!, median: t[t.length >> 1]! };
}

const shapes: BatchNormParams[] = [
  { batch: 128, channels: 16, spatial: 32 * 32 },
  { batch: 128, channels: 32, spatial: 16 * 16 },
  { batch: 128, channels: 64, spatial: 8 * 8 },
];
// The copy's buffers: as large as the largest kernel's bytes moved (8 floats an element).
const most = Math.max(...shapes.map((s) => s.batch * s.channels * s.spatial)) * 8;
const copySrc = filledArray(be, most / 2), copyDst = alloc(most / 2);

const rows: string[] = [];
for (const threads of [1, 2]) {
  setNumThreads(threads);
  for (const p of shapes) {
    const n = p.batch * p.channels * p.spatial, c = p.channels;
    const x = filledArray(be, n), y = filledArray(be, n), gy = filledArray(be, n), res = filledArray(be, n);
    const out = alloc(n), gx = alloc(n), gRes = alloc(n);
    const mean = filledArray(be, c), invStd = alloc(c).fill(1.5), w = filledArray(be, c), b = filledArray(be, c);
    const gw = alloc(c), gb = alloc(c);
    // Pool threads boot asynchronously: run a few until they are up.
    for (let i = 0; i < 20; i++) K.batchNormStats(x, mean, gw, p);
    const cases: [string, number, () => void][] = [
      // What a WebAssembly loop streams: read x, write out, no arithmetic to speak of.
      ['wasm stream (unary neg)', 8, () => K.unary('neg', x, out, 0)],
      ['stats', 4, () => K.batchNormStats(x, gw, gb, p)],
      ['relu forward', 8, () => K.batchNormReluForward(x, mean, invStd, w, b, null, out, p)],
      ['relu forward + residual', 12, () => K.batchNormReluForward(x, mean, invStd, w, b, res, out, p)],
      ['relu backward', 28, () => K.batchNormReluBackward(x, y, gy, mean, invStd, w, gx, gw, gb, null, true, p)],
      ['relu backward, sums only', 12, () => K.batchNormReluBackward(x, y, gy, mean, invStd, w, null, gw, gb, null, true, p)],
      ['relu backward + gResidual', 28, () => K.batchNormReluBackward(x, y, gy, mean, invStd, w, gx, gw, gb, gRes, true, p)],
    ];
    for (const [name, bytesPerElement, fn] of cases) {
      const bytes = n * bytesPerElement;
      const t = times(fn);
      // The copy reads and writes half each of the same byte count.
      const copy = times(() => copyDst.subarray(0, bytes / 8).set(copySrc.subarray(0, bytes / 8)));
      const gbs = (ms: number) => (bytes / ms / 1e6).toFixed(1);
      rows.push(`${threads}t C=${String(c).padStart(2)} S=${String(p.spatial).padStart(4)} ${name.padEnd(26)}` +
        `${t.min.toFixed(2).padStart(6)} / ${t.median.toFixed(2).padStart(6)} ms  ${(t.min * 1e6 / n).toFixed(2)} ns/el  ` +
        `${gbs(t.min).padStart(5)} GB/s   copy ${copy.min.toFixed(2)} ms ${gbs(copy.min)} GB/s`);
    }
  }
}
console.log(`backend ${getBackend()}, reps ${reps}, min / median ms; GB/s of the min\n${rows.join('\n')}`);
