// Weights prepared for a kernel (Winograd's transformed filters, GEMM-packed panels) kept across
// calls, one block per weight storage: inference pays the transform once, not per call. A block
// is reused while the storage's version (bumped by every in-place write: optimiser steps,
// loadStateDict, `.data`) is unchanged, rewritten in place when it moved, and released with the
// storage by the heap's registry, so memory stays bounded by the live weights.
import type { Storage } from '../storage.js';
import type { WasmHeap } from './memory.js';

/** A cached block: `stale` when the caller must (re)compute it this call, then call `written`. */
export interface Prepared {
  ptr: number;
  stale: boolean;
  written(): void;
}

// One per weight storage, handed out as its own Prepared (no object made per call). `kind`: what
// the block holds (a path and the shape it was prepared for).
class Entry implements Prepared {
  stale = true;
  version = -1; // of the weights the block was computed from; -1 while being written

  constructor(readonly weights: Storage, readonly kind: string, readonly bytes: number, readonly ptr: number) {}

  written(): void {
    this.version = this.weights.version;
  }
}

export class WeightCache {
  private readonly entries = new WeakMap<Storage, Entry>();

  constructor(private readonly heap: WasmHeap) {}

  /**
   * The block holding `kind` prepared from `weights` (`bytes` long), or null when the storage is
   * already cached as something else (one storage used by two convolutions of different shapes:
   * those run uncached). Allocates: call before taking views of the memory.
   */
  get(weights: Storage, kind: string, bytes: number): Prepared | null {
    let e = this.entries.get(weights);
    if (!e) {
      // Not kernel scratch: a block for the storage's lifetime, which the registry ends. No view
      // is taken yet, so a collection here cannot recycle memory a kernel is about to read.
      const ptr = this.heap.alloc(bytes);
      this.heap.track(weights, ptr, bytes);
      e = new Entry(weights, kind, bytes, ptr);
      this.entries.set(weights, e);
    }
    if (e.kind !== kind || e.bytes !== bytes) return null;
    e.stale = e.version !== weights.version;
    if (e.stale) e.version = -1; // until written: a failed computation leaves it stale
    return e;
  }
}
