// Packed, cache-blocked single-precision GEMM (BLIS layout) for one thread's share of the work.
// Compiled by AssemblyScript, never by tsc. No allocation here: every buffer comes from the
// JavaScript allocator (the AssemblyScript runtime is not thread-safe on shared memory).
//
//   C (m×n, row stride ldc) (+)= op(A) (m×k) · op(B) (k×n)
// Blocking: NC columns of B are packed into NR=8-wide panels (kc×8 each, stays in L1 while the
// A block streams from L2), MC rows of A into MR=4-high panels. The 4×8 micro-kernel keeps exactly
// 8 f32x4 accumulators: V8 gives wasm 16 xmm registers, and any larger tile spills (PERF-NOTES).

export const MR: i32 = 4;
export const NR: i32 = 8;
export const MC: i32 = 96;
export const NC: i32 = 4096;

// K is blocked only when long (a single pass keeps the write-back cheap for conv-shaped GEMMs),
// then into equal blocks of at most 384 so that no short last block pays a full C round trip.
@inline export function kcFor(k: i32): i32 {
  if (k <= 640) return k;
  const blocks = (k + 383) / 384;
  return (k + blocks - 1) / blocks;
}

// Fused multiply-add where relaxed SIMD exists (a real FMA, ~38% faster), mul+add otherwise.
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// c: 4×8 tile at c (row stride ldc bytes); ap: kc×4 packed A panel; bp: kc×8 packed B panel.
// mode 0: c = acc (+ bias[row] when bias != 0); mode 1: c += acc. The sum runs over kc in chunks
// of `chunk` steps (kc: one), each after the first summed from zero and then added to c.
function kernel4x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, mode: i32, bias: usize, chunk: i32): void {
  tile4x8(kc, ap, bp, 32, c, ldc, mode, bias, chunk, 4);
}

// kernel4x8's body, also inlined where B is read in place (winograd-gemm.ts; a call per tile cost
// the gain there): B's rows bs bytes apart, only the first `rows` rows of C stored (and read back
// between chunks; mode 1 reads all 4).
@inline export function tile4x8(kc: i32, ap: usize, bp: usize, bs: usize, c: usize, ldc: usize, mode: i32, bias: usize,
  chunk: i32, rows: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (mode == 1) {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc); c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc); c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc); c31 = v128.load(c + 3 * ldc, 16);
  } else if (bias != 0) {
    c00 = v128.load32_splat(bias); c01 = c00;
    c10 = v128.load32_splat(bias, 4); c11 = c10;
    c20 = v128.load32_splat(bias, 8); c21 = c20;
    c30 = v128.load32_splat(bias, 12); c31 = c30;
  }
  let p = 0, partial = false;
  for (;;) {
    for (const end = min(kc, p + chunk); p < end; p++) {
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, 16);
      // Four broadcast loads (vbroadcastss) ran 6–13% faster than one load and four lane shuffles
      // here in the whole GEMM (the shuffles compete with the FMAs for vector ports).
      const a0 = v128.load32_splat(ap);
      c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
      const a1 = v128.load32_splat(ap, 4);
      c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
      const a2 = v128.load32_splat(ap, 8);
      c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
      const a3 = v128.load32_splat(ap, 12);
      c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
      ap += 16;
      bp += bs;
    }
    if (partial) {
      c00 = f32x4.add(v128.load(c), c00); c01 = f32x4.add(v128.load(c, 16), c01);
      if (rows > 1) { c10 = f32x4.add(v128.load(c + ldc), c10); c11 = f32x4.add(v128.load(c + ldc, 16), c11); }
      if (rows > 2) { c20 = f32x4.add(v128.load(c + 2 * ldc), c20); c21 = f32x4.add(v128.load(c + 2 * ldc, 16), c21); }
      if (rows > 3) { c30 = f32x4.add(v128.load(c + 3 * ldc), c30); c31 = f32x4.add(v128.load(c + 3 * ldc, 16), c31); }
    }
    v128.store(c, c00); v128.store(c, c01, 16);
    if (rows > 1) { v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16); }
    if (rows > 2) { v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16); }
    if (rows > 3) { v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16); }
    if (p >= kc) return;
    c00 = f32x4.splat(0); c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00; c30 = c00; c31 = c00;
    partial = true;
  }
}

