// Per kernel of a workload's step at 2 threads: its calls, its dispatches to the thread pool and
// how many of those found the worker asleep (Atomics.notify on the pool's generation word woke
// it: it had polled ~20–50 µs without a task, thread-pool.ts, and now takes 35–100 µs to start
// while the calling thread runs the parts alone). A count, not a time: it holds on a loaded host.
// Usage: npx tsx bench/worker-wakes.ts [--workload W8] [--warmup-ms 12000] [--steps 3]
import { parseArgs } from 'node:util';
import * as st from '../src/index.js';
import { activeBackend, installBackend } from '../src/kernels/backend.js';
import type { Kernels } from '../src/kernels/kernels.js';
import { profiledStep } from './lib/steps.js';

const { values } = parseArgs({ options: {
  workload: { type: 'string', default: 'W8' }, 'warmup-ms': { type: 'string', default: '12000' },
  steps: { type: 'string', default: '3' },
} });
const steps = Number(values.steps);
st.setBackend('wasm');
st.setNumThreads(2);
const base = activeBackend();
const { title, step } = profiledStep(values.workload!);
// Past the worker's boot and the wasm heap's growth (BENCHMARKS.md: W8's settles in 15–20 steps).
for (const t0 = performance.now(); performance.now() - t0 < Number(values['warmup-ms']);) step();

interface Row { calls: number; dispatches: number; woke: number }
const rows = new Map<string, Row>();
let current: Row | null = null;
// The pool dispatches with Atomics.notify(ctrl, 0), which returns the sleepers it woke.
const notify = Atomics.notify;
Atomics.notify = ((a: Int32Array, index: number, count?: number): number => {
  const woke = notify(a, index, count);
  if (index === 0 && current) {
    current.dispatches++;
    if (woke > 0) current.woke++;
  }
  return woke;
}) as typeof Atomics.notify;
const counted: Record<string, unknown> = {};
for (const [name, fn] of Object.entries(base.kernels) as [string, (...a: unknown[]) => unknown][]) {
  counted[name] = (...args: unknown[]) => {
    const row = rows.get(name) ?? { calls: 0, dispatches: 0, woke: 0 };
    rows.set(name, row);
    row.calls++;
    current = row;
    try {
      return fn(...args);
    } finally {
      current = null;
    }
  };
}
installBackend({ ...base, kernels: counted as unknown as Kernels }, true);
for (let i = 0; i < steps; i++) step();
installBackend(base, true);
Atomics.notify = notify;

console.log(`${title}, 2 threads, per step (mean of ${steps}):\n| kernel | calls | dispatches | worker asleep |\n|---|---|---|---|`);
for (const [name, r] of [...rows].filter(([, r]) => r.dispatches > 0).sort((a, b) => b[1].woke - a[1].woke)) {
  console.log(`| ${name} | ${r.calls / steps} | ${r.dispatches / steps} | ${(r.woke / steps).toFixed(1)} |`);
}
