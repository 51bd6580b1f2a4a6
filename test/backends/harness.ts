// Shared pieces of the cross-backend conformance tests: the implementations under test, seeded
// data, and the closeness rule (rtol 1e-4, atol 1e-5·max|ref|).
import assert from 'node:assert/strict';
import type { Kernels } from '../../src/kernels/kernels.js';
import { refKernels } from '../../src/kernels/ref/index.js';
import { loadWasmBackend, type WasmBackend } from '../../src/kernels/wasm/index.js';
import { Rng } from '../../src/tensor/rng.js';

const loaded = await loadWasmBackend();
if (!loaded) throw new Error('conformance: the wasm backend did not load on this platform (no WebAssembly SIMD?)');
export const wasm: WasmBackend = loaded;

// Start the worker pool and wait (up to 30 s: a worker boots in well under a second, but CI may
// run test files side by side on a busy machine) until a parallel kernel really runs on 2
// threads, so that the 2-thread implementation below is exercised from the first case on.
if (wasm.features.threads) {
  wasm.setNumThreads(2);
  const n = 256, a = wasm.alloc(n * n).data, b = wasm.alloc(n * n).data, c = wasm.alloc(n * n).data;
  const p = { m: n, n, k: n, transA: false, transB: false, accumulate: false };
  for (let t = 0; t < 600 && wasm.lastThreads() < 2; t++) {
    wasm.kernels.gemm(a, b, c, p);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The fast implementations checked against refKernels. 'wasm' gets its arrays inside the
 * WebAssembly memory (the zero-copy path); 'wasm-copy' gets plain arrays, which the backend copies
 * in and out; 'wasm-1t' runs on one thread.
 */
export interface Impl {
  name: string;
  kernels: Kernels;
  place(a: Float32Array): Float32Array;
  threads: number;
}

export const impls: Impl[] = [
  { name: 'wasm', kernels: wasm.kernels, place: inWasm, threads: 2 },
  { name: 'wasm-copy', kernels: wasm.kernels, place: (a) => a.slice(), threads: 2 },
  { name: 'wasm-1t', kernels: wasm.kernels, place: inWasm, threads: 1 },
];

/** A copy of `a` inside the WebAssembly memory. */
export function inWasm(a: Float32Array): Float32Array {
  const s = wasm.alloc(a.length);
  s.data.set(a);
  return s.data;
}

/** Runs fn for every implementation with its thread count set. */
export function forEachImpl(fn: (impl: Impl) => void): void {
  for (const impl of impls) {
    wasm.setNumThreads(impl.threads);
    try {
      fn(impl);
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