// The depth a chunked GEMM sums from zero before adding the partial sum to C. One sum over K
// products gathers rounding error growing as √K relative to it; chunks of 64 sum K/64 partial sums
// instead. F(4×4, 3×3) amplifies that error through Aᵀ M A (weights up to 8·8): K = 256–512 input
// channels brought its worst element near or past the conformance tolerance (conv-paths.ts).
// Chunks of 128 left it at 0.47–0.71 of the tolerance, 64 at 0.37–0.48.
export const CHUNK: i32 = 64;

// Edge tiles (mr < 4 or nr < 8) go through a 4×8 scratch tile so the kernel stays branch-free.
function edgeTile(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, mr: i32, nr: i32,
  mode: i32, bias: usize, tile: usize, chunk: i32): void {
  if (mode == 1) {
    for (let i = 0; i < mr; i++) {
      for (let j = 0; j < nr; j++) store<f32>(tile + ((i * 8 + j) << 2), load<f32>(c + <usize>i * ldc + (<usize>j << 2)));
    }
  }
  let bb: usize = 0;
  if (mode == 0 && bias != 0) {
    // The tile's bias rows beyond mr are read from a padded copy so no out-of-range load happens.
    bb = tile + 128;
    for (let i = 0; i < 4; i++) store<f32>(bb + (i << 2), i < mr ? load<f32>(bias + (i << 2)) : 0);
  }
  kernel4x8(kc, ap, bp, tile, 32, mode, bb, chunk);
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) store<f32>(c + <usize>i * ldc + (<usize>j << 2), load<f32>(tile + ((i * 8 + j) << 2)));
  }
}

// 4×4 transpose of the rows v0..v3 (lane i of row r → lane r of row i), in shuffles only.
@inline export function tr0(v0: v128, v1: v128, v2: v128, v3: v128): v128 {
  return i32x4.shuffle(i32x4.shuffle(v0, v1, 0, 4, 1, 5), i32x4.shuffle(v2, v3, 0, 4, 1, 5), 0, 1, 4, 5);
}
@inline export function tr1(v0: v128, v1: v128, v2: v128, v3: v128): v128 {
  return i32x4.shuffle(i32x4.shuffle(v0, v1, 0, 4, 1, 5), i32x4.shuffle(v2, v3, 0, 4, 1, 5), 2, 3, 6, 7);
}
@inline export function tr2(v0: v128, v1: v128, v2: v128, v3: v128): v128 {
  return i32x4.shuffle(i32x4.shuffle(v0, v1, 2, 6, 3, 7), i32x4.shuffle(v2, v3, 2, 6, 3, 7), 0, 1, 4, 5);
}
@inline export function tr3(v0: v128, v1: v128, v2: v128, v3: v128): v128 {
  return i32x4.shuffle(i32x4.shuffle(v0, v1, 2, 6, 3, 7), i32x4.shuffle(v2, v3, 2, 6, 3, 7), 2, 3, 6, 7);
}

// Packs rows [i0, i0+mc) × cols [p0, p0+kc) of op(A) into MR-high panels, zero-padding the last.
// Full panels move 4 values per instruction: a plain load when op(A) is a transpose (4 rows of a
// column are adjacent), else 4×4 blocks transposed in registers.
export function packA(a: usize, lda: i32, transA: bool, i0: i32, mc: i32, p0: i32, kc: i32, m: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const panel = dst + <usize>(ir * kc) * 4;
    const i = i0 + ir;
    if (ir + MR <= mc && i + MR <= m) {
      if (transA) {
        let src = a + (<usize>p0 * lda + i) * 4;
        const step = <usize>lda * 4;
        for (let p = 0; p < kc; p++) { v128.store(panel + (<usize>p << 4), v128.load(src)); src += step; }
      } else {
        const r0 = a + (<usize>i * lda + p0) * 4, rs = <usize>lda * 4;
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const o = <usize>p << 2;
          const v0 = v128.load(r0 + o), v1 = v128.load(r0 + rs + o), v2 = v128.load(r0 + 2 * rs + o), v3 = v128.load(r0 + 3 * rs + o);
          const out = panel + (<usize>p << 4);
          v128.store(out, tr0(v0, v1, v2, v3));
          v128.store(out, tr1(v0, v1, v2, v3), 16);
          v128.store(out, tr2(v0, v1, v2, v3), 32);
          v128.store(out, tr3(v0, v1, v2, v3), 48);
        }
        for (; p < kc; p++) {
          const o = <usize>p << 2, out = panel + (<usize>p << 4);
          for (let r = 0; r < MR; r++) store<f32>(out + (<usize>r << 2), load<f32>(r0 + <usize>r * rs + o));
        }
      }
      continue;
    }
    for (let r = 0; r < MR; r++) {
      const ii = i + r;
      let out = panel + (<usize>r << 2);
      if (ir + r >= mc || ii >= m) {
        for (let p = 0; p < kc; p++) { store<f32>(out, 0); out += 16; }
      } else if (transA) {
        // op(A)(i, q) = a[q·lda + i]
        let src = a + (<usize>p0 * lda + ii) * 4;
        const step = <usize>lda * 4;
        for (let p = 0; p < kc; p++) { store<f32>(out, load<f32>(src)); src += step; out += 16; }
      } else {
        let src = a + (<usize>ii * lda + p0) * 4;
        for (let p = 0; p < kc; p++) { store<f32>(out, load<f32>(src)); src += 4; out += 16; }
      }
    }
  }
}

