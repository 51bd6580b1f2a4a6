// The 3×3 convolutions of a ResNet-20 training step (W8, batch 128) pass by pass on the wasm
// backend: CPU time (all threads of the process) per call, best of several runs, the path each
// took, and GFLOP/s by the direct-FLOP count. To compare builds on a busy machine, run two
// checkouts' copies of this script alternately. Usage: npx tsx bench/resnet20-convs.ts [--reps 5] [--threads 1]
// [--only s2] (the shapes whose name contains it) [--phases] [--w2]
// --w2: W2's conv instead (bench/run.ts W1/W2: batch 8, 64→64 at 56²; --batch defaults to 8).
// --phases: instead, each pass at 1 thread, the 2-thread split run serially on the calling thread
// (the work two threads share: ÷ the 1-thread time ≈ 1.00 when nothing is done twice) and at 2
// threads, alternating call by call; best wall time of each, and the thread-pool tasks' wall times
// in that best call (which phase loses the second thread), at 2 threads with the parts the calling
// thread ran and its wait for the worker's last one; beside it, a compute-bound control's.
// --quiet: each round of --phases starts only once at most one other thread is runnable on the
// machine (/proc/loadavg; waiting up to 2 s), as bench/conv-phases.ts --quiet does.
// --cold: a 64 MB sweep before each timed call, so that its inputs come from memory as in a
// training step (untimed).
import { readFileSync } from 'node:fs';
import { setBackend } from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import type { ConvParams } from '../src/kernels/kernels.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { TASK_EXPORTS } from '../src/kernels/wasm/exports.js';
import { MAX_PARTS, ThreadPool, type TaskFn } from '../src/kernels/wasm/thread-pool.js';
import { awaitWorkers } from './lib/await-workers.js';
import { filledStorage } from './lib/wasm-arrays.js';

const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const w2 = process.argv.includes('--w2');
const reps = flag('--reps', 5), threads = flag('--threads', 1), batch = flag('--batch', w2 ? 8 : 128);
// --wall: wall-clock time instead (CPU time adds up the threads, so thread scaling needs the wall clock).
// --together: instead, both gradients of each shape apart (convBackwardInput, then convBackwardWeight)
// and in one call (convBackward: one dispatch beside the weight gradient's lanes), alternating call
// by call at --threads threads; best and median wall time of each, and their sum over a W8 step.
const wall = process.argv.includes('--wall');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]! : '';
const together = process.argv.includes('--together');
const phases = process.argv.includes('--phases'), quietOnly = process.argv.includes('--quiet');
const runnable = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[3]!.split('/')[0]);
const sleepMs = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
setBackend('wasm');
const be = activeBackend() as WasmBackend;
const K = be.arrayKernels;
const filled = (n: number) => filledStorage(be, n);
const cold = process.argv.includes('--cold'), sweep = cold ? filled(16 << 20) : null;
{
  const x = filled(1 << 20).data;
  await awaitWorkers(be, phases ? 2 : threads, () => K.unary('relu', x, x, 0)); // before any timing (lib/await-workers.ts)
}

// --phases: per pool task of the current call, its wall time, parts, the parts the calling thread
// ran and its time in them (the rest: waiting for the worker); and the serial mode's patch.
type TaskTime = { ms: number; parts: number; mine: number; busy: number };
const taskTimes = new Map<string, TaskTime>();
let serial = false;
if (phases) {
  const run = ThreadPool.prototype.run;
  ThreadPool.prototype.run = function (id: number, params: number, nt: number, wanted = nt, workersFromFront = false) {
    const fns = (this as unknown as { fns: TaskFn[] }).fns, fn = fns[id]!;
    const name = TASK_EXPORTS[id]!;
    const t = taskTimes.get(name) ?? { ms: 0, parts: 0, mine: 0, busy: 0 };
    fns[id] = (...args) => {
      const t1 = performance.now();
      fn(...args);
      t.busy += performance.now() - t1;
      t.mine++;
    };
    const t0 = performance.now();
    try {
      run.call(this, id, params, serial ? 1 : nt, wanted, workersFromFront);
    } finally {
      fns[id] = fn;
    }
    t.ms += performance.now() - t0;
    t.parts += Math.min(wanted, MAX_PARTS);
    taskTimes.set(name, t);
  };
}

