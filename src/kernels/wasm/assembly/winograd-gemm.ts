// The Winograd forwards' per-plane GEMMs M[ξ] = U[ξ] · V[ξ] without packing V: the input
// transform already writes V[ξ] row-major (input channel × tile, leading dimension ld) in a block
// small enough to stay in cache, so the micro-kernel reads its rows in place. gemmCore copied each
// V[ξ] into 8-column panels first: with K = cin = 16 or 32 that copy moved as many bytes as the
// kernel read, for 2 or 4 products per element.
// Each M value sums p = 0 … k − 1 in order from zero with one multiply-add per step, as
// gemmCore's chunked kernel does for k ≤ CHUNK (one chunk): the same bits, whichever columns a
// block has.
import { madd, tile4x8 } from './gemm';

// Most input channels (K) read in place. Beyond, packing pays: batch 1, 256→256 at 14² (16 tiles,
// V[ξ] rows 128 bytes apart) ran 3.3–3.7 ms in place against 3.0–3.3 packed; 128→128 at 28² tied.
// At most CHUNK (gemm.ts): the sums here are one chunk.
export const UV_MAX_K: i32 = 64;

// Rows [r0, r0 + rows) of M (row stride ldm floats, rows ≥ r0 written from m) for tiles [0, n):
// U packed as gemm.ts's packAWhole does with one K block (4-row panels, row i of panel ir·kc at
// u + (ir·k + 4p + i)·4); V with k rows of ld floats. r0 is a multiple of 4. Columns go 8, then
// 4 at a time: a last partial 4 reads up to 3 columns of V past n (within ld: the callers' ld is
// a multiple of 4 at least n) into columns of M past n, which nothing reads.
export function gemmUV(rows: i32, n: i32, k: i32, u: usize, r0: i32, v: usize, ld: i32, m: usize, ldm: i32): void {
  const vs = <usize>ld << 2, ms = <usize>ldm << 2;
  for (let i = 0; i < rows; i += 4) {
    const ap = u + (<usize>((r0 + i) * k) << 2), live = min(4, rows - i), c = m + <usize>i * ms;
    let j = 0;
    for (; j + 8 <= n; j += 8) tile4x8(k, ap, v + (<usize>j << 2), vs, c + (<usize>j << 2), ms, 0, 0, k, live);
    for (; j < n; j += 4) kernel4x4(k, ap, v + (<usize>j << 2), vs, c + (<usize>j << 2), ms, live);
  }
}

// gemm.ts's tile4x8 (mode 0, no bias) for 4 columns of B (k rows at bp, bs bytes apart).
@inline function kernel4x4(k: i32, ap: usize, bp: usize, bs: usize, c: usize, cs: usize, live: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  for (let p = 0; p < k; p++) {
    const b = v128.load(bp);
    c0 = madd(v128.load32_splat(ap), b, c0);
    c1 = madd(v128.load32_splat(ap, 4), b, c1);
    c2 = madd(v128.load32_splat(ap, 8), b, c2);
    c3 = madd(v128.load32_splat(ap, 12), b, c3);
    ap += 16;
    bp += bs;
  }
  v128.store(c, c0);
  if (live > 1) v128.store(c + cs, c1);
  if (live > 2) v128.store(c + 2 * cs, c2);
  if (live > 3) v128.store(c + 3 * cs, c3);
}
