// Batch ≤ 3 dense layers (C = A·Wᵀ, W: [out, in] as PyTorch stores it) on a copy of W packed
// once so the product reads it as one sequential stream: rows in blocks of 4, each block's k in
// steps of 4 ([4 rows][4 k], 64 bytes a step: one x load, four weight loads, four FMAs into the
// four rows' accumulators), k cut into chunks of KC: [k/KC][out/4][KC/4][4 rows][4 k].
//
// Why the chunks: on one core (bench/matvec-variants.ts, AlexNet's three dense layers, 234 MB, best
// of 30–40) the unchunked packed stream took 9.6–11.0 ms, as gemmDots in place (9.5–11.7): x's
// loads over all of k (16–36 KB) evict and refetch while W streams through L1, where the same loop
// with x from a 1 KB window ran 8.4–8.5 ms, as a plain FMA stream. Chunks of 512 keep x's 2 KB in
// L1 (KC 256–512: 7.5–9.8 ms, 1024 7.8–11.0, 2048 9.2: the machine's load swung between runs);
// each block's 4 lane sums wait in scratch between chunks (16 bytes per row of C per column block).
//
// Every c(i, j) sums exactly as gemmDots does (gemm.ts): lane l over q ≡ l (mod 4) in order, the
// lanes added 0 + 1 + 2 + 3, then the k % 4 tail from W in place: the packed copy changes no bit
// of any result, whether it exists yet, and whatever thread computes an output.
import { dots1x4, hsum, madd, putC } from './gemm';

const KC: i32 = 512;

/** Bytes of W's packed copy: its whole 4-row blocks × its k rounded down to a multiple of 4. */
export function densePackedBytes(n: i32, k: i32): i32 {
  return (n & ~3) * (k & ~3) * 4;
}

// Packs W's (n × k, row-major) blocks of 4 rows [j0, j1) (multiples of 4, j1 ≤ n & ~3) into dst.
export function packDense(w: usize, n: i32, k: i32, j0: i32, j1: i32, dst: usize): void {
  const n4 = n & ~3, k4 = k & ~3, lb = <usize>k << 2;
  for (let q0 = 0; q0 < k4; q0 += KC) {
    const kc = min(KC, k4 - q0);
    for (let j = j0; j < j1; j += 4) {
      let out = dst + (<usize>n4 * q0 + <usize>j * kc) * 4;
      const r0 = w + <usize>j * lb + (<usize>q0 << 2), r1 = r0 + lb, r2 = r1 + lb, r3 = r2 + lb;
      for (let o: usize = 0, end = <usize>kc << 2; o < end; o += 16) {
        v128.store(out, v128.load(r0 + o)); v128.store(out, v128.load(r1 + o), 16);
        v128.store(out, v128.load(r2 + o), 32); v128.store(out, v128.load(r3 + o), 48);
        out += 64;
      }
    }
  }
}

/** Scratch bytes gemmDensePacked needs for m rows of C and `cols` columns. */
export function densePackedScratchBytes(m: i32, cols: i32): i32 {
  return m * ((cols + 3) & ~3) * 16;
}

// Columns [j0, j1) (j0 a multiple of 4) of C (m × n, row stride ldc) (+)= A (m × k, row stride
// lda) · Wᵀ, W's whole blocks from its packed copy, the rows past them from W (b) in place.
// acc: densePackedScratchBytes(m, j1 − j0) bytes. k ≥ 4.
export function gemmDensePacked(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, packed: usize, c: usize,
  ldc: i32, accumulate: bool, j0: i32, j1: i32, acc: usize): void {
  const n4 = n & ~3, k4 = k & ~3, jp = max(j0, min(j1, n4)), cols = jp - j0;
  const la = <usize>lda << 2, lb = <usize>k << 2, lc = <usize>ldc << 2;
  for (let q0 = 0; q0 < k4; q0 += KC) {
    const kc = min(KC, k4 - q0), xo = <usize>q0 << 2;
    for (let j = j0; j < jp; j += 4) {
      const wp = packed + (<usize>n4 * q0 + <usize>j * kc) * 4;
      for (let i = 0; i < m; i++) {
        const s = acc + (<usize>(i * cols + j - j0) << 4);
        let x0 = f32x4.splat(0), x1 = x0, x2 = x0, x3 = x0;
        if (q0 > 0) { x0 = v128.load(s); x1 = v128.load(s, 16); x2 = v128.load(s, 32); x3 = v128.load(s, 48); }
        let p = wp;
        for (let xp = a + <usize>i * la + xo, end = xp + (<usize>kc << 2); xp < end; xp += 16) {
          const t = v128.load(xp);
          x0 = madd(t, v128.load(p), x0); x1 = madd(t, v128.load(p, 16), x1);
          x2 = madd(t, v128.load(p, 32), x2); x3 = madd(t, v128.load(p, 48), x3);
          p += 64;
        }
        v128.store(s, x0); v128.store(s, x1, 16); v128.store(s, x2, 32); v128.store(s, x3, 48);
      }
    }
  }
  for (let i = 0; i < m; i++) {
    const ai = a + <usize>i * la, ci = c + <usize>i * lc;
    for (let j = j0; j < jp; j++) {
      let sum = hsum(v128.load(acc + (<usize>(i * cols + j - j0) << 4)));
      const w = b + <usize>j * lb;
      for (let q = k4; q < k; q++) sum += load<f32>(ai + (<usize>q << 2)) * load<f32>(w + (<usize>q << 2));
      putC(ci + (<usize>j << 2), sum, accumulate, 0);
    }
    for (let j = jp; j < j1; j += 4) {
      dots1x4(ai, b + <usize>j * lb, lb, min(4, j1 - j), k, ci + (<usize>j << 2), accumulate, 0);
    }
  }
}
