// Which backend runs the kernels, and how tensor storage is allocated. The global state that
// API.md names (backend, threads) lives here and nowhere else.
import type { Kernels } from './kernels.js';
import { refBackend } from './ref/index.js';

/**
 * A tensor's memory. `data` is a view that stays valid until the next allocation on the same
 * backend (WebAssembly memory may grow and move); read it again after allocating.
 * The backend reclaims the memory once the Storage object is unreachable.
 */
export interface Storage {
  readonly size: number;
  readonly data: Float32Array;
}

export type BackendName = 'ref' | 'wasm';

export interface Backend {
  readonly name: BackendName;
  readonly kernels: Kernels;
  /** Zero-filled storage of `size` float32 elements. */
  alloc(size: number): Storage;
  /**
   * Storage whose contents are unspecified (a reused block keeps old values): only for an output
   * that a kernel overwrites in full, where zeroing first would be a wasted pass over memory.
   */
  allocUninitialized(size: number): Storage;
  /** Threads the kernels may use; 1 for backends without threads. */
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** What runs the kernels, for people: e.g. 'wasm (relaxed SIMD, 2 threads)'. */
  describe(): string;
}

// The reference backend is always there; the entry point may install and prefer a faster one.
const installed = new Map<BackendName, Backend>([['ref', refBackend]]);
let current: Backend = refBackend;

/** Makes a backend available to setBackend; called explicitly by the package entry point. */
export function installBackend(b: Backend, makeCurrent: boolean): void {
  installed.set(b.name, b);
  if (makeCurrent) current = b;
}

/** Chooses the backend for all following operations, e.g. `setBackend('ref')`. */
export function setBackend(name: BackendName): void {
  const b = installed.get(name);
  if (!b) {
    const have = [...installed.keys()].join(', ') || 'none';
    throw new Error(`setBackend: backend '${name}' is not available here (available: ${have})`);
  }
  current = b;
}

export function getBackend(): BackendName {
  return activeBackend().name;
}

export function availableBackends(): BackendName[] {
  return [...installed.keys()];
}

export function activeBackend(): Backend {
  return current;
}

export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`setNumThreads: need a positive integer, got ${n}`);
  activeBackend().setNumThreads(n);
}

export function getNumThreads(): number {
  return activeBackend().getNumThreads();
}

/** The current backend and its thread count in words, e.g. `'wasm (relaxed SIMD, 2 threads)'`. */
export function describeBackend(): string {
  return activeBackend().describe();
}
