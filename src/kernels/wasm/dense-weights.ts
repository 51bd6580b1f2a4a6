// Dense layers at batch ≤ 16 (C = A·Bᵀ, B a weight matrix [out, in] read by gemmDots in place)
// may run on a copy of B packed as one stream (assembly/dense-packed.ts: 7.5–9.8 ms instead of
// 10.2–12.7 for AlexNet's three dense layers on one core), kept in the weight cache like the conv
// paths' prepared weights. The copy doubles those weights in memory (AlexNet: +234 MB, as the
// Winograd paths keep their transformed filters at up to 4× the weights' size).
//
// Packed only where the copy survives: on the second product with the same version of B. Training
// (the weights change every step, one forward each) never packs, so it pays no repacking; inference
// packs on its second call. The packed product sums every output exactly as gemmDots does, so the
// first call's results and the later ones' are the same to the bit.
import type { GemmParams } from '../kernels.js';
import type { Storage } from '../storage.js';
import type { WasmExports } from './exports.js';
import type { WasmHeap } from './memory.js';
import { WeightCache, type Prepared } from './weight-cache.js';

// Only weights larger than the 1 MiB L2 of a core: smaller ones stay cached between calls, where
// the in-place read is not limited by memory and a copy would only cost space.
const MIN_WEIGHTS = 1 << 18;

/** Whether a product is one gemmDots would compute (and the packed copy can): A·Bᵀ, few rows of A. */
export function densePackable(p: GemmParams): boolean {
  return p.m <= 16 && p.transB && !p.transA && (p.batch ?? 1) === 1 && p.n >= 16 && p.k >= 4 && p.n * p.k >= MIN_WEIGHTS;
}

export class DenseWeights {
  private readonly cache: WeightCache;
  private readonly seen = new WeakMap<Storage, number>(); // B's version at its last product
  /** Products run on a packed copy, for tests. */
  packedCalls = 0;

  constructor(heap: WasmHeap, private readonly ex: WasmExports) {
    this.cache = new WeightCache(heap);
  }

  /** B's packed block for this product (stale: to be packed now), or null: run it in place. Allocates. */
  prepared(b: Storage, p: GemmParams): Prepared | null {
    if (!densePackable(p)) return null;
    const last = this.seen.get(b);
    this.seen.set(b, b.version);
    if (last !== b.version) return null;
    return this.cache.get(b, `dense ${p.n}×${p.k}`, this.ex.densePackedBytes(p.n, p.k));
  }
}
