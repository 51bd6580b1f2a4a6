// Where a workload step's second thread goes, thread-pool task by task: each task's dispatches
// timed inside real steps at 1 and at 2 threads (rounds alternating the two), per step, with the
// 2-thread speed-up, the calling thread's wait for the worker once every part is claimed, and its
// share of the parts. Convolution tasks are told apart by geometry (batch × cin → cout, input
// size, a phase where they run in phases), batch norm's by pass and plane size. A task that runs
// slower on 2 threads than on 1, or waits long, shows here where the whole step's scaling cannot
// (bench/profile.ts times kernel calls, whose 2-thread figures its own timing disturbs;
// bench/wasm-functions.ts samples the calling thread only). Each row is the best round's.
//   npx tsx bench/pool-tasks.ts [--workload W8] [--steps 10] [--rounds 2] [--top 40]
// W4 and W5 run their recorded forward (nn.recordForward), as `npm run bench` does.
import { parseArgs } from 'node:util';
import * as st from '../src/index.js';
import {
  BN_PASS, BN_RESIDUAL, BN_SPATIAL, CONV_BATCH, CONV_CIN, CONV_COUT, CONV_FLIP, CONV_IH, CONV_SH, CONV_WINOGRAD_PHASE,
} from '../src/kernels/wasm/abi.js';
import { activeBackend } from '../src/kernels/backend.js';
import { TASK_EXPORTS } from '../src/kernels/wasm/exports.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { ThreadPool, type Job } from '../src/kernels/wasm/thread-pool.js';
import { awaitWorkers } from './lib/await-workers.js';
import { profiledStep } from './lib/steps.js';

const { values } = parseArgs({
  options: {
    workload: { type: 'string', default: 'W8' }, steps: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' }, top: { type: 'string', default: '40' },
  },
});
const steps = Number(values.steps), rounds = Number(values.rounds), top = Number(values.top);
if (![steps, rounds, top].every((v) => Number.isInteger(v) && v >= 1)) throw new Error('--steps, --rounds and --top must be positive integers');
st.setBackend('wasm');
const { title, step } = profiledStep(values.workload!, { recorded: true });

const BN_PASSES = ['stats', 'forward', 'backward sums', 'stats end', 'backward end', 'grad input'];
// A dispatch's row: its task (and the second task run amid its parts), told apart as above.
function label(id: number, block: Int32Array, second: Job | null): string {
  const name = TASK_EXPORTS[id]!.replace(/Task$/, '') + (second ? ` + ${TASK_EXPORTS[second.id]!.replace(/Task$/, '')}` : '');
  if (name.startsWith('batchNorm')) {
    return `${name} ${BN_PASSES[block[BN_PASS]!]} ${block[BN_SPATIAL]} a plane${block[BN_RESIDUAL] ? ', y or residual' : ''}`;
  }
  if (!/^(conv|winograd|direct|polyphase)/.test(name) || /Weights|Finish/.test(name)) return name;
  const phase = /Phase/.test(name) ? ` phase ${block[CONV_WINOGRAD_PHASE]}` : '';
  // A weight gradient's block keeps the flag of the input gradient before it.
  const pass = name.startsWith('winogradGradLane') ? ' (weight gradient)' : block[CONV_FLIP] ? ' (input gradient)' : '';
  const stride = block[CONV_SH]! > 1 ? ` s${block[CONV_SH]}` : '';
  return `${name} ${block[CONV_BATCH]}×${block[CONV_CIN]}→${block[CONV_COUT]} ${block[CONV_IH]}²${stride}${phase}${pass}`;
}

// The pool's dispatch and the calling thread's parts, timed while `timing` holds a table.
interface Row { ms: number; busy: number; mine: number; parts: number; calls: number }
let timing: Map<string, Row> | null = null, busy = 0, mine = 0;
const pool = ThreadPool.prototype as unknown as {
  dispatch(id: number, params: number, na: number, b: Job | null, nt: number, front: boolean): void;
  runPart(...args: unknown[]): void;
  block(params: number): Int32Array;
};
const { dispatch, runPart } = pool;
if ([dispatch, runPart, pool.block].some((f) => typeof f !== 'function')) {
  throw new Error('bench/pool-tasks: ThreadPool has no dispatch, runPart or block method (renamed?); this tool times them');
}
pool.runPart = function (...args) {
  const t0 = performance.now();
  runPart.apply(this, args);
  busy += performance.now() - t0;
  mine++;
};
pool.dispatch = function (id, params, na, b, nt, front) {
  busy = mine = 0;
  const t0 = performance.now();
  dispatch.call(this, id, params, na, b, nt, front);
  const ms = performance.now() - t0;
  if (!timing) return;
  const key = label(id, this.block(params), b);
  const r = timing.get(key) ?? { ms: 0, busy: 0, mine: 0, parts: 0, calls: 0 };
  r.ms += ms; r.busy += busy; r.mine += mine; r.parts += na + (b?.parts ?? 0); r.calls++;
  timing.set(key, r);
};

