// The WebAssembly backend: SIMD kernels compiled from ./assembly, one memory owned by a
// JavaScript allocator, and a pool of threads sharing it. loadWasmBackend() returns null where
// WebAssembly SIMD is missing, so the package falls back to the reference backend.
import { installBackend, type Backend } from '../backend.js';
import { cpuKernels, readCpu, writeCpu } from '../cpu-kernels.js';
import type { ArrayKernels, Kernels } from '../kernels.js';
import { detectFeatures, isNode, loadModule, variantName, type Features } from './loader.js';
import { nodeReclaimer } from '../reclaimer.js';
import { allocStorage, WasmHeap, type Block, type WasmStorage } from './memory.js';
import { PARAM_SLOTS } from './abi.js';
import { TASK_EXPORTS, type WasmExports } from './exports.js';
import { createWasmKernels } from './kernels.js';
import { compileCalls } from './replay.js';
import { CTRL_INTS, ThreadPool, workerFactory, type TaskFn } from './thread-pool.js';

// 65536 pages = 4 GiB, the wasm32 limit; shared memories must declare a maximum up front.
const MAX_PAGES = 65536;

export interface WasmBackend extends Backend {
  readonly features: Features;
  readonly heap: WasmHeap;
  /** The kernels on typed arrays (inside the WebAssembly memory, or copied in and out). */
  readonly arrayKernels: ArrayKernels;
  alloc(size: number): WasmStorage;
  allocUninitialized(size: number): WasmStorage;
  /** Stops the worker threads (the backend keeps working on one thread). */
  shutdown(): void;
  /** Threads the last thread-pool task ran on (1 for kernels that never split). */
  lastThreads(): number;
  /** Calls so far per convolution pass and native path, e.g. "convForward winograd" (tests, profiles). */
  convPathCounts(): ReadonlyMap<string, number>;
  /** Dense products (batch ≤ 3) run on their weights' packed copy so far (dense-weights.ts). */
  densePackedCalls(): number;
}

async function defaultThreads(): Promise<number> {
  if (isNode) {
    const os = await import('node:os');
    return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav?.hardwareConcurrency ?? 1;
}

/**
 * Loads and instantiates the fastest variant this platform supports.
 * @example const wasm = await loadWasmBackend(); if (wasm) installBackend(wasm, true);
 */
export async function loadWasmBackend(opts: { threads?: boolean } = {}): Promise<WasmBackend | null> {
  const detected = await detectFeatures();
  if (!detected.simd) return null;
  const features: Features = { ...detected, threads: detected.threads && opts.threads !== false };
  const module = await loadModule(variantName(features));
  const memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: features.threads });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const ex = instance.exports as unknown as WasmExports & Record<string, TaskFn>;

  let heap: WasmHeap | null = null;
  const reclaimer = isNode ? await nodeReclaimer<Block>((b) => heap!.release(b.ptr, b.cls)) : null;
  heap = new WasmHeap(memory, features.threads, ex.heapBase(), reclaimer);
  heap.zero = (ptr, bytes) => ex.zero(ptr, bytes);
  const ctrl = heap.alloc(CTRL_INTS * 4);
  heap.i32(ctrl, CTRL_INTS).fill(0);
  const params = heap.alloc(PARAM_SLOTS * 4);
  const Worker = features.threads ? await workerFactory() : null;
  const pool = new ThreadPool(memory, module, ctrl, TASK_EXPORTS, TASK_EXPORTS.map((t) => ex[t]!), Worker,
    await defaultThreads());
  const { kernels: arrayKernels, convPathCounts, convForwardStored, gemmStored, dense } = createWasmKernels({ heap, ex, pool, params });
  const cpu = cpuKernels(arrayKernels);
  const h = heap;
  // The forward conv and gemm see the weight's storage: their prepared weights are cached by version.
  const kernels: Kernels = { ...cpu, convForward: convForwardStored, gemm: (a, b, c, p) => gemmStored(a, b, c, p) || cpu.gemm(a, b, c, p) };
  return {
    name: 'wasm',
    device: 'cpu',
    kernels,
    arrayKernels,
    features,
    heap: h,
    alloc: (size) => allocStorage(h, size, true),
    allocUninitialized: (size) => allocStorage(h, size, false),
    write: writeCpu,
    read: readCpu,
    setNumThreads: (n) => pool.setNumThreads(n),
    getNumThreads: () => pool.numThreads,
    describe: () => {
      const n = pool.numThreads;
      return `wasm (${features.relaxed ? 'relaxed ' : ''}SIMD, ${n} thread${n === 1 ? '' : 's'})`;
    },
    compile: (calls) => compileCalls(pool, h, kernels, calls),
    shutdown: () => pool.shutdown(),
    lastThreads: () => pool.lastThreads,
    convPathCounts: () => convPathCounts,
    densePackedCalls: () => dense.packedCalls,
  };
}

// Whether importing the package makes wasm the active backend when nothing else is asked for.
const WASM_BY_DEFAULT = true;

/**
 * Called once by the package entry point: installs the wasm backend where it loads and makes it
 * current (unless STRIATE_BACKEND=ref in Node). Where it cannot load, the reference backend stays
 * and one line on stderr says why and how to fix it (never a silent 15-40x slowdown);
 * STRIATE_BACKEND=wasm makes that an error instead.
 */
export async function installWasmBackend(): Promise<void> {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const wanted = env?.STRIATE_BACKEND;
  if (wanted !== undefined && wanted !== 'ref' && wanted !== 'wasm') {
    throw new Error(`STRIATE_BACKEND must be 'ref' or 'wasm', got '${wanted}'`);
  }
  let wasm: WasmBackend | null;
  try {
    wasm = await loadWasmBackend();
    if (!wasm) throw new Error('this platform has no WebAssembly SIMD');
  } catch (e) {
    const why = `WebAssembly kernels unavailable: ${(e as Error).message}`;
    if (wanted === 'wasm') throw new Error(`STRIATE_BACKEND=wasm, but ${why}`);
    if (wanted === undefined) console.warn(`striate: ${why}. Using the reference backend (15-40x slower).`);
    return;
  }
  installBackend(wasm, wanted === 'wasm' || (wanted === undefined && WASM_BY_DEFAULT));
}
