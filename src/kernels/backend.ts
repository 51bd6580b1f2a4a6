// Which backend runs the kernels on each device, and how tensor storage is allocated. The global
// state that API.md names (backend, threads) lives here and nowhere else.
import type { KernelCall, Kernels } from './kernels.js';
import type { Device, Storage } from './storage.js';
import { refBackend } from './ref/index.js';

export type { CpuStorage, Device, Storage } from './storage.js';

/** The CPU backends, one of which is active at a time. */
export type BackendName = 'ref' | 'wasm';

export interface Backend {
  readonly name: BackendName | 'webgpu';
  readonly device: Device;
  readonly kernels: Kernels;
  /** Zero-filled storage of `size` float32 elements. */
  alloc(size: number): Storage;
  /**
   * Storage whose contents are unspecified (a reused block keeps old values): only for an output
   * that a kernel overwrites in full, where zeroing first would be a wasted pass over memory.
   */
  allocUninitialized(size: number): Storage;
  /** Copies host values (float32, or int32 slots) into the start of `s`. */
  write(s: Storage, values: Float32Array | Int32Array): void;
  /** A copy of the first `size` values of `s` (resolves at once on the CPU). */
  read(s: Storage, size: number): Promise<Float32Array>;
  /** Threads the kernels may use; 1 for backends without threads. */
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** What runs the kernels, for people: e.g. 'wasm (relaxed SIMD, 2 threads)'. */
  describe(): string;
  /**
   * A function making `calls` (on these kernels, their storages kept alive by the caller) again,
   * cheaper than calling the kernels one by one; the calls are made once now. Optional: without
   * it, or where it returns null, they are simply called again.
   */
  compile?(calls: readonly KernelCall[]): (() => void) | null;
}

// The reference backend is always there; the entry point may install and prefer a faster one.
const installed = new Map<BackendName, Backend>([['ref', refBackend]]);
let current: Backend = refBackend;
let gpu: Backend | null = null;

/** Makes a CPU backend available to setBackend, or the WebGPU backend to its device. */
export function installBackend(b: Backend, makeCurrent: boolean): void {
  if (b.device === 'webgpu') {
    gpu = b;
    return;
  }
  installed.set(b.name as BackendName, b);
  if (makeCurrent) current = b;
}

/** Chooses the CPU backend for all following operations, e.g. `setBackend('ref')`. */
export function setBackend(name: BackendName): void {
  const b = installed.get(name);
  if (!b) {
    const have = [...installed.keys()].join(', ') || 'none';
    throw new Error(`setBackend: backend '${name}' is not available here (available: ${have})`);
  }
  current = b;
}

export function getBackend(): BackendName {
  return activeBackend().name as BackendName;
}

export function availableBackends(): BackendName[] {
  return [...installed.keys()];
}

/** The active CPU backend. */
export function activeBackend(): Backend {
  return current;
}

/** The backend that computes on `device`: the active CPU backend, or WebGPU once initialised. */
export function backendFor(device: Device): Backend {
  if (device === 'cpu') return current;
  if (device === 'webgpu') {
    if (!gpu) throw new Error("device 'webgpu' is not initialised: call `await initWebGPU()` first");
    return gpu;
  }
  throw new Error(`unknown device '${String(device)}' (expected 'cpu' or 'webgpu')`);
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
