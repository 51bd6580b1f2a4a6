// Where the time of a workload goes, kernel by kernel: `npx tsx bench/profile.ts` runs W8
// (ResNet-20 training), W4 (ResNet-18 inference), W3 (LeNet-5 training) and W5 (AlexNet
// inference) with every kernel call timed, and prints per kernel (convolutions split by kernel
// size and stride) the calls and milliseconds per iteration, the share of the iteration, and
// GFLOP/s where the FLOPs are known (conv, gemm); then V8's garbage collections and the rest of
// the time outside kernels.
//   npx tsx bench/profile.ts [--workloads W8,W4,W3,W5 (or W2)] [--threads 1,2] [--iterations 5] [--write]
// --write puts the tables into BENCHMARKS.md between the profile markers (bench/run.ts keeps them).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as st from '../src/index.js';
import { activeBackend, installBackend } from '../src/kernels/backend.js';
import type { ConvParams, GemmParams, Kernels } from '../src/kernels/kernels.js';
import { runToCollection } from './lib/collection-window.js';
import { heapSettled, SETTLED_ITERATIONS } from './lib/heap-settled.js';
import { DEFAULT_MEASURE, SETTLE_MAX_MS } from './lib/measure.js';
import { PROFILE_SECTION, withSection } from './lib/report.js';
import { profiledStep } from './lib/steps.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Entry { calls: number; ms: number; flops: number }

const prod = (v: readonly number[]) => v.reduce((a, b) => a * b, 1);

function convFlops(p: ConvParams): number {
  return 2 * p.batch * p.outChannels * prod(p.outSize) * (p.inChannels / p.groups) * prod(p.kernelSize);
}

/** The row a call is counted under: the kernel, and for convolutions its kernel size, stride and groups. */
function rowOf(name: string, args: unknown[]): { key: string; flops: number } {
  const p = args[args.length - 1];
  if (name.startsWith('conv')) {
    // convForward's epilogue arguments (residual, relu) come after its params.
    const c = args.find((a) => typeof a === 'object' && a !== null && 'kernelSize' in a) as ConvParams;
    const shape = `${c.kernelSize.join('×')} s${c.stride.join('×')}${c.groups > 1 ? ` g${c.groups}` : ''}`;
    // convBackward runs the gradients given (gx, gw: its 4th and 5th arguments), each a conv's FLOPs.
    const passes = name === 'convBackward' ? (args[3] ? 1 : 0) + (args[4] ? 1 : 0) : 1;
    return { key: `${name} ${shape}`, flops: passes * convFlops(c) };
  }
  if (name === 'gemm') {
    const g = p as GemmParams;
    return { key: 'gemm', flops: 2 * g.m * g.n * g.k };
  }
  return { key: name, flops: 0 };
}

/** The active backend's kernels, each call timed into `table`. */
function profiled(k: Kernels, table: Map<string, Entry>): Kernels {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(k) as [string, (...a: unknown[]) => unknown][]) {
    wrapped[name] = (...args: unknown[]) => {
      const t0 = performance.now();
      const r = fn(...args);
      const dt = performance.now() - t0;
      const { key, flops } = rowOf(name, args);
      const e = table.get(key) ?? { calls: 0, ms: 0, flops: 0 };
      e.calls++; e.ms += dt; e.flops += flops;
      table.set(key, e);
      return r;
    };
  }
  return wrapped as unknown as Kernels;
}

