// The gaps between a batch-1 forward's parallel dispatches, and how many of them found the pool's
// worker asleep (Atomics.notify on the generation word woke a waiter: it had polled SPIN times,
// thread-pool.ts, and gone to sleep). Per dispatch at 2 threads: the task, the wall time since the
// last 2-thread dispatch ended (the worker's idle time), and whether it slept. Prints the sleeps
// per forward and the gaps' quartiles over --forwards forwards, and with --list the last forward's
// dispatches one by one.
// Usage: npx tsx bench/forward-gaps.ts [--forwards 20] [--model resnet18|alexnet] [--list]
import * as st from '../src/index.js';
import { setBackend } from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import { TASK_EXPORTS } from '../src/kernels/wasm/exports.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { ThreadPool } from '../src/kernels/wasm/thread-pool.js';
import { awaitWorkers } from './lib/await-workers.js';
import { filledStorage } from './lib/wasm-arrays.js';

const flag = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const forwards = Number(flag('--forwards', '20')), which = flag('--model', 'resnet18'), list = process.argv.includes('--list');
setBackend('wasm');
const be = activeBackend() as WasmBackend;
const probe = filledStorage(be, 1 << 20).data;
if (await awaitWorkers(be, 2, () => be.arrayKernels.unary('relu', probe, probe, 0)) < 2) throw new Error('no worker ready');
const model = which === 'alexnet' ? st.models.alexnet() : st.models.resnet18();
model.eval();
const x = st.randn([1, 3, 224, 224], { seed: 6 });
for (let i = 0; i < 10; i++) st.noGrad(() => model.forward(x));

interface Dispatch { task: string; gapUs: number; slept: boolean; runUs: number }
let log: Dispatch[] = [];
let lastEnd = 0, woke = 0;
const notify = Atomics.notify;
(Atomics as { notify: (a: Int32Array, i: number, n?: number) => number }).notify = (a, i, n) => {
  const w = notify(a, i, n);
  if (i === 0) woke = w;
  return w;
};
const run = ThreadPool.prototype.run;
ThreadPool.prototype.run = function (id, params, nt, wanted) {
  const t0 = performance.now();
  woke = 0;
  run.call(this, id, params, nt, wanted);
  const t1 = performance.now();
  if (nt > 1) {
    log.push({ task: TASK_EXPORTS[id]!, gapUs: (t0 - lastEnd) * 1000, slept: woke > 0, runUs: (t1 - t0) * 1000 });
    lastEnd = t1;
  }
};

const sleeps: number[] = [], counts: number[] = [], gaps: number[] = [], times: number[] = [];
for (let f = 0; f < forwards; f++) {
  log = [];
  lastEnd = performance.now();
  const t0 = performance.now();
  st.noGrad(() => model.forward(x));
  times.push(performance.now() - t0);
  sleeps.push(log.filter((d) => d.slept).length);
  counts.push(log.length);
  gaps.push(...log.slice(1).map((d) => d.gapUs));
}
const q = (v: number[], f: number) => [...v].sort((a, b) => a - b)[Math.floor(f * (v.length - 1))]!;
console.log(`${which} at 2 threads, ${forwards} forwards: ${q(counts, 0.5)} dispatches on 2 threads, worker asleep at ` +
  `${q(sleeps, 0)}–${q(sleeps, 1)} (median ${q(sleeps, 0.5)}); forward ${q(times, 0).toFixed(1)}–${q(times, 1).toFixed(1)} ms`);
console.log(`gaps between them, µs: 25% ${q(gaps, 0.25).toFixed(0)}, median ${q(gaps, 0.5).toFixed(0)}, ` +
  `75% ${q(gaps, 0.75).toFixed(0)}, 90% ${q(gaps, 0.9).toFixed(0)}, max ${q(gaps, 1).toFixed(0)}`);
if (list) for (const d of log) console.log(`${d.task.padEnd(28)} gap ${d.gapUs.toFixed(0).padStart(5)} µs  run ${d.runUs.toFixed(0).padStart(5)} µs${d.slept ? '  slept' : ''}`);
