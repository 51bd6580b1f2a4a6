// The thread pool's round trip: wall time of one dispatch whose parts do nothing (a unary task
// over 0 elements), back to back (workers still polling) and after a pause longer than their
// polling (workers asleep in Atomics.wait), at 1 and 2 threads; minimum, median and 90th
// percentile over many calls. Usage: npx tsx bench/pool-latency.ts [--calls 500] [--parts 8]
import { setBackend, setNumThreads } from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import { PARAM_SLOTS, TASK_UNARY, UN_N } from '../src/kernels/wasm/abi.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { ThreadPool } from '../src/kernels/wasm/thread-pool.js';

const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const calls = flag('--calls', 500), parts = flag('--parts', 8);
setBackend('wasm');
const be = activeBackend() as WasmBackend;

// The pool and parameter block, caught from a real parallel call.
let caught: { pool: ThreadPool; params: number } | null = null;
const run = ThreadPool.prototype.run;
ThreadPool.prototype.run = function (id, params, nt, wanted, workersFromFront) {
  caught = { pool: this, params };
  run.call(this, id, params, nt, wanted, workersFromFront);
};
setNumThreads(2);
const x = be.alloc(1 << 18).data;
be.arrayKernels.unary('relu', x, x, 0);
ThreadPool.prototype.run = run;
const { pool, params } = caught!;
be.heap.i32(params, PARAM_SLOTS)[UN_N] = 0;

const spin = (us: number) => { const end = performance.now() + us / 1000; while (performance.now() < end); };
function measure(nt: number, pauseUs: number): string {
  const t: number[] = [];
  for (let i = 0; i < calls; i++) {
    if (pauseUs) spin(pauseUs);
    const t0 = performance.now();
    pool.run(TASK_UNARY, params, nt, nt === 1 ? 1 : parts);
    t.push((performance.now() - t0) * 1000);
  }
  t.sort((a, b) => a - b);
  const at = (q: number) => t[Math.floor(q * (t.length - 1))]!.toFixed(1);
  return `min ${at(0)} µs, median ${at(0.5)}, p90 ${at(0.9)}`;
}
for (let i = 0; i < 50 && pool.plan(true) < 2; i++) spin(10000); // the worker boots
const nt = pool.plan(true);
console.log(`threads ready: ${nt}, ${parts} parts per dispatch, ${calls} calls`);
for (const pause of [0, 100, 200, 1000]) {
  console.log(`${pause ? `after ${pause} µs idle` : 'back to back'}: 1 thread ${measure(1, pause)}; ${nt} threads ${measure(nt, pause)}`);
}
