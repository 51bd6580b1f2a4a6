// The Winograd forwards' per-plane GEMMs M[ξ] = U[ξ] · V[ξ] without packing V: the input
// transform already writes V[ξ] row-major (input channel × tile, leading dimension ld) in a block
// small enough to stay in cache, so the micro-kernel reads its rows in place. gemmCore copied each
// V[ξ] into 8-column panels first: with K = cin = 16 or 32 that copy moved as many bytes as the
// kernel read, for 2 or 4 products per element.
// Each M value sums p = 0 … k − 1 in order from zero with one multiply-add per step, as
// gemmCore's chunked kernel does for k ≤ CHUNK (one chunk): the same bits, whichever columns a
// block has.
import { CHUNK, madd, tile4x8 } from './gemm';

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

// Columns [j0, j1) of the same product, one at a time: the tails of the packed GEMMs (products6,
// over UV_MAX_K input channels), whose 8-column panels would compute up to 7 columns for nothing
// (ResNet-18's 28² maps: 49 tiles, 56 columns; the last through gemm.ts's edge tile). For gemmUV's
// tails too (kernel4x4 there), W8's batch-128 passes (no tails) ran 1–3% slower: not used there.
// Eight 4-row panels of U against one column of V: 8 accumulators, 9 loads per 8 multiply-adds.
// Each value sums p = 0 … k − 1 in chunks of CHUNK as gemm.ts's chunked kernel does (from zero
// with one multiply-add per step, each later chunk's sum added to the stored one): the same bits
// as in an 8-column tile, so results do not depend on which columns a block holds.
export function gemmColumns(rows: i32, j0: i32, j1: i32, k: i32, u: usize, r0: i32, v: usize, ld: i32, m: usize, ldm: i32): void {
  const ps = <usize>k << 4, vs = <usize>ld << 2, ms = <usize>ldm << 2;
  let i = 0;
  for (; i + 32 <= rows; i += 32) {
    const ap = u + (<usize>((r0 + i) * k) << 2), c = m + <usize>i * ms;
    for (let j = j0; j < j1; j++) column32(k, ap, ps, v + (<usize>j << 2), vs, c + (<usize>j << 2), ms);
  }
  for (; i < rows; i += 4) {
    const ap = u + (<usize>((r0 + i) * k) << 2), c = m + <usize>i * ms, live = min(4, rows - i);
    for (let j = j0; j < j1; j++) column4(k, ap, v + (<usize>j << 2), vs, c + (<usize>j << 2), ms, live);
  }
}

// x to `at`, stored or added to the partial sum stored there; putPanel: lanes l < live of a to c + l·ms.
@inline function putLane(x: f32, at: usize, partial: bool): void { store<f32>(at, partial ? load<f32>(at) + x : x); }
@inline function putPanel(a: v128, c: usize, ms: usize, live: i32, partial: bool): void {
  putLane(f32x4.extract_lane(a, 0), c, partial);
  if (live > 1) putLane(f32x4.extract_lane(a, 1), c + ms, partial);
  if (live > 2) putLane(f32x4.extract_lane(a, 2), c + 2 * ms, partial);
  if (live > 3) putLane(f32x4.extract_lane(a, 3), c + 3 * ms, partial);
}

// One column of 32 rows of M (8 panels of U, ps bytes apart, from ap; V's column at bp, rows bs
// bytes apart; M's at c, rows ms bytes apart).
function column32(k: i32, ap: usize, ps: usize, bp: usize, bs: usize, c: usize, ms: usize): void {
  let p = 0, partial = false;
  for (;;) {
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (const end = min(k, p + CHUNK); p < end; p++) {
      const b = v128.load32_splat(bp);
      a0 = madd(v128.load(ap), b, a0);
      a1 = madd(v128.load(ap + ps), b, a1);
      a2 = madd(v128.load(ap + 2 * ps), b, a2);
      a3 = madd(v128.load(ap + 3 * ps), b, a3);
      a4 = madd(v128.load(ap + 4 * ps), b, a4);
      a5 = madd(v128.load(ap + 5 * ps), b, a5);
      a6 = madd(v128.load(ap + 6 * ps), b, a6);
      a7 = madd(v128.load(ap + 7 * ps), b, a7);
      ap += 16;
      bp += bs;
    }
    putPanel(a0, c, ms, 4, partial);
    putPanel(a1, c + 4 * ms, ms, 4, partial);
    putPanel(a2, c + 8 * ms, ms, 4, partial);
    putPanel(a3, c + 12 * ms, ms, 4, partial);
    putPanel(a4, c + 16 * ms, ms, 4, partial);
    putPanel(a5, c + 20 * ms, ms, 4, partial);
    putPanel(a6, c + 24 * ms, ms, 4, partial);
    putPanel(a7, c + 28 * ms, ms, 4, partial);
    if (p >= k) return;
    partial = true;
  }
}

// One column of one panel (rows past `live` not stored): the rows left below a multiple of 32.
function column4(k: i32, ap: usize, bp: usize, bs: usize, c: usize, ms: usize, live: i32): void {
  let p = 0, partial = false;
  for (;;) {
    let a = f32x4.splat(0);
    for (const end = min(k, p + CHUNK); p < end; p++) {
      a = madd(v128.load(ap), v128.load32_splat(bp), a);
      ap += 16;
      bp += bs;
    }
    putPanel(a, c, ms, live, partial);
    if (p >= k) return;
    partial = true;
  }
}