// V8's collections in a window: those the wasm heap forces (gc(), flagged FORCED; ~10 ms each,
// a full mark of the ~10 MB JavaScript heap) and V8's own (scavenges of the young generation, ~1
// ms, and any full collection V8 starts itself).
interface Collections { forced: number; own: number; ms: number }
const gcEntries: PerformanceEntry[] = [];
new PerformanceObserver((list) => { gcEntries.push(...list.getEntries()); }).observe({ entryTypes: ['gc'] });
async function gcIn(t0: number, t1: number): Promise<Collections> {
  await new Promise((r) => setTimeout(r, 20)); // entries arrive when the event loop turns
  const inside = gcEntries.filter((e) => e.startTime >= t0 && e.startTime < t1);
  gcEntries.length = 0;
  const forced = inside.filter((e) => ((e as PerformanceEntry & { detail?: { flags?: number } }).detail?.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED).length;
  return { forced, own: inside.length - forced, ms: inside.reduce((s, e) => s + e.duration, 0) };
}

function table(title: string, threads: number, rows: Map<string, Entry>, iterations: number, wallMs: number,
  gc: Collections, warmups: number, faults: number): string {
  const kernelMs = [...rows.values()].reduce((s, e) => s + e.ms, 0) / iterations;
  const out = [`### ${title}, ${threads} thread${threads > 1 ? 's' : ''}: ${(wallMs / iterations).toFixed(1)} ms per iteration, ${kernelMs.toFixed(1)} ms in kernels`, '',
    `After ${warmups} warm-up iterations; ${faults.toFixed(0)} page faults per timed iteration (first touches of memory).`, '',
    '| kernel | calls/iter | ms/iter | share | GFLOP/s |', '|---|---|---|---|---|'];
  for (const [key, e] of [...rows.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
    const ms = e.ms / iterations;
    out.push(`| ${key} | ${e.calls / iterations} | ${ms.toFixed(2)} | ${(100 * ms / (wallMs / iterations)).toFixed(1)}% | ${e.flops ? (e.flops / (e.ms * 1e6)).toFixed(1) : ''} |`);
  }
  // Collections run between kernels (kernel scratch never triggers one), so they are split off.
  const row = (name: string, ms: number) => `| ${name} | | ${(ms / iterations).toFixed(2)} | ${(100 * ms / wallMs).toFixed(1)}% | |`;
  out.push(row(`garbage collection (${gc.forced} forced + ${gc.own} of V8's own in ${iterations} iterations)`, gc.ms),
    row('outside kernels (JavaScript, allocation)', wallMs - kernelMs * iterations - gc.ms), '');
  return out.join('\n');
}

const { values } = parseArgs({ options: {
  workloads: { type: 'string', default: 'W8,W4,W3,W5' }, threads: { type: 'string', default: '1,2' },
  iterations: { type: 'string', default: '5' }, write: { type: 'boolean', default: false },
} });
const iterations = Number(values.iterations);
const base = activeBackend();
const sections: string[] = [];
for (const w of values.workloads!.split(',')) {
  for (const threads of values.threads!.split(',').map(Number)) {
    st.setNumThreads(threads);
    const rows = new Map<string, Entry>();
    const { title, step } = profiledStep(w);
    // Warm up untimed, on the plain kernels, as long as the harness does (measure.ts): the heap
    // grows to its steady size (live tensors + 128 MB between collections) over the first few
    // hundred megabytes allocated, and on this VM each fresh 4 KiB page costs ~13 µs on first
    // touch. After only 2 warm-up steps, W4 at 1 thread (run first) showed batch norm 18 ms and
    // unary 16.6 ms per iteration instead of 0.8 and 1.3: their outputs landed on fresh pages.
    // Then on until the wasm heap has stopped growing (heap-settled.ts; at most SETTLE_MAX_MS): its
    // first touches of fresh memory had landed in whichever kernel's output took it.
    const w0 = performance.now();
    const settled = heapSettled();
    let warmups = 0, done = false;
    while (warmups < 2 || performance.now() - w0 < DEFAULT_MEASURE.warmupMs || (!done && performance.now() - w0 < SETTLE_MAX_MS)) {
      step(); warmups++;
      done = settled();
    }
    // The window starts just after a forced collection and ends just after another
    // (collection-window.ts), so that it holds whole collection intervals.
    warmups += runToCollection(step);
    installBackend({ ...base, kernels: profiled(base.kernels, rows) }, true);
    const faults0 = process.resourceUsage().minorPageFault;
    const t0 = performance.now();
    for (let i = 0; i < iterations - 1; i++) step();
    const timed = iterations - 1 + runToCollection(step);
    const wall = performance.now() - t0;
    const faults = (process.resourceUsage().minorPageFault - faults0) / timed;
    installBackend(base, true);
    const text = table(title, threads, rows, timed, wall, await gcIn(t0, t0 + wall), warmups, faults);
    console.log(text);
    sections.push(text);
  }
}
if (values.write) {
  const file = join(ROOT, 'BENCHMARKS.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const block = ['## Where the time goes (per-kernel profile)', '',
    `\`npx tsx bench/profile.ts --iterations ${iterations} --write\` on ${new Date().toISOString().slice(0, 16)}Z, ${describe()}; each kernel call timed (the calls are synchronous), ${iterations} iterations or more (on to the next of the wasm heap's forced collections, from just after one: whole collection intervals) after ${DEFAULT_MEASURE.warmupMs / 1000} s of warm-up (2 iterations or more) and until the wasm heap stopped growing (${SETTLED_ITERATIONS} iterations in a row).`, '',
    ...sections].join('\n');
  writeFileSync(file, withSection(old, PROFILE_SECTION, block));
  console.log('wrote the profile into BENCHMARKS.md');
}

function describe(): string {
  return `striate ${st.describeBackend().replace(/, \d+ threads?\)/, ')')}`;
}
process.exit(0);
