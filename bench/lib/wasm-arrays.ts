// Inputs for the kernel benchmarks that call the wasm backend's array kernels directly.
import type { CpuStorage } from '../../src/kernels/backend.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';

/** n floats in the backend's WebAssembly memory, filled with a smooth non-constant pattern. */
export function filledArray(be: WasmBackend, n: number): Float32Array {
  const s = (be.alloc(n) as CpuStorage).data;
  for (let i = 0; i < n; i++) s[i] = Math.sin(i * 0.37);
  return s;
}
