// W3's LeNet-5 training step, thread-pool task by task (each pool.run call in the step, in order):
// wall µs per call at 1 and at 2 threads, and at 2 threads the parts the calling thread ran
// itself, the time it then waited for the worker's, whether the dispatch had to wake a sleeping
// worker, and the JavaScript gap since the previous task ended. Medians over the steps.
//   npx tsx bench/lenet-dispatches.ts [--steps 400]
import { parseArgs } from 'node:util';
import * as st from '../src/index.js';
import { ThreadPool, type TaskFn } from '../src/kernels/wasm/thread-pool.js';
import { profiledStep } from './lib/steps.js';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '400' } } });
const steps = Number(values.steps);

interface Rec { name: string; nt: number; parts: number; wall: number; own: number; ownParts: number; woke: boolean; gap: number }
let recs: Rec[] = [];
let ownT = 0, ownN = 0, woke = false, lastEnd = 0;
const notify = Atomics.notify;
Atomics.notify = ((a: Int32Array, i: number, c?: number) => {
  const n = notify(a, i, c);
  if (i === 0 && n > 0) woke = true;
  return n;
}) as typeof Atomics.notify;
type PoolInternals = { fns: TaskFn[]; names: readonly string[]; wrapped?: boolean; lastThreads: number };
const run = ThreadPool.prototype.run;
ThreadPool.prototype.run = function (this: ThreadPool, id: number, params: number, nt: number, wanted = nt, front = false) {
  const p = this as unknown as PoolInternals;
  if (!p.wrapped) {
    p.wrapped = true;
    p.fns.forEach((f, k) => {
      p.fns[k] = (a, b, c, d) => { const t = performance.now(); f(a, b, c, d); ownT += (performance.now() - t) * 1000; ownN++; };
    });
  }
  ownT = 0; ownN = 0; woke = false;
  const t0 = performance.now();
  run.call(this, id, params, nt, wanted, front);
  const t1 = performance.now();
  recs.push({ name: p.names[id]!, nt, parts: Math.max(1, Math.min(wanted, 255)), wall: (t1 - t0) * 1000, own: ownT, ownParts: ownN, woke, gap: (t0 - lastEnd) * 1000 });
  lastEnd = t1;
};

const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)]!;
const { step } = profiledStep('W3');
const perThreads = new Map<number, Rec[][]>();
const stepWall = new Map<number, number[]>();
for (const threads of [1, 2]) {
  st.setNumThreads(threads);
  for (const t0 = performance.now(); performance.now() - t0 < 3000;) step();
  const all: Rec[][] = [], walls: number[] = [];
  for (let s = 0; s < steps; s++) {
    recs = [];
    const t0 = lastEnd = performance.now();
    step();
    walls.push((performance.now() - t0) * 1000);
    all.push(recs);
  }
  stepWall.set(threads, walls);
  perThreads.set(threads, all);
}
const one = perThreads.get(1)!, two = perThreads.get(2)!;
const n = two[0]!.length;
console.log(`W3 step, ${steps} steps, medians in µs; 2-thread columns: threads, parts (caller's), wall, caller's own parts, caller waited, woke %, JS gap before`);
let sum1 = 0, sum2 = 0, sumGap = 0, sumWait = 0;
for (let i = 0; i < n; i++) {
  const r1 = one.map((s) => s[i]!).filter(Boolean), r2 = two.map((s) => s[i]!).filter(Boolean);
  const w1 = med(r1.map((r) => r.wall)), w2 = med(r2.map((r) => r.wall));
  const own = med(r2.map((r) => r.own)), wait = med(r2.map((r) => r.wall - r.own));
  const gap = med(r2.map((r) => r.gap));
  sum1 += w1; sum2 += w2; sumGap += gap; sumWait += r2[0]!.nt > 1 ? wait : 0;
  const wokePct = (100 * r2.filter((r) => r.woke).length) / r2.length;
  console.log(`${String(i).padStart(2)} ${r2[0]!.name.padEnd(24)} 1t ${w1.toFixed(1).padStart(6)} | ${r2[0]!.nt} ${String(r2[0]!.parts).padStart(3)} (${med(r2.map((r) => r.ownParts))}) ` +
    `${w2.toFixed(1).padStart(6)} own ${own.toFixed(1).padStart(6)} wait ${wait.toFixed(1).padStart(5)} woke ${wokePct.toFixed(0).padStart(3)}% gap ${gap.toFixed(1).padStart(5)}`);
}
console.log(`sum of medians: 1 thread ${sum1.toFixed(0)} µs, 2 threads ${sum2.toFixed(0)} µs (caller waited ${sumWait.toFixed(0)}); JS gaps ${sumGap.toFixed(0)} µs`);
const q = (v: number[], f: number) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) * f)]!.toFixed(0);
for (const [t, v] of stepWall) console.log(`step wall µs, ${t} thread(s): 10th percentile ${q(v, 0.1)}, median ${q(v, 0.5)}`);
process.exit(0);
