// What every wasm kernel wrapper shares: the module, its memory, the thread pool and a parameter
// block; when to go parallel and into how many parts; one way to run a kernel on typed arrays.
import { PARAM_SLOTS } from './abi.js';
import { Call } from './call.js';
import type { WasmExports } from './exports.js';
import type { WasmHeap } from './memory.js';
import type { ThreadPool } from './thread-pool.js';

export interface Runtime {
  heap: WasmHeap;
  ex: WasmExports;
  pool: ThreadPool;
  params: number; // a PARAM_SLOTS-slot parameter block for tasks
}

// Below about a megaflop the dispatch costs more than a second thread saves (PERF-NOTES).
export const PARALLEL_FLOPS = 1e6;

// Parts per thread for tasks whose parts cost nothing extra to split (no packing repeated per
// part): a thread slowed by a busy core then claims fewer of them (see thread-pool.ts).
const PARTS_PER_THREAD = 4;

/** Up to `perThread` parts per thread of `units` units, at least `minUnits` units each. */
export function partsFor(nt: number, units: number, minUnits: number, perThread = PARTS_PER_THREAD): number {
  // A multiple of nt: 3 equal parts on 2 threads leave one thread a third of the time alone.
  return nt === 1 ? 1 : Math.max(1, Math.floor(Math.min(nt * perThread, units / minUnits) / nt)) * nt;
}

export const align64 = (n: number) => Math.ceil(n / 64) * 64;

/** The parameter block as slots (a fresh view: an allocation may have grown the memory). */
export function paramSlots(rt: Runtime): Int32Array {
  return rt.heap.i32(rt.params, PARAM_SLOTS);
}

/**
 * Runs `kernel` on the pointers of `arrays` (accessed as `modes`, see call.ts): arrays outside the
 * WebAssembly memory are copied in before and out after, temporary blocks freed whatever happens.
 */
export function withArrays(rt: Runtime, arrays: readonly (Float32Array | Int32Array | null)[],
  modes: readonly number[], kernel: (ptrs: readonly number[]) => void): void {
  const call = new Call(rt.heap, arrays, modes).begin();
  try {
    kernel(call.ptrs);
  } finally {
    call.end();
  }
}

/** As withArrays, for kernels that need scratch: `prepare` allocates it before the inputs are copied in. */
export function withScratch<T>(rt: Runtime, arrays: readonly (Float32Array | Int32Array | null)[],
  modes: readonly number[], prepare: (call: Call) => T, kernel: (ptrs: readonly number[], prepared: T) => void): void {
  const call = new Call(rt.heap, arrays, modes);
  const prepared = prepare(call);
  call.begin();
  try {
    kernel(call.ptrs, prepared);
  } finally {
    call.end();
  }
}