// Per thread count, the best round's step time and its table.
const best = new Map<number, { step: number; rows: Map<string, Row> }>();
{
  // The worker up (a step's last dispatches are small ones on 1 thread: a large unary op tells).
  const be = activeBackend() as WasmBackend, x = new Float32Array(1 << 20);
  const ran = await awaitWorkers(be, 2, () => be.arrayKernels.unary('relu', x, x, 0));
  if (ran < 2) console.log(`2 threads asked, ${ran} ready: the 2-thread figures are 1-thread ones`);
}
for (const threads of [1, 2]) {
  st.setNumThreads(threads);
  for (let i = 0; i < 5; i++) step();
}
for (let r = 0; r < rounds; r++) {
  for (const threads of [1, 2]) {
    st.setNumThreads(threads);
    step();
    timing = new Map();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) step();
    const ms = (performance.now() - t0) / steps;
    const rows = timing;
    timing = null;
    if (ms < (best.get(threads)?.step ?? Infinity)) best.set(threads, { step: ms, rows });
  }
}

const one = best.get(1)!, two = best.get(2)!;
const per = (r: Row | undefined, f: (r: Row) => number) => (r ? f(r) / steps : 0);
const fmt = (v: number, w = 7) => v.toFixed(2).padStart(w);
const keys = [...new Set([...one.rows.keys(), ...two.rows.keys()])]
  .sort((a, b) => per(one.rows.get(b), (r) => r.ms) + per(two.rows.get(b), (r) => r.ms) - per(one.rows.get(a), (r) => r.ms) - per(two.rows.get(a), (r) => r.ms));
const width = Math.max(...keys.map((k) => k.length));
console.log(`${title}: ms a step (best of ${rounds} rounds of ${steps} steps); 2t: the calling thread's wait and its share of the parts`);
console.log('(on 2 threads a weight gradient\'s lanes run amid the parts of the input gradient before it, one row;' +
  ' on 1, two rows)');
console.log(`${'task'.padEnd(width)}     1t      2t  speed-up  wait 2t  mine  calls 1t/2t`);
let sum1 = 0, sum2 = 0, wait = 0;
for (const k of keys) {
  const a = one.rows.get(k), b = two.rows.get(k);
  sum1 += per(a, (r) => r.ms); sum2 += per(b, (r) => r.ms); wait += per(b, (r) => r.ms - r.busy);
}
for (const k of keys.slice(0, top)) {
  const a = one.rows.get(k), b = two.rows.get(k), t1 = per(a, (r) => r.ms), t2 = per(b, (r) => r.ms);
  console.log(`${k.padEnd(width)} ${fmt(t1)} ${fmt(t2)} ${t1 && t2 ? `×${(t1 / t2).toFixed(2)}`.padStart(9) : ''.padStart(9)}` +
    ` ${fmt(per(b, (r) => r.ms - r.busy), 8)} ${b ? (b.mine / b.parts).toFixed(2).padStart(5) : '     '}` +
    `  ${per(a, (r) => r.calls)}/${per(b, (r) => r.calls)}`);
}
if (keys.length > top) console.log(`(${keys.length - top} more rows: --top)`);
console.log(`step ${fmt(one.step, 0)} / ${fmt(two.step, 0)} ms (×${(one.step / two.step).toFixed(2)}); in dispatches ${fmt(sum1, 0)} / ${fmt(sum2, 0)}` +
  ` (×${(sum1 / sum2).toFixed(2)}); outside them ${fmt(one.step - sum1, 0)} / ${fmt(two.step - sum2, 0)}; the calling thread waiting ${fmt(wait, 0)} at 2 threads`);
process.exit(0);
