// Where a workload's tensor memory goes on the wasm backend, per step: storage bytes allocated,
// released at once (backward's gradients, activations freed by backward or by a ResNet block) or
// left to the forced collections (src/kernels/wasm/memory.ts); the collections forced per step and
// what V8's full collections cost; ms and page faults a step; the peak of live tensor bytes, the
// memory reserved, peak RSS. The workloads run one after another in one process, each model
// dropped before the next (`--workloads W8,W4,W3`: what a later one pays for an earlier one).
// --per-step prints each step from the first: ms, page faults (first touches of memory, ~20 µs
// each on this VM), forced collections and the heap's high-water mark, to see when it settles.
//   npx tsx bench/memory-step.ts [--workloads W8,W4] [--threads 2] [--warmup 3] [--steps 10] [--per-step]
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as st from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { profiledStep } from './lib/steps.js';

const { values } = parseArgs({ options: {
  workloads: { type: 'string', default: 'W8,W4' }, threads: { type: 'string', default: '2' },
  warmup: { type: 'string', default: '3' }, steps: { type: 'string', default: '10' },
  'per-step': { type: 'boolean', default: false },
} });

const majors: PerformanceEntry[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors.push(e);
  }
}).observe({ entryTypes: ['gc'] });

st.setBackend('wasm');
const heap = (activeBackend() as WasmBackend).heap;
st.setNumThreads(Number(values.threads));
// gc entries arrive when the event loop turns.
const turn = () => new Promise((r) => setTimeout(r, 20));
const MB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

for (const w of values.workloads!.split(',')) {
  const { title, step } = profiledStep(w);
  const top = () => heap.capacity - heap.headroom;
  const timedStep = (i: number) => {
    if (!values['per-step']) return step();
    const f0 = process.resourceUsage().minorPageFault, c0 = heap.counts.collections, t0 = performance.now();
    step();
    console.log(`  step ${i}: ${(performance.now() - t0).toFixed(2)} ms, ${process.resourceUsage().minorPageFault - f0} page ` +
      `faults, ${heap.counts.collections - c0} forced collections, heap top ${MB(top())} of ${MB(heap.capacity)}`);
  };
  for (let i = 0; i < Number(values.warmup); i++) timedStep(i);
  const steps = Number(values.steps);
  await turn(); // let the warm-up's gc entries arrive before the count starts
  const before = { ...heap.counts };
  majors.length = 0;
  const f0 = process.resourceUsage().minorPageFault, t0 = performance.now();
  for (let i = 0; i < steps; i++) timedStep(Number(values.warmup) + i);
  const msPerStep = (performance.now() - t0) / steps, faults = (process.resourceUsage().minorPageFault - f0) / steps;
  await new Promise((r) => setTimeout(r, 20)); // gc entries arrive when the event loop turns
  const per = (k: 'storageBytes' | 'releasedBytes') => (heap.counts[k] - before[k]) / steps;
  const gcMs = majors.map((e) => e.duration);
  console.log(`${title}, ${st.getNumThreads()} threads, ${steps} steps after ${values.warmup}:\n` +
    `  ${msPerStep.toFixed(1)} ms and ${faults.toFixed(0)} page faults a step\n` +
    `  per step: ${MB(per('storageBytes'))} of storage allocated, ${MB(per('releasedBytes'))} released at once, ` +
    `${MB(per('storageBytes') - per('releasedBytes'))} left to collections\n` +
    `  forced collections: ${((heap.counts.collections - before.collections) / steps).toFixed(2)} per step; ` +
    `V8 full collections: ${gcMs.length}, ${gcMs.length ? `${Math.min(...gcMs).toFixed(1)}–${Math.max(...gcMs).toFixed(1)} ms each` : 'none'}\n` +
    `  so far: peak held (live + not yet collected) ${MB(heap.counts.peakLiveBytes)}, reserved ${MB(heap.capacity)}, max RSS ${MB(process.resourceUsage().maxRSS * 1024)}`);
}
process.exit(0);