// Packs rows [p0, p0+kc) × cols [j0, j0+nc) of op(B) into NR-wide panels, zero-padding the last.
export function packB(b: usize, ldb: i32, transB: bool, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const panel = dst + <usize>(jr * kc) * 4;
    const w = min(NR, nc - jr);
    if (!transB && w == NR) {
      let src = b + (<usize>p0 * ldb + j0 + jr) * 4;
      const step = <usize>ldb * 4;
      let out = panel;
      for (let p = 0; p < kc; p++) {
        v128.store(out, v128.load(src));
        v128.store(out, v128.load(src, 16), 16);
        src += step;
        out += 32;
      }
    } else if (transB && w == NR) {
      // op(B)(q, j) = b[j·ldb + q]: 8 source rows, contiguous in q, transposed 4×4 at a time.
      const r0 = b + (<usize>(j0 + jr) * ldb + p0) * 4, rs = <usize>ldb * 4;
      const r4 = r0 + 4 * rs;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = <usize>p << 2;
        const v0 = v128.load(r0 + o), v1 = v128.load(r0 + rs + o), v2 = v128.load(r0 + 2 * rs + o), v3 = v128.load(r0 + 3 * rs + o);
        const u0 = v128.load(r4 + o), u1 = v128.load(r4 + rs + o), u2 = v128.load(r4 + 2 * rs + o), u3 = v128.load(r4 + 3 * rs + o);
        const out = panel + (<usize>p << 5);
        v128.store(out, tr0(v0, v1, v2, v3)); v128.store(out, tr0(u0, u1, u2, u3), 16);
        v128.store(out, tr1(v0, v1, v2, v3), 32); v128.store(out, tr1(u0, u1, u2, u3), 48);
        v128.store(out, tr2(v0, v1, v2, v3), 64); v128.store(out, tr2(u0, u1, u2, u3), 80);
        v128.store(out, tr3(v0, v1, v2, v3), 96); v128.store(out, tr3(u0, u1, u2, u3), 112);
      }
      for (; p < kc; p++) {
        const o = <usize>p << 2, out = panel + (<usize>p << 5);
        for (let c = 0; c < NR; c++) store<f32>(out + (<usize>c << 2), load<f32>(r0 + <usize>c * rs + o));
      }
    } else if (transB) {
      for (let c = 0; c < NR; c++) {
        let out = panel + (c << 2);
        if (c >= w) {
          for (let p = 0; p < kc; p++) { store<f32>(out, 0); out += 32; }
          continue;
        }
        let src = b + (<usize>(j0 + jr + c) * ldb + p0) * 4;
        for (let p = 0; p < kc; p++) { store<f32>(out, load<f32>(src)); src += 4; out += 32; }
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const src = b + (<usize>(p0 + p) * ldb + j0 + jr) * 4;
        const out = panel + <usize>(p * NR) * 4;
        for (let c = 0; c < NR; c++) store<f32>(out + (c << 2), c < w ? load<f32>(src + (c << 2)) : 0);
      }
    }
  }
}

