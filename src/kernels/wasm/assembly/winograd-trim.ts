// F(2×2, 3×3) (winograd.ts) on one image with an odd output side, its phases skipping the
// products that reach only outputs past the edge.

// One image's tiles ordered so that each plane's GEMM skips the tiles whose products only reach
// outputs past an odd edge: a last tile row (column) of an odd-sized output keeps one of its two
// output rows (columns), which Aᵀ = [1 1 1 0; …] takes from M rows (columns) 0–2 only, so planes
// ξ = 4i + j with i = 3 (j = 3) need no product for it. Order: G1 the full tiles (row-major), G2
// the last column's, G3 the last row's, G4 the corner; planes j = 3 hold G3 before G2 (their
// columns shifted, shiftOf). Then plane ξ's needed tiles are a prefix of its columns (planeTiles):
// 7² maps (16 tiles) do 228 of the 256 columns' products. Stored outputs keep their bits: no
// skipped product reaches them.
// trim = (n1, n2, n3, all) tiles per group and in all; NO_TRIM leaves every shift 0.
export const NO_TRIM: v128 = i32x4(i32.MAX_VALUE, 0, 0, 0);

// Bytes by which tile b's column in planes j = 3 lies past its column in the others.
@inline export function shiftOf(trim: v128, b: i32): usize {
  const n1 = i32x4.extract_lane(trim, 0), n2 = i32x4.extract_lane(trim, 1), n3 = i32x4.extract_lane(trim, 2);
  return b < n1 ? 0 : b < n1 + n2 ? <usize>n3 << 2 : b < n1 + n2 + n3 ? <usize>(-n2 << 2) : 0;
}

// The tiles plane ξ's GEMM needs: a prefix of its columns.
@inline export function planeTiles(trim: v128, xi: i32): i32 {
  const n1 = i32x4.extract_lane(trim, 0), n2 = i32x4.extract_lane(trim, 1), n3 = i32x4.extract_lane(trim, 2);
  const i = xi >> 2, j = xi & 3;
  return i < 3 && j < 3 ? i32x4.extract_lane(trim, 3) : i < 3 ? n1 + n3 : j < 3 ? n1 + n2 : n1;
}

// coords (as tileCoords's) of one image's th × tw tiles in trimmed order; returns trim.
export function trimmedCoords(coords: usize, oh: i32, ow: i32): v128 {
  const th = (oh + 1) >> 1, tw = (ow + 1) >> 1, ey = oh & 1, ex = ow & 1;
  const fh = th - ey, fw = tw - ex;
  let b = 0;
  for (let g = 0; g < 4; g++) {
    const y0 = g < 2 ? 0 : fh, y1 = g < 2 ? fh : th, x0 = (g & 1) == 0 ? 0 : fw, x1 = (g & 1) == 0 ? fw : tw;
    for (let ty = y0; ty < y1; ty++) {
      for (let tx = x0; tx < x1; tx++, b++) {
        store<i32>(coords + (<usize>(3 * b) << 2), 0);
        store<i32>(coords + (<usize>(3 * b + 1) << 2), 2 * ty);
        store<i32>(coords + (<usize>(3 * b + 2) << 2), 2 * tx);
      }
    }
  }
  return i32x4(fh * fw, ex * fh, ey * fw, th * tw);
}
