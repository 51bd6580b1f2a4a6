// LeNet-5's small kernels (batch 64) as W3 calls them: each call after a pause like the gaps
// between W3's parallel tasks (default 150 µs, longer than the workers poll, so they sleep), at
// 2 threads and at 1, wall time per call, 10th percentile and median over many calls. Shows which
// tasks a second thread speeds up once it has to be woken, and which it slows down (the thresholds
// in src/kernels/wasm/kernels.ts). Usage: npx tsx bench/small-tasks.ts [--gap-us 150] [--calls 500]
import { parseArgs } from 'node:util';
import { randn, setBackend, setNumThreads, zeros } from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import type { PoolParams } from '../src/kernels/kernels.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { awaitWorkers } from './lib/await-workers.js';

const { values } = parseArgs({ options: { 'gap-us': { type: 'string', default: '150' }, calls: { type: 'string', default: '500' } } });
const gapMs = Number(values['gap-us']) / 1000, calls = Number(values.calls);
setBackend('wasm');
const be = activeBackend() as WasmBackend;
const K = be.kernels;

function gemm(m: number, n: number, k: number, transA: boolean, transB: boolean): () => void {
  const a = randn([m * k], { seed: 1 }), b = randn([k * n], { seed: 2 }), c = zeros([m * n]);
  return () => K.gemm(a.storage, b.storage, c.storage, { m, n, k, transA, transB, accumulate: false });
}

function pool(channels: number, side: number, backward: boolean): () => void {
  const o = side / 2, planes = 64 * channels;
  const p: PoolParams = {
    batch: 64, channels, inSize: [side, side], outSize: [o, o], kernelSize: [2, 2], stride: [2, 2], padBegin: [0, 0],
    dilation: [1, 1], countIncludePad: true,
  };
  const x = randn([planes * side * side], { seed: 3 }), y = zeros([planes * o * o]), gx = zeros([planes * side * side]);
  const argmax = be.allocUninitialized(planes * o * o);
  K.maxPoolForward(x.storage, y.storage, argmax, p);
  return backward ? () => K.maxPoolBackward(y.storage, argmax, gx.storage, p) : () => K.maxPoolForward(x.storage, y.storage, argmax, p);
}

const tasks: [string, () => void][] = [
  ['gemm fc1 forward (6.1 MFLOP)', gemm(64, 120, 400, false, true)],
  ['gemm fc1 input gradient (6.1 MFLOP)', gemm(64, 400, 120, false, false)],
  ['gemm fc1 weight gradient (6.1 MFLOP)', gemm(120, 400, 64, true, false)],
  ['gemm fc2 forward (1.3 MFLOP)', gemm(64, 84, 120, false, true)],
  ['gemm 64×120×256 (3.9 MFLOP)', gemm(64, 120, 256, false, true)],
  ['max pool 1 forward (6×28² → 14²)', pool(6, 28, false)],
  ['max pool 2 forward (16×10² → 5²)', pool(16, 10, false)],
  ['max pool 1 backward', pool(6, 28, true)],
];

const warm = gemm(256, 256, 256, false, false);

// µs per call: 10th percentile and median, each call after gapMs of spinning on this thread.
function timed(fn: () => void): [number, number] {
  const t: number[] = [];
  for (let i = 0; i < calls + 100; i++) {
    const g0 = performance.now();
    while (performance.now() - g0 < gapMs);
    const t0 = performance.now();
    fn();
    if (i >= 100) t.push((performance.now() - t0) * 1000);
  }
  t.sort((a, b) => a - b);
  return [t[Math.floor(calls / 10)]!, t[calls >> 1]!];
}

console.log(`| task | threads used (2 asked) | 2 threads p10 / median µs | 1 thread p10 / median µs |\n|---|---|---|---|`);
for (const [name, fn] of tasks) {
  await awaitWorkers(be, 2, warm);
  const two = timed(fn);
  const used = be.lastThreads();
  setNumThreads(1);
  const one = timed(fn);
  const f = ([a, b]: [number, number]) => `${a.toFixed(0)} / ${b.toFixed(0)}`;
  console.log(`| ${name} | ${used} | ${f(two)} | ${f(one)} |`);
}
process.exit(0);