// Multiplies the packed A block (mc×kc) by packed B panels (kc×nc) into C.
export function macroKernel(apack: usize, bpack: usize, mc: i32, nc: i32, kc: i32, c: usize, ldc: i32,
  mode: i32, bias: usize, tile: usize, chunked: bool = false): void {
  const ldcb = <usize>ldc * 4, chunk = chunked ? CHUNK : kc;
  for (let jr = 0; jr < nc; jr += NR) {
    const bp = bpack + <usize>(jr * kc) * 4;
    const nr = min(NR, nc - jr);
    for (let ir = 0; ir < mc; ir += MR) {
      const ap = apack + <usize>(ir * kc) * 4;
      const mr = min(MR, mc - ir);
      const cc = c + <usize>ir * ldcb + (<usize>jr << 2);
      const bb = bias != 0 ? bias + (<usize>ir << 2) : 0;
      if (mr == MR && nr == NR) kernel4x8(kc, ap, bp, cc, ldcb, mode, bb, chunk);
      else edgeTile(kc, ap, bp, cc, ldcb, mr, nr, mode, bb, tile, chunk);
    }
  }
}

// Bytes of scratch one thread needs for a GEMM of depth k and width n: a 4×8 tile (+ bias pad),
// the packed A block and the packed B block.
export function gemmScratchBytes(k: i32, n: i32): i32 {
  const kc = kcFor(k);
  const nc = min(NC, (n + NR - 1) & ~(NR - 1));
  return 256 + (MC * kc + nc * kc) * 4;
}

// A few rows of C (batch-1 dense layers): packing B would move every element of B to use it
// m times, so stream B once instead. !transB: rows of C accumulate a(i, q)·B[q, :] (axpy);
// transB: each c(i, j) is a dot product of a row of op(A) with a row of b.
function gemmSmallM(m: i32, n: i32, k: i32, a: usize, lda: i32, transA: bool, b: usize, ldb: i32, transB: bool,
  c: usize, ldc: i32, accumulate: bool, bias: usize): void {
  for (let i = 0; i < m; i++) {
    const crow = c + <usize>i * ldc * 4;
    const b0: f32 = !accumulate && bias != 0 ? load<f32>(bias + (<usize>i << 2)) : 0;
    if (!transB) {
      if (!accumulate) {
        const bv = f32x4.splat(b0);
        let j = 0;
        for (; j + 4 <= n; j += 4) v128.store(crow + (<usize>j << 2), bv);
        for (; j < n; j++) store<f32>(crow + (<usize>j << 2), b0);
      }
      for (let q = 0; q < k; q++) {
        const av = load<f32>(a + (transA ? <usize>q * lda + i : <usize>i * lda + q) * 4);
        const brow = b + <usize>q * ldb * 4;
        const avv = f32x4.splat(av);
        let j = 0;
        for (; j + 8 <= n; j += 8) {
          const o = <usize>j << 2;
          v128.store(crow + o, madd(avv, v128.load(brow + o), v128.load(crow + o)));
          v128.store(crow + o, madd(avv, v128.load(brow + o, 16), v128.load(crow + o, 16)), 16);
        }
        for (; j < n; j++) {
          const o = <usize>j << 2;
          store<f32>(crow + o, load<f32>(crow + o) + av * load<f32>(brow + o));
        }
      }
    } else {
      // transA too (rare: gemmDots takes transB alone): op(A)'s row is strided, so scalar.
      for (let j = 0; j < n; j++) {
        const brow = b + <usize>j * ldb * 4;
        let sum: f32 = 0;
        for (let q = 0; q < k; q++) sum += load<f32>(a + (<usize>q * lda + i) * 4) * load<f32>(brow + (<usize>q << 2));
        const co = crow + (<usize>j << 2);
        store<f32>(co, accumulate ? load<f32>(co) + sum : sum + b0);
      }
    }
  }
}

@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

@inline export function putC(c: usize, v: f32, accumulate: bool, bias: f32): void {
  store<f32>(c, accumulate ? load<f32>(c) + v : v + bias);
}