// 1 thread, the 2-thread split serially, 2 threads, call by call, for each of fns in turn: best
// wall time and its tasks, per function and mode.
type Best = { ms: number; tasks: Map<string, TaskTime> };
function phased(fns: (() => void)[]): Best[][] {
  const modes = [[1, false], [2, true], [2, false]] as const;
  const best = fns.map(() => modes.map((): Best => ({ ms: Infinity, tasks: new Map() })));
  for (let i = 0; i <= reps; i++) {
    for (let t = 0; quietOnly && t < 400 && runnable() > 2; t++) sleepMs(5);
    fns.forEach((fn, f) => modes.forEach(([nt, ser], m) => {
      be.setNumThreads(nt);
      serial = ser;
      if (sweep) K.unary('relu', sweep.data, sweep.data, 0);
      taskTimes.clear();
      const t0 = performance.now();
      fn();
      const ms = performance.now() - t0;
      if (i > 0 && ms < best[f]![m]!.ms) best[f]![m] = { ms, tasks: new Map(taskTimes) };
    }));
  }
  serial = false;
  return best;
}
// The control: a compute-bound GEMM (256 × 256 × 1024: its operands in L2), its 2-thread speed-up
// alternating with the pass's, the scaling the machine gave in those moments.
const control = (() => {
  const m = 256, k = 1024, a = filled(m * k), b = filled(k * m), c = filled(m * m);
  return () => K.gemm(a.data, b.data, c.data, { m, n: m, k, transA: false, transB: false, accumulate: false });
})();
const taskList = (tasks: Map<string, TaskTime>, two: boolean) => [...tasks].map(([k, t]) => `${k.replace(/Task$/, '')} ${t.ms.toFixed(2)}` +
  (two ? ` (${t.mine} of ${t.parts} parts here, waited ${(t.ms - t.busy).toFixed(2)})` : '')).join(', ');

// Lowest CPU (or wall) time of the runs (ms): on a shared machine the least disturbed run.
function best(fn: () => void): number {
  fn();
  let least = Infinity;
  for (let i = 0; i < reps; i++) {
    if (sweep) K.unary('relu', sweep.data, sweep.data, 0);
    const c0 = process.cpuUsage(), t0 = performance.now();
    fn();
    const c = process.cpuUsage(c0);
    least = Math.min(least, wall ? performance.now() - t0 : (c.user + c.system) / 1000);
  }
  return least;
}

// Wall times (ms) of fns alternating call by call, after one untimed call each: best and median.
function alternating(fns: (() => void)[]): { best: number; median: number }[] {
  const times = fns.map((fn) => (fn(), [] as number[]));
  for (let i = 0; i < reps; i++) {
    fns.forEach((fn, f) => {
      if (sweep) K.unary('relu', sweep.data, sweep.data, 0);
      const t0 = performance.now();
      fn();
      times[f]!.push(performance.now() - t0);
    });
  }
  return times.map((t) => (t.sort((a, b) => a - b), { best: t[0]!, median: t[t.length >> 1]! }));
}
// Input gradients of each shape in a W8 step (the stem has none; ResNet-20: 6, 5, 5 stride-1 convs a stage).
const W8_CALLS: Record<string, number> = { '16→16 32²': 6, '32→32 16²': 5, '64→64 8²': 5, '16→32 32² s2': 1, '32→64 16² s2': 1 };
const stepSums = [[0, 0], [0, 0]];

