// Inputs for the kernel benchmarks that call the wasm backend's array kernels directly.
import type { CpuStorage } from '../../src/kernels/backend.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';

/** A storage of n floats in the backend's WebAssembly memory, filled with a smooth non-constant pattern. */
export function filledStorage(be: WasmBackend, n: number): CpuStorage {
  const s = be.alloc(n) as CpuStorage;
  const d = s.data;
  for (let i = 0; i < n; i++) d[i] = Math.sin(i * 0.37);
  return s;
}

/** The same, as its array view. */
export function filledArray(be: WasmBackend, n: number): Float32Array {
  return filledStorage(be, n).data;
}
