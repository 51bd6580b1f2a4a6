// What the kernel error scripts (winograd-error.ts, winograd5x5-error.ts) report of a wasm
// convolution pass against the reference kernel.
import type { WasmBackend } from '../../src/kernels/wasm/index.js';

/** The native paths (e.g. "winograd4") of the convolution passes that `run` made on `be`. */
export function pathsRun(be: WasmBackend, run: () => void): string[] {
  const before = new Map(be.convPathCounts());
  run();
  return [...be.convPathCounts()].filter(([k, v]) => v !== (before.get(k) ?? 0)).map(([k]) => k.split(' ')[1]!);
}

/**
 * The worst element's |got − want| ÷ the conformance tolerance, 1e-5·max|want| + 1e-4·|want|
 * (test/backends/harness.ts): under 1 passes.
 */
export function errorOverTolerance(got: Float32Array, want: Float32Array): number {
  const maxAbs = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let worst = 0;
  for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(got[k]! - want[k]!) / (1e-5 * maxAbs + 1e-4 * Math.abs(want[k]!)));
  return worst;
}
