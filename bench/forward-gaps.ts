// What passes between a batch-1 forward's kernel dispatches: per forward, the JavaScript from
// each conv layer's convolve() to its first dispatch (the op's checks, the output, the backend's
// path, weights' cache and parameter block) and from a conv's last dispatch to the next conv's
// convolve() (the modules'); at 2 threads also the gaps between the 2-thread dispatches (the
// worker's idle time) and how many found the worker asleep (Atomics.notify on the generation
// word woke a waiter: it had polled SPIN times, thread-pool.ts, and gone to sleep).
// --list prints the last forward's 2-thread dispatches one by one.
// Usage: npx tsx bench/forward-gaps.ts [--forwards 30] [--threads 2] [--model resnet18|alexnet] [--list]
import * as st from '../src/index.js';
import { setBackend } from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import { TASK_EXPORTS } from '../src/kernels/wasm/exports.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { ThreadPool } from '../src/kernels/wasm/thread-pool.js';
import { ConvNd } from '../src/nn/conv.js';
import { awaitWorkers } from './lib/await-workers.js';
import { filledStorage } from './lib/wasm-arrays.js';

const flag = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const forwards = Number(flag('--forwards', '30')), threads = Number(flag('--threads', '2'));
const which = flag('--model', 'resnet18'), list = process.argv.includes('--list');
setBackend('wasm');
const be = activeBackend() as WasmBackend;
const probe = filledStorage(be, 1 << 20).data;
if (threads > 1 && await awaitWorkers(be, threads, () => be.arrayKernels.unary('relu', probe, probe, 0)) < threads) {
  throw new Error('workers not ready');
}
st.setNumThreads(threads);
const model = which === 'alexnet' ? st.models.alexnet() : st.models.resnet18();
model.eval();
const x = st.randn([1, 3, 224, 224], { seed: 6 });
for (let i = 0; i < 10; i++) st.noGrad(() => model.forward(x));

interface Dispatch { task: string; gapUs: number; slept: boolean; runUs: number }
let log: Dispatch[] = [];
let lastEnd = -1, last2End = 0, convEntry = -1, woke = 0, opUs = 0, betweenUs = 0;
const notify = Atomics.notify;
(Atomics as { notify: (a: Int32Array, i: number, n?: number) => number }).notify = (a, i, n) => {
  const w = notify(a, i, n);
  if (i === 0) woke = w;
  return w;
};
const convolve = ConvNd.prototype.convolve;
ConvNd.prototype.convolve = function (...args) {
  convEntry = performance.now();
  if (lastEnd >= 0) betweenUs += (convEntry - lastEnd) * 1000;
  return convolve.apply(this, args);
};
const run = ThreadPool.prototype.run;
ThreadPool.prototype.run = function (id, params, nt, wanted, workersFromFront) {
  const t0 = performance.now();
  if (convEntry >= 0) opUs += (t0 - convEntry) * 1000;
  convEntry = -1;
  woke = 0;
  run.call(this, id, params, nt, wanted, workersFromFront);
  const t1 = performance.now();
  lastEnd = t1;
  if (nt > 1) {
    log.push({ task: TASK_EXPORTS[id]!, gapUs: (t0 - last2End) * 1000, slept: woke > 0, runUs: (t1 - t0) * 1000 });
    last2End = t1;
  }
};

const sleeps: number[] = [], counts: number[] = [], gaps: number[] = [], times: number[] = [], ops: number[] = [], betweens: number[] = [];
for (let f = 0; f < forwards; f++) {
  log = [];
  lastEnd = -1; opUs = 0; betweenUs = 0;
  last2End = performance.now();
  const t0 = performance.now();
  st.noGrad(() => model.forward(x));
  times.push(performance.now() - t0);
  ops.push(opUs); betweens.push(betweenUs);
  sleeps.push(log.filter((d) => d.slept).length);
  counts.push(log.length);
  gaps.push(...log.slice(1).map((d) => d.gapUs));
}
const q = (v: number[], f: number) => [...v].sort((a, b) => a - b)[Math.floor(f * (v.length - 1))] ?? NaN;
const us = (v: number[]) => `${q(v, 0).toFixed(0)} / ${q(v, 0.5).toFixed(0)}`;
console.log(`${which}, ${threads} thread(s), ${forwards} forwards of ${q(times, 0).toFixed(1)}–${q(times, 1).toFixed(1)} ms; per forward, ` +
  `µs best / median: the conv layers' JavaScript to their first dispatch ${us(ops)}, from a conv's last dispatch to the next conv ${us(betweens)}`);
if (threads > 1) {
  console.log(`${q(counts, 0.5)} dispatches on ${threads} threads a forward, the worker asleep at ${q(sleeps, 0)}–${q(sleeps, 1)} ` +
    `(median ${q(sleeps, 0.5)}); gaps between them, µs: 25% ${q(gaps, 0.25).toFixed(0)}, median ${q(gaps, 0.5).toFixed(0)}, ` +
    `75% ${q(gaps, 0.75).toFixed(0)}, 90% ${q(gaps, 0.9).toFixed(0)}`);
}
if (list) for (const d of log) console.log(`${d.task.padEnd(28)} gap ${d.gapUs.toFixed(0).padStart(5)} µs  run ${d.runUs.toFixed(0).padStart(5)} µs${d.slept ? '  slept' : ''}`);
