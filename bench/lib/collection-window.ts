// Timing windows made of whole collection intervals. striate's wasm heap forces a full collection
// per 128 MB of tensors left to the collector (src/kernels/wasm/memory.ts): W3 runs about 37
// steps between two (3.4 MB a step), W4 about 15, W8 2–3. A window of 3 iterations caught one or
// none: the eighth session's profile had W3 at 1 thread spending "6.1 of its 10.8 ms a step" in 2
// collections (one forced, one of V8's minor ones), where over whole intervals it is ~0.3 ms a step.
// So the profile times from just after one forced collection to just after another. Since backward,
// zeroGrad and the modules free nearly everything a step makes (W8 ~20 KB a step left, W3 ~1 KB),
// the next forced collection is thousands of steps away: the window then ends at INTERVAL_MAX_MS.
import { activeBackend } from '../../src/kernels/backend.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';

/** Longest a workload runs on to reach the next forced collection (ms), warming up or timed. */
export const INTERVAL_MAX_MS = 20_000;

/** Forced collections so far, or null where the active backend has no wasm heap. */
export function forcedCollections(): number | null {
  const heap = (activeBackend() as Partial<WasmBackend>).heap;
  return heap ? heap.counts.collections : null;
}

/**
 * Runs `step` once, and on until a step in which a forced collection happened (at most
 * INTERVAL_MAX_MS; once only where there is no wasm heap). Returns how many steps ran.
 */
export function runToCollection(step: () => void): number {
  const t0 = performance.now();
  for (let n = 1; ; n++) {
    const before = forcedCollections();
    step();
    if (before === null || forcedCollections() !== before || performance.now() - t0 > INTERVAL_MAX_MS) return n;
  }
}
