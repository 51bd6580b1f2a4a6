// Shared pieces of the cross-backend conformance tests: the implementations under test, seeded
// data, and the closeness rule (rtol 1e-4, atol 1e-5·max|ref|).
import assert from 'node:assert/strict';
import type { Kernels } from '../../src/kernels/kernels.js';
import type { Storage } from '../../src/kernels/storage.js';
import { refKernels } from '../../src/kernels/ref/index.js';
import { loadWasmBackend, type WasmBackend } from '../../src/kernels/wasm/index.js';
import { Rng } from '../../src/tensor/rng.js';
import { openTestWebGpu } from '../webgpu-device.js';

const loaded = await loadWasmBackend();
if (!loaded) throw new Error('conformance: the wasm backend did not load on this platform (no WebAssembly SIMD?)');
export const wasm: WasmBackend = loaded;

// Start the worker pool and wait (up to 30 s: a worker boots in well under a second, but CI may
// run test files side by side on a busy machine) until a parallel kernel really runs on 2
// threads, so that the 2-thread implementation below is exercised from the first case on.
if (wasm.features.threads) {
  wasm.setNumThreads(2);
  const n = 256, a = wasm.alloc(n * n), b = wasm.alloc(n * n), c = wasm.alloc(n * n);
  const p = { m: n, n, k: n, transA: false, transB: false, accumulate: false };
  for (let t = 0; t < 600 && wasm.lastThreads() < 2; t++) {
    wasm.kernels.gemm(a, b, c, p);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The fast implementations checked against refKernels, each on its own storages: `place` copies
 * host values (float32, or int32 slots) into new storage, `read` copies a storage back. 'wasm'
 * keeps its storages inside the WebAssembly memory (the zero-copy path); 'wasm-copy' gets plain
 * CPU storages, which the backend copies in and out; 'wasm-1t' runs on one thread.
 */
export interface Impl {
  name: string;
  kernels: Kernels;
  place(a: Float32Array | Int32Array): Storage;
  read(s: Storage): Promise<Float32Array>;
  threads: number;
}

function placeInWasm(a: Float32Array | Int32Array): Storage {
  const s = wasm.alloc(a.length);
  wasm.write(s, a);
  return s;
}

/** A copy of `a` inside the WebAssembly memory, as an array (for wasm.arrayKernels). */
export function inWasm(a: Float32Array): Float32Array {
  const s = wasm.alloc(a.length);
  s.data.set(a);
  return s.data;
}

// A CPU storage outside the WebAssembly memory.
function plain(a: Float32Array | Int32Array): Storage {
  const data = new Float32Array(a.length);
  new Int32Array(data.buffer).set(new Int32Array(a.buffer, a.byteOffset, a.length));
  return { device: 'cpu', size: a.length, data, version: 0 } as Storage;
}

const readWasm = (s: Storage): Promise<Float32Array> => wasm.read(s, s.size);

export const impls: Impl[] = [
  { name: 'wasm', kernels: wasm.kernels, place: placeInWasm, read: readWasm, threads: 2 },
  { name: 'wasm-copy', kernels: wasm.kernels, place: plain, read: readWasm, threads: 2 },
  { name: 'wasm-1t', kernels: wasm.kernels, place: placeInWasm, read: readWasm, threads: 1 },
];

// WebGPU (SwiftShader where no GPU is present): the same cases, the same tolerances.
export const gpu = await openTestWebGpu();
if (gpu) {
  impls.push({
    name: 'webgpu',
    kernels: gpu.kernels,
    place: (a) => {
      const s = gpu.allocUninitialized(a.length);
      gpu.write(s, a);
      return s;
    },
    read: (s) => gpu.read(s, s.size),
    threads: 2,
  });
}

/** Runs fn for every implementation (one after another) with its thread count set. */
export async function forEachImpl(fn: (impl: Impl) => Promise<void>): Promise<void> {
  for (const impl of impls) {
    wasm.setNumThreads(impl.threads);
    try {
      await fn(impl);
    } finally {
      wasm.setNumThreads(2);
    }
  }
}

export function rng(seed: number): Rng {
  return new Rng(seed);
}

/** n normal values (or uniform in [lo, hi) when given), seeded. */
export function data(r: Rng, n: number, lo?: number, hi?: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo === undefined ? r.normal() : lo + (hi! - lo) * r.uniform();
  return a;
}

/** Asserts |got − want| ≤ 1e-5·max|want| + 1e-4·|want| elementwise (NaN must match NaN). */
export function assertClose(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length ${got.length}, expected ${want.length}`);
  let maxAbs = 0;
  for (const v of want) if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  const atol = 1e-5 * maxAbs;
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!, g = got[i]!;
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (w === g) continue;
    if (!(Math.abs(g - w) <= atol + 1e-4 * Math.abs(w))) {
      assert.fail(`${what}: element ${i} is ${g}, reference ${w} (atol ${atol.toExponential(2)}, rtol 1e-4)`);
    }
  }
}

export { refKernels };
