// Batch norm's kernels alone on W8's (ResNet-20, batch 128) three shapes, at 1 and 2 threads, beside
// the machine's bandwidth: a plain copy (TypedArray.set, a native memmove) over as many bytes as the
// kernel reads and writes. GB/s counts bytes read + written; the floor is what the data needs: stats
// read x; forward reads x (+ residual), writes out; the fused backward reads x, y, gy and writes
// gResidual in its reduction pass, then reads g and x again and writes gx. A native copy streams
// faster than WebAssembly loops can (TypedArray.set: a memmove with wide stores); the row
// `wasm stream` is an element-wise kernel's speed over the same arrays.
// The rows `add` and `add in place` are backward's residual gradient sums on the same shapes: a new
// tensor (the engine before issue 14's in-place accumulation) or into the pending gradient.
// Each case runs at 1 and 2 threads alternately, --rounds times (after the pool's worker is up:
// until then a 2-thread call runs on one, lib/await-workers.ts); a row gives each thread count's
// best round and the ratio of the two.
// --cold writes 64 MB before each rep, so that the kernel reads its arrays from memory as W8 mostly
// does (a layer's tensors, 2–8 MB each, come from ops that touched tens of MB since).
// Usage: npx tsx bench/batch-norm.ts [--reps 15] [--rounds 3] [--only NAME] [--cold]   (min and median ms of the reps)
import { getBackend, setBackend, setNumThreads } from '../src/index.js';
import { activeBackend, type CpuStorage } from '../src/kernels/backend.js';
import type { BatchNormParams } from '../src/kernels/kernels.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { awaitWorkers } from './lib/await-workers.js';
import { filledArray } from './lib/wasm-arrays.js';

const option = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const reps = Number(option('--reps')) || 15, rounds = Number(option('--rounds')) || 3, only = option('--only');
const cold = process.argv.includes('--cold'), evict = new Float32Array(cold ? 16 << 20 : 0);
setBackend('wasm');
const be = activeBackend() as WasmBackend;
const K = be.arrayKernels;
const alloc = (n: number): Float32Array => (be.alloc(n) as CpuStorage).data;

function times(fn: () => void): { min: number; median: number } {
  fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    evict.fill(i);
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
{
  const x = filledArray(be, 1 << 20), out = alloc(1 << 20);
  const ran = await awaitWorkers(be, 2, () => K.unary('neg', x, out, 0));
  if (ran < 2) rows.push(`(the pool's worker was not up: "2t" rows ran on ${ran} thread)`);
}
for (const p of shapes) {
  const n = p.batch * p.channels * p.spatial, c = p.channels;
  const x = filledArray(be, n), y = filledArray(be, n), gy = filledArray(be, n), res = filledArray(be, n);
  const out = alloc(n), gx = alloc(n), gRes = alloc(n);
  const mean = filledArray(be, c), invStd = alloc(c).fill(1.5), w = filledArray(be, c), b = filledArray(be, c);
  const gw = alloc(c), gb = alloc(c);
  const flat = { shape: [n], aStrides: [1], bStrides: [1] };
  const cases: [string, number, () => void][] = [
    // What a WebAssembly loop streams: read x, write out, no arithmetic to speak of.
    ['wasm stream (unary neg)', 8, () => K.unary('neg', x, out, 0)],
    ['stats', 4, () => K.batchNormStats(x, gw, gb, p)],
    ['relu forward', 8, () => K.batchNormReluForward(x, mean, invStd, w, b, null, out, p)],
    ['relu forward + residual', 12, () => K.batchNormReluForward(x, mean, invStd, w, b, res, out, p)],
    ['relu backward', 28, () => K.batchNormReluBackward(x, y, gy, mean, invStd, w, b, gx, gw, gb, null, true, p)],
    ['relu backward, sums only', 12, () => K.batchNormReluBackward(x, y, gy, mean, invStd, w, b, null, gw, gb, null, true, p)],
    ['relu backward + gResidual', 28, () => K.batchNormReluBackward(x, y, gy, mean, invStd, w, b, gx, gw, gb, gRes, true, p)],
    // Without a residual: the ReLU's mask from x, no pass over y.
    ['relu backward, mask of x', 20, () => K.batchNormReluBackward(x, null, gy, mean, invStd, w, b, gx, gw, gb, null, true, p)],
    ['add', 12, () => K.binary('add', gRes, gx, out, flat)],
    ['add in place', 12, () => K.binary('add', gRes, gx, gRes, flat)],
  ];
  for (const [name, bytesPerElement, fn] of cases) {
    if (only && !name.startsWith(only)) continue;
    const bytes = n * bytesPerElement;
    const best: Record<number, { min: number; median: number }> = {};
    for (let r = 0; r < rounds; r++) {
      for (const threads of [1, 2]) {
        setNumThreads(threads);
        const t = times(fn);
        if (!best[threads] || t.min < best[threads]!.min) best[threads] = t;
      }
    }
    // The copy reads and writes half each of the same byte count.
    const copy = times(() => copyDst.subarray(0, bytes / 8).set(copySrc.subarray(0, bytes / 8)));
    const gbs = (ms: number) => (bytes / ms / 1e6).toFixed(1);
    const ms = (t: { min: number; median: number }) => `${t.min.toFixed(2).padStart(6)} / ${t.median.toFixed(2).padStart(6)}`;
    rows.push(`C=${String(c).padStart(2)} S=${String(p.spatial).padStart(4)} ${name.padEnd(26)}` +
      `1t ${ms(best[1]!)} ms ${gbs(best[1]!.min).padStart(5)} GB/s  2t ${ms(best[2]!)} ms ${gbs(best[2]!.min).padStart(5)} GB/s` +
      `  ×${(best[1]!.min / best[2]!.min).toFixed(2)}   copy ${copy.min.toFixed(2)} ms ${gbs(copy.min)} GB/s`);
  }
}
console.log(`backend ${getBackend()}, reps ${reps}, rounds ${rounds}${cold ? ', cold' : ''}, min / median ms of the best round; GB/s of the min\n${rows.join('\n')}`);