// Every c(i, j) of gemmDots sums the same way whatever block computes it (4 lanes over q in
// steps of 4, the lanes added in order, then the tail), so a result never depends on how threads
// split the columns. This block: row a against rows b, b + lb, b + 2·lb, b + 3·lb (nb of them).
export function dots1x4(a: usize, b: usize, lb: usize, nb: i32, k: i32, c: usize, accumulate: bool, bias: f32): void {
  let x0 = f32x4.splat(0), x1 = x0, x2 = x0, x3 = x0;
  const b1 = nb > 1 ? b + lb : b, b2 = nb > 2 ? b + 2 * lb : b, b3 = nb > 3 ? b + 3 * lb : b;
  let q = 0;
  for (; q + 4 <= k; q += 4) {
    const o = <usize>q << 2;
    const t = v128.load(a + o);
    x0 = madd(t, v128.load(b + o), x0);
    x1 = madd(t, v128.load(b1 + o), x1);
    x2 = madd(t, v128.load(b2 + o), x2);
    x3 = madd(t, v128.load(b3 + o), x3);
  }
  let s0 = hsum(x0), s1 = hsum(x1), s2 = hsum(x2), s3 = hsum(x3);
  for (; q < k; q++) {
    const o = <usize>q << 2;
    const t = load<f32>(a + o);
    s0 += t * load<f32>(b + o); s1 += t * load<f32>(b1 + o); s2 += t * load<f32>(b2 + o); s3 += t * load<f32>(b3 + o);
  }
  putC(c, s0, accumulate, bias);
  if (nb > 1) putC(c + 4, s1, accumulate, bias);
  if (nb > 2) putC(c + 8, s2, accumulate, bias);
  if (nb > 3) putC(c + 12, s3, accumulate, bias);
}

// C = A·Bᵀ with few rows (m ≤ 16: the weight gradient of a conv with few output channels, dense
// layers at batch ≤ 16): every c(i, j) is a dot product of two contiguous rows, so nothing is
// packed (packing cost more than these few products per element: LeNet-5's conv1 weight
// gradient ran at 7 GFLOP/s). Blocks of 4 rows × 2 columns share their loads (6 per 8 FMAs);
// the rows past a multiple of 4 and an odd last column go 1 row × 4 columns at a time.
function gemmDots(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  accumulate: bool, bias: usize): void {
  const la = <usize>lda << 2, lb = <usize>ldb << 2, lc = <usize>ldc << 2;
  const m4 = m & ~3, n2 = n & ~1;
  for (let i = 0; i < m; i++) {
    if (i < m4 && n2 == n) continue;
    // Row i's columns the 4×2 blocks below leave out: all of them, or the odd last one.
    const j0 = i < m4 ? n2 : 0;
    const br: f32 = bias != 0 ? load<f32>(bias + (<usize>i << 2)) : 0;
    for (let j = j0; j < n; j += 4) {
      dots1x4(a + <usize>i * la, b + <usize>j * lb, lb, min(4, n - j), k, c + <usize>i * lc + (<usize>j << 2), accumulate, br);
    }
  }
  for (let i = 0; i < m4; i += 4) {
    for (let j = 0; j < n2; j += 2) {
      const cc = c + <usize>i * lc + (<usize>j << 2);
      const a0 = a + <usize>i * la, b0 = b + <usize>j * lb;
      let x0 = f32x4.splat(0), x1 = x0, x2 = x0, x3 = x0, y0 = x0, y1 = x0, y2 = x0, y3 = x0;
      let q = 0;
      for (; q + 4 <= k; q += 4) {
        const o = <usize>q << 2;
        const u = v128.load(b0 + o), v = v128.load(b0 + lb + o);
        let t = v128.load(a0 + o);
        x0 = madd(t, u, x0); y0 = madd(t, v, y0);
        t = v128.load(a0 + la + o);
        x1 = madd(t, u, x1); y1 = madd(t, v, y1);
        t = v128.load(a0 + 2 * la + o);
        x2 = madd(t, u, x2); y2 = madd(t, v, y2);
        t = v128.load(a0 + 3 * la + o);
        x3 = madd(t, u, x3); y3 = madd(t, v, y3);
      }
      let s00 = hsum(x0), s01 = hsum(y0), s10 = hsum(x1), s11 = hsum(y1);
      let s20 = hsum(x2), s21 = hsum(y2), s30 = hsum(x3), s31 = hsum(y3);
      for (; q < k; q++) {
        const o = <usize>q << 2;
        const u = load<f32>(b0 + o), v = load<f32>(b0 + lb + o);
        const t0 = load<f32>(a0 + o), t1 = load<f32>(a0 + la + o), t2 = load<f32>(a0 + 2 * la + o), t3 = load<f32>(a0 + 3 * la + o);
        s00 += t0 * u; s01 += t0 * v; s10 += t1 * u; s11 += t1 * v;
        s20 += t2 * u; s21 += t2 * v; s30 += t3 * u; s31 += t3 * v;
      }
      const bs = bias != 0 ? bias + (<usize>i << 2) : 0;
      putC(cc, s00, accumulate, bs != 0 ? load<f32>(bs) : 0);
      putC(cc + 4, s01, accumulate, bs != 0 ? load<f32>(bs) : 0);
      putC(cc + lc, s10, accumulate, bs != 0 ? load<f32>(bs, 4) : 0);
      putC(cc + lc + 4, s11, accumulate, bs != 0 ? load<f32>(bs, 4) : 0);
      putC(cc + 2 * lc, s20, accumulate, bs != 0 ? load<f32>(bs, 8) : 0);
      putC(cc + 2 * lc + 4, s21, accumulate, bs != 0 ? load<f32>(bs, 8) : 0);
      putC(cc + 3 * lc, s30, accumulate, bs != 0 ? load<f32>(bs, 12) : 0);
      putC(cc + 3 * lc + 4, s31, accumulate, bs != 0 ? load<f32>(bs, 12) : 0);
    }
  }
}