const shapes: [string, number, number, number, number][] = w2 ? [['64→64 56²', 64, 64, 56, 1]] : [
  // name, cin, cout, input size, stride
  ['16→16 32²', 16, 16, 32, 1], ['32→32 16²', 32, 32, 16, 1], ['64→64 8²', 64, 64, 8, 1],
  ['3→16 32²', 3, 16, 32, 1], ['16→32 32² s2', 16, 32, 32, 2], ['32→64 16² s2', 32, 64, 16, 2],
];
const path = (before: Map<string, number>) => {
  const now = be.convPathCounts();
  return [...now].filter(([k, v]) => v !== (before.get(k) ?? 0)).map(([k]) => k.split(' ')[1]).join('+');
};
console.log(phases ? `batch ${batch}, 1 thread / the 2-thread split serially / 2 threads, best wall time of ${reps}`
  : together ? `batch ${batch}, ${threads} thread(s), both gradients apart / together, wall time of ${reps} alternating`
    : `batch ${batch}, ${threads} thread(s), best ${wall ? 'wall-clock' : 'CPU'} time of ${reps}`);
for (const [name, cin, cout, size, stride] of shapes.filter(([name]) => name.includes(only))) {
  const out = size / stride;
  const p: ConvParams = {
    batch, inChannels: cin, outChannels: cout, groups: 1, inSize: [size, size], outSize: [out, out],
    kernelSize: [3, 3], stride: [stride, stride], padBegin: [1, 1], dilation: [1, 1],
  };
  const flops = 2 * batch * cin * cout * 9 * out * out;
  const x = filled(batch * cin * size * size), w = filled(cout * cin * 9), y = filled(batch * cout * out * out);
  const gx = filled(x.data.length), gw = filled(w.data.length);
  if (together) {
    if (!W8_CALLS[name]) continue;
    const [apart, one] = alternating([() => {
      K.convBackwardInput(y.data, w.data, gx.data, p);
      K.convBackwardWeight(x.data, y.data, gw.data, p);
    }, () => K.convBackward(x.data, w.data, y.data, gx.data, gw.data, p)]);
    console.log(`${name.padEnd(14)} best ${apart!.best.toFixed(2)} / ${one!.best.toFixed(2)} ms, median ${apart!.median.toFixed(2)} / ` +
      `${one!.median.toFixed(2)} ms (together ÷ apart: ${(one!.best / apart!.best).toFixed(3)}, ${(one!.median / apart!.median).toFixed(3)})`);
    [apart, one].forEach((t, i) => { stepSums[i]![0]! += W8_CALLS[name]! * t!.best; stepSums[i]![1]! += W8_CALLS[name]! * t!.median; });
    continue;
  }
  // Views taken at each call: one taken before the memory grew is no longer in it, and the call would copy it.
  const passes: [string, () => void][] = [
    ['fwd', () => K.convForward(x.data, w.data, null, y.data, p)],
    ['bwd-in', () => K.convBackwardInput(y.data, w.data, gx.data, p)],
    ['bwd-w', () => K.convBackwardWeight(x.data, y.data, gw.data, p)],
  ];
  for (const [pass, fn] of passes) {
    if (phases) {
      const [[one, ser, two], [gOne, , gTwo]] = phased([fn, control]);
      console.log(`${name.padEnd(14)} ${pass.padEnd(7)} ${one!.ms.toFixed(2)} / ${ser!.ms.toFixed(2)} / ${two!.ms.toFixed(2)} ms, ` +
        `serial ÷ 1 thread ${(ser!.ms / one!.ms).toFixed(2)}, ×${(one!.ms / two!.ms).toFixed(2)} on 2 threads ` +
        `(the control ×${(gOne!.ms / gTwo!.ms).toFixed(2)})`);
      for (const [label, b] of [['1 thread', one], ['serial', ser], ['2 threads', two]] as const) {
        console.log(`    ${label.padEnd(10)} ${taskList(b!.tasks, b === two)}`);
      }
      continue;
    }
    const before = new Map(be.convPathCounts());
    const ms = best(fn);
    console.log(`${name.padEnd(14)} ${pass.padEnd(7)} ${ms.toFixed(2).padStart(7)} ms ` +
      `${(flops / ms / 1e6).toFixed(1).padStart(6)} GFLOP/s  ${path(before)}`);
  }
}
if (together) {
  const [[aBest, aMedian], [oBest, oMedian]] = stepSums as [[number, number], [number, number]];
  console.log(`a W8 step's gradients: best ${aBest.toFixed(1)} / ${oBest.toFixed(1)} ms, median ${aMedian.toFixed(1)} / ${oMedian.toFixed(1)} ms`);
}
