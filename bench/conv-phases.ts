// One 3×3 convolution pass (stride 1, pad 1, cin → cin channels) at 1 and at 2 threads, its wall
// time split by thread-pool task, and its CPU time (all threads: above the wall time only when
// the second thread really ran). Best of --reps per thread count, --rounds rounds alternating.
// With --quiet a run is timed only while at most one other thread is runnable on the machine
// (/proc/loadavg), the way to see thread scaling on a shared machine.
//   npx tsx bench/conv-phases.ts [--cin 16] [--size 32] [--batch 128] [--fwd | --bwdin] [--reps 7] [--rounds 3] [--quiet]
import { readFileSync } from 'node:fs';
import { setBackend, setNumThreads } from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import type { ConvParams } from '../src/kernels/kernels.js';
import { TASK_EXPORTS } from '../src/kernels/wasm/exports.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { ThreadPool } from '../src/kernels/wasm/thread-pool.js';
import { filledStorage } from './lib/wasm-arrays.js';

const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const reps = flag('--reps', 7), cin = flag('--cin', 16), size = flag('--size', 32), batch = flag('--batch', 128);
const pass = process.argv.includes('--fwd') ? 'fwd' : process.argv.includes('--bwdin') ? 'bwd-in' : 'bwd-w';
const quietOnly = process.argv.includes('--quiet');
const quiet = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[3]!.split('/')[0]) <= 2;
const sleepMs = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

// Wall time per task of the current run.
const times = new Map<string, number>();
const run = ThreadPool.prototype.run;
ThreadPool.prototype.run = function (id, params, nt, wanted, workersFromFront) {
  const t0 = performance.now();
  run.call(this, id, params, nt, wanted, workersFromFront);
  const name = TASK_EXPORTS[id]!;
  times.set(name, (times.get(name) ?? 0) + performance.now() - t0);
};

setBackend('wasm');
const be = activeBackend() as WasmBackend;
const K = be.arrayKernels;
const filled = (n: number) => filledStorage(be, n);
const p: ConvParams = {
  batch, inChannels: cin, outChannels: cin, groups: 1, inSize: [size, size], outSize: [size, size],
  kernelSize: [3, 3], stride: [1, 1], padBegin: [1, 1], dilation: [1, 1],
};
const n = batch * cin * size * size, x = filled(n), w = filled(cin * cin * 9), y = filled(n), gx = filled(n), gw = filled(cin * cin * 9);
// Views taken at each call: one taken before the memory grew is no longer in it (the call would copy it).
const fn = pass === 'fwd' ? () => K.convForward(x.data, w.data, null, y.data, p)
  : pass === 'bwd-in' ? () => K.convBackwardInput(y.data, w.data, gx.data, p) : () => K.convBackwardWeight(x.data, y.data, gw.data, p);
for (let round = 0; round < flag('--rounds', 3); round++) {
  for (const nt of [1, 2]) {
    setNumThreads(nt);
    fn();
    for (let i = 0; i < 100 && be.lastThreads() < nt; i++) { sleepMs(10); fn(); } // the workers boot
    let wall = Infinity, cpu = Infinity, phases = new Map<string, number>();
    for (let r = 0, tries = 0; r < reps && tries < 40 * reps; tries++) {
      if (quietOnly && !quiet()) { sleepMs(20); continue; }
      r++;
      times.clear();
      const c0 = process.cpuUsage(), t0 = performance.now();
      fn();
      const t = performance.now() - t0, c = process.cpuUsage(c0);
      cpu = Math.min(cpu, (c.user + c.system) / 1000);
      if (t < wall) { wall = t; phases = new Map(times); }
    }
    console.log(`${pass} ${cin}→${cin} ${size}² batch ${batch}, ${nt} thread(s): wall ${wall.toFixed(2)} ms, CPU ${cpu.toFixed(2)} ms; ` +
      [...phases].map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', '));
  }
}