// op(A) (m×k) packed whole, once, for threads that would each pack all of it: K blocks of kcFor(k)
// columns, block p0 at p0·mPad floats (mPad = m rounded up to MR), holding all rows as MR-high
// panels (rows ir… at ir·kc). packAWhole packs the row panels [r0, r1) of every block, so threads
// can share the work.
@inline export function paddedRows(m: i32): i32 { return (m + MR - 1) & ~(MR - 1); }

/** Bytes of scratch packAWhole needs for op(A) of m×k. */
export function packedABytes(m: i32, k: i32): i32 {
  return paddedRows(m) * k * 4;
}

export function packAWhole(a: usize, lda: i32, transA: bool, m: i32, k: i32, r0: i32, r1: i32, dst: usize): void {
  const kcMax = kcFor(k), mPad = paddedRows(m);
  for (let p0 = 0; p0 < k; p0 += kcMax) {
    const kc = min(kcMax, k - p0);
    packA(a, lda, transA, r0, r1 - r0, p0, kc, m, dst + (<usize>p0 * mPad + <usize>r0 * kc) * 4);
  }
}

// The whole GEMM on the calling thread. bias (per row of C, or 0) is added when not accumulating.
// apre != 0: op(A) is already packed there by packAWhole (a, lda and transA are then unused), as
// rows [apreRow0, apreRow0 + m) of a packing of apreRows padded rows (0: paddedRows(m)).
// chunked: sums over K in chunks of CHUNK (kernel4x8), for less rounding error.
export function gemmCore(m: i32, n: i32, k: i32, a: usize, lda: i32, transA: bool, b: usize, ldb: i32,
  transB: bool, c: usize, ldc: i32, accumulate: bool, bias: usize, scratch: usize, apre: usize = 0,
  apreRows: i32 = 0, apreRow0: i32 = 0, chunked: bool = false): void {
  if (m <= 0 || n <= 0) return;
  if (m <= 16 && k > 0 && transB && !transA && apre == 0) {
    gemmDots(m, n, k, a, lda, b, ldb, c, ldc, accumulate, bias);
    return;
  }
  if (m <= 2 && k > 0 && apre == 0) {
    gemmSmallM(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate, bias);
    return;
  }
  const kcMax = kcFor(k);
  const tile = scratch;
  const apack = scratch + 256;
  const bpack = apack + <usize>(MC * kcMax) * 4;
  if (k <= 0) {
    if (!accumulate) {
      for (let i = 0; i < m; i++) {
        const v: f32 = bias != 0 ? load<f32>(bias + (<usize>i << 2)) : 0;
        for (let j = 0; j < n; j++) store<f32>(c + (<usize>i * ldc + j) * 4, v);
      }
    }
    return;
  }
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += kcMax) {
      const kc = min(kcMax, k - p0);
      packB(b, ldb, transB, p0, kc, j0, nc, bpack);
      const mode = p0 > 0 || accumulate ? 1 : 0;
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = min(MC, m - i0);
        let ap = apack;
        if (apre != 0) ap = apre + (<usize>p0 * (apreRows > 0 ? apreRows : paddedRows(m)) + <usize>(apreRow0 + i0) * kc) * 4;
        else packA(a, lda, transA, i0, mc, p0, kc, m, apack);
        const cc = c + (<usize>i0 * ldc + j0) * 4;
        macroKernel(ap, bpack, mc, nc, kc, cc, ldc, mode, mode == 0 && bias != 0 ? bias + (<usize>i0 << 2) : 0, tile, chunked);
      }
    }
  }
}
