// Dense layers at batch ≤ 3 (C = A·Bᵀ, B a weight matrix [out, in] read by gemmDots in place)
// may run on a copy of B packed as one stream (assembly/dense-packed.ts: 9.2–14.1 ms instead of
// 11.7–17.9 for AlexNet's three dense layers on one core, `npx tsx bench/dense-matvec.ts`, a busy
// machine), kept in the weight cache like the conv paths' prepared weights. The copy doubles those weights in memory (AlexNet: +234 MB, as the
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

// Only weights of at least 1 MiB (a core's L2): one row of A, 1 thread, best of 30, in place
// against packed: 256 KiB 5.9–6.9 µs both, 1 MiB 22.3–25.5 against 20.4–23.7, 4 MiB 98.8–114.3
// against 79.0–88.0; below it the copy would cost space for nothing.
const MIN_WEIGHTS = 1 << 18;
// Only up to 3 rows of A, where gemmDots reads all of B once per row (1 × 4 blocks): AlexNet's
// 4096 → 4096, best of 12, in place against packed: 1 row 3.5 against 2.2 ms, 2 rows 7.1 against
// 2.9. From 4 rows its 4 × 2 blocks read B once per 4 rows and the products weigh more than the
// stream: 4 rows 6.7–7.8 against 7.0–7.4 ms, 8 13.4–14.0 against 12.6–16.1, 16 25.9–26.7 against
// 24.1–28.3 (a busy machine: no clear winner), so those stay in place.
const MAX_ROWS = 3;

/** Whether a product is one gemmDots computes and the packed copy is for: A·Bᵀ, few rows of A, large B. */
export function densePackable(p: GemmParams): boolean {
  return p.m <= MAX_ROWS && p.transB && !p.transA && (p.batch ?? 1) === 1 && p.n >= 16 && p.k >= 4 && p.n * p.k >= MIN_WEIGHTS;
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
