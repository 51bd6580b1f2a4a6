// When striate's wasm heap has stopped growing. W8's heap takes 15–20 steps to settle (its
// collections free blocks at different points of a step, so a size class misses its free list now
// and then), and until then some steps touch never-used memory: ~500 pages every other step and
// ~10,000 once, ~20 µs a page on this VM, in whichever kernel's output took them (BENCHMARKS.md,
// "W8's 2-thread slowdowns in the profile"). Timing starts once it has settled.
import { activeBackend } from '../../src/kernels/backend.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';

/** Iterations in a row without growth that count as settled. */
export const SETTLED_ITERATIONS = 4;

// Growth an iteration may still show and count as none: the few-element tensors a step returns to
// its caller (logits, loss) are garbage for the collector, taken from never-used memory a few KB a
// step (W3: ~1 KB, W8: ~20 KB after zeroGrad frees the gradients), a first touch of a page or a few.
// W3's heap never counted as settled on exact equality and warmed up for the full SETTLE_MAX_MS.
const SETTLED_GROWTH = 32 * 1024;

/**
 * A check to call after each warm-up iteration: true once the heap's high-water mark has moved by
 * at most SETTLED_GROWTH per call for SETTLED_ITERATIONS calls in a row, and at once where the
 * active backend has no wasm heap.
 */
export function heapSettled(): () => boolean {
  let top = -1, flat = 0;
  return () => {
    const heap = (activeBackend() as Partial<WasmBackend>).heap;
    if (!heap) return true;
    const now = heap.capacity - heap.headroom;
    flat = top >= 0 && now - top <= SETTLED_GROWTH ? flat + 1 : 0;
    top = now;
    return flat >= SETTLED_ITERATIONS;
  };
}
