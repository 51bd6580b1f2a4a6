// The WebGPU device: found and opened by initWebGPU(), in browsers through navigator.gpu and in
// Node through Dawn's binding, the npm package `webgpu` (an optional peer dependency, loaded only
// here, only when asked for). Tensors reach it with `.to('webgpu')` or `{ device: 'webgpu' }`.
import { installBackend, type Backend } from '../backend.js';
import type { Storage } from '../storage.js';
import { nodeReclaimer } from '../reclaimer.js';
import type { BufferCache, GpuStorage } from './allocator.js';
import { GpuContext } from './context.js';
import { createWebGpuKernels } from './kernels.js';

export interface WebGpuInfo {
  vendor: string;
  architecture: string;
  description: string;
}

export interface WebGpuBackend extends Backend {
  readonly info: WebGpuInfo;
  readonly context: GpuContext;
  /** Bytes of GPU buffers the caching allocator holds (in use or waiting for reuse). */
  bytesHeld(): number;
  /** Bytes held by storages that are still reachable. */
  bytesInUse(): number;
}

// Buffers a kernel binds at most (batch norm's backward: parameters + 8).
const STORAGE_BUFFERS_NEEDED = 9;
const ADAPTER_TIMEOUT_MS = 30_000;

let opened: Promise<WebGpuBackend | null> | null = null;

function isNode(): boolean {
  return typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
}

async function gpuEntry(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (!isNode()) throw new Error('initWebGPU: this browser has no WebGPU (navigator.gpu is missing)');
  const name = 'webgpu'; // a variable, so bundlers leave the optional package out
  let mod: { create(options: string[]): GPU; globals: object };
  try {
    mod = (await import(name)) as typeof mod;
  } catch (e) {
    throw new Error(`initWebGPU: WebGPU in Node needs the npm package 'webgpu' (npm install webgpu); loading it failed: ${(e as Error).message}`);
  }
  Object.assign(globalThis, mod.globals);
  return mod.create([]);
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`initWebGPU: ${what} did not answer within ${ADAPTER_TIMEOUT_MS / 1000} s`)), ADAPTER_TIMEOUT_MS);
    (timer as { unref?: () => void }).unref?.();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function open(): Promise<WebGpuBackend | null> {
  const gpu = await gpuEntry();
  const adapter = await withTimeout(gpu.requestAdapter({ powerPreference: 'high-performance' }), 'requestAdapter');
  if (!adapter) return null;
  const limits = adapter.limits;
  if (limits.maxStorageBuffersPerShaderStage < STORAGE_BUFFERS_NEEDED) {
    throw new Error(`initWebGPU: the adapter allows ${limits.maxStorageBuffersPerShaderStage} storage buffers per shader stage, striate needs ${STORAGE_BUFFERS_NEEDED}`);
  }
  const device = await withTimeout(adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: STORAGE_BUFFERS_NEEDED,
    },
  }), 'requestDevice');
  const a = adapter.info;
  const info: WebGpuInfo = { vendor: a.vendor, architecture: a.architecture, description: a.description || a.device };
  let cache: BufferCache | null = null;
  const reclaimer = isNode() ? await nodeReclaimer<GPUBuffer>((b) => cache!.release(b)) : null;
  const ctx = new GpuContext(device, [gpu, adapter], reclaimer);
  cache = ctx.cache;
  const cast = (s: Storage) => s as GpuStorage;
  const backend: WebGpuBackend = {
    name: 'webgpu',
    device: 'webgpu',
    kernels: createWebGpuKernels(ctx),
    info,
    context: ctx,
    alloc: (size) => {
      const s = ctx.cache.take(size);
      ctx.clear(s.buffer);
      return s;
    },
    allocUninitialized: (size) => ctx.cache.take(size),
    write: (s, values) => ctx.write(cast(s), values),
    read: (s, size) => ctx.read(cast(s), size),
    setNumThreads: () => {},
    getNumThreads: () => 1,
    describe: () => `webgpu (${info.vendor} ${info.architecture}: ${info.description})`,
    bytesHeld: () => ctx.cache.bytesHeld,
    bytesInUse: () => ctx.cache.bytesInUse,
  };
  installBackend(backend, false);
  return backend;
}

/**
 * Opens the WebGPU device (once; later calls return the same answer) and makes the 'webgpu'
 * device available to tensors. Resolves to the adapter's description, or null when the platform
 * has WebGPU but no adapter; throws, naming what to install, when WebGPU itself is missing.
 * @example
 * const gpu = await initWebGPU();
 * if (gpu) model.to('webgpu');
 */
export async function initWebGPU(): Promise<WebGpuInfo | null> {
  opened ??= open().catch((e: unknown) => {
    opened = null;
    throw e;
  });
  return (await opened)?.info ?? null;
}

/** The opened WebGPU backend (for tests and benchmarks: memory counters, flushing). */
export async function webGpuBackend(): Promise<WebGpuBackend | null> {
  await initWebGPU();
  return opened ? await opened : null;
}
