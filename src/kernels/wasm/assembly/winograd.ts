// 3×3, stride-1, undilated, ungrouped convolution forward by Winograd F(2×2, 3×3): a 4×4 input
// tile gives a 2×2 output tile with 16 products per channel pair instead of 36. Per block of
// tiles: V = Bᵀ d B (input), 16 GEMMs M[ξ] = U[ξ] · V[ξ] over the channels (U = G g Gᵀ, the
// weights), Y = Aᵀ M A + bias (output).
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]   Aᵀ = [1 1 1 0; 0 1 −1 −1]
// Threads split the tiles of all images; outputs of different tiles never overlap.
import { gemmScratchBytes, packedABytes, tr0, tr1, tr2, tr3 } from './gemm';
import { CONV_C, CONV_CIN, CONV_COUT, CONV_FLIP, CONV_IH, CONV_IW, CONV_OH, CONV_OUT, CONV_OW, CONV_PH, CONV_PW, CONV_WINOGRAD_U, CONV_X } from '../abi';
import { arg, ptr } from './params';
import { forwardPhaseBytes, forwardPhaseTask, forwardScratchBytes, forwardTask, packedProducts } from './winograd-frame';

// The parameter block: the CONV_* slots of ../abi.ts (kernel, stride and dilation are implied),
// with CONV_FLIP and CONV_WINOGRAD_U.

// Tiles per block: bounds V and M (16·C·TB floats each) whatever the image size.
export const TB: i32 = 256;

@inline export function al64(n: usize): usize { return (n + 63) & ~63; }

// Bytes between the planes ξ and ξ + 1 of V or M (rows × ld floats each). The transforms touch all
// 16 planes per tile: at a multiple of 4 KiB apart (TB = 256 makes every plane one) all 16 streams
// fall into one L1 set of 8 ways and evict each other; a cache line more spreads them over 16 sets
// (16→16 at 32², batch 128, 1 thread: the transforms took 14 ms of the conv's 24).
@inline export function planeStride(rows: i32, ld: i32): usize { return <usize>(rows * ld) * 4 + 64; }

// Per-thread scratch of convWinogradTask: V, M, tile coordinates, a padded input plane and GEMM
// packing space.
export function winogradScratchBytes(p: usize, nt: i32): i32 {
  return forwardScratchBytes(p, 16, TB, paddedPlaneBytes(p), gemmScratchBytes(arg(p, CONV_CIN), TB));
}

// The input plane zero-padded so that every tile, and every 4 tiles of a row, lie inside it:
// rows for all tile rows, columns for whole groups of 4 tiles (12 values from each group's start).
@inline function paddedRowsOf(p: usize): i32 { return ((arg(p, CONV_OH) + 1) & ~1) + 2; }
@inline function paddedColsOf(p: usize): i32 { return 8 * ((((arg(p, CONV_OW) + 1) >> 1) + 3) >> 2) + 4; }
export function paddedPlaneBytes(p: usize): i32 { return paddedRowsOf(p) * paddedColsOf(p) * 4; }

// The transformed weights U[ξ] (cout × cin each), already in the GEMM's packed-A layout, shared
// by all threads: one transform per call instead of one per thread, and no packing per GEMM.
export function winogradWeightBytes(p: usize): i32 {
  return <i32>(16 * uPlaneBytes(arg(p, CONV_COUT), arg(p, CONV_CIN)));
}

// Bytes between U[ξ] and U[ξ + 1]: a cache line more than the plane, as planeStride does for V
// and M (the weight transform writes all planes at once; 4 KiB multiples apart, all in one L1
// set: F(4×4)'s 36 streams made the transform cost 4–10 ms of 256→256's 30 at 14², batch 16).
@inline export function uPlaneBytes(cout: i32, cin: i32): usize { return <usize>packedABytes(cout, cin) + 64; }

// U[ξ] (16 planes, `plane` bytes apart) = G g Gᵀ for the 4 filters of a panel, one per lane: their
// 9 taps at `taps` (filterTaps's layout). One 16-byte store per plane: 16 sequential streams.
@inline export function weights2(taps: usize, dst: usize, plane: usize): void {
  const g0 = v128.load(taps), g1 = v128.load(taps, 16), g2 = v128.load(taps, 32), g3 = v128.load(taps, 48);
  const g4 = v128.load(taps, 64), g5 = v128.load(taps, 80), g6 = v128.load(taps, 96), g7 = v128.load(taps, 112);
  const g8 = v128.load(taps, 128);
  const half = f32x4.splat(0.5);
  for (let i = 0; i < 4; i++) {
    // Row i of t = G g, then U[i] = [a, ½(a+b+c), ½(a−b+c), c].
    let a: v128, b: v128, c: v128;
    if (i == 0) { a = g0; b = g1; c = g2; } else if (i == 3) { a = g6; b = g7; c = g8; } else {
      const sg = f32x4.splat(i == 1 ? 1 : -1);
      a = f32x4.mul(half, f32x4.add(f32x4.add(g0, f32x4.mul(sg, g3)), g6));
      b = f32x4.mul(half, f32x4.add(f32x4.add(g1, f32x4.mul(sg, g4)), g7));
      c = f32x4.mul(half, f32x4.add(f32x4.add(g2, f32x4.mul(sg, g5)), g8));
    }
    gRow2(a, b, c, dst + <usize>(i * 4) * plane, plane);
  }
}

// Row (a, b, c) of a filter (or of G g) times Gᵀ: [a, ½(a+b+c), ½(a−b+c), c] to row + k·plane.
@inline export function gRow2(a: v128, b: v128, c: v128, row: usize, plane: usize): void {
  const half = f32x4.splat(0.5);
  v128.store(row, a);
  v128.store(row + plane, f32x4.mul(half, f32x4.add(f32x4.add(a, b), c)));
  v128.store(row + 2 * plane, f32x4.mul(half, f32x4.add(f32x4.sub(a, b), c)));
  v128.store(row + 3 * plane, c);
}

// The 9 taps (row-major; reversed when flipped) of the 4 filters of a panel as 9 vectors at dst
// (tap k at dst + 16k), one filter per lane: filter l at f + l·laneStep, lanes from `live` on 0.
export function filterTaps(f: usize, laneStep: usize, live: i32, flip: bool, dst: usize): void {
  let g0: v128, g1: v128, g2: v128, g3: v128, g4: v128, g5: v128, g6: v128, g7: v128, g8: v128;
  if (live == 4) {
    const v0 = v128.load(f), v1 = v128.load(f + laneStep), v2 = v128.load(f + 2 * laneStep), v3 = v128.load(f + 3 * laneStep);
    const x0 = v128.load(f, 16), x1 = v128.load(f + laneStep, 16), x2 = v128.load(f + 2 * laneStep, 16), x3 = v128.load(f + 3 * laneStep, 16);
    g0 = tr0(v0, v1, v2, v3); g1 = tr1(v0, v1, v2, v3); g2 = tr2(v0, v1, v2, v3); g3 = tr3(v0, v1, v2, v3);
    g4 = tr0(x0, x1, x2, x3); g5 = tr1(x0, x1, x2, x3); g6 = tr2(x0, x1, x2, x3); g7 = tr3(x0, x1, x2, x3);
    g8 = f32x4(load<f32>(f, 32), load<f32>(f + laneStep, 32), load<f32>(f + 2 * laneStep, 32), load<f32>(f + 3 * laneStep, 32));
  } else {
    g0 = edgeTap(f, laneStep, live, 0); g1 = edgeTap(f, laneStep, live, 1); g2 = edgeTap(f, laneStep, live, 2);
    g3 = edgeTap(f, laneStep, live, 3); g4 = edgeTap(f, laneStep, live, 4); g5 = edgeTap(f, laneStep, live, 5);
    g6 = edgeTap(f, laneStep, live, 6); g7 = edgeTap(f, laneStep, live, 7); g8 = edgeTap(f, laneStep, live, 8);
  }
  if (flip) {
    let t = g0; g0 = g8; g8 = t; t = g1; g1 = g7; g7 = t; t = g2; g2 = g6; g6 = t; t = g3; g3 = g5; g5 = t;
  }
  v128.store(dst, g0); v128.store(dst, g1, 16); v128.store(dst, g2, 32); v128.store(dst, g3, 48); v128.store(dst, g4, 64);
  v128.store(dst, g5, 80); v128.store(dst, g6, 96); v128.store(dst, g7, 112); v128.store(dst, g8, 128);
}

// Tap k of the filters of a last, partial panel (lanes from `live` on are padding rows: 0).
@inline function edgeTap(f: usize, laneStep: usize, live: i32, k: i32): v128 {
  const o = <usize>k << 2;
  return f32x4(load<f32>(f + o), live > 1 ? load<f32>(f + laneStep + o) : 0,
    live > 2 ? load<f32>(f + 2 * laneStep + o) : 0, 0);
}

// Plane `src` (h × w) into pad (rows × cols), shifted by the padding (ph, pw). Writes the same
// cells for every plane of a conv, so the zeros around them, written once per block (zeroPad),
// stay. Vector copies, not a memory.fill of the plane and a memory.copy call per row: 0.3–0.5 ms
// less of the F(4×4) forward's ~9 at 16→16, 32², batch 128 (a plane per channel and image).
export function padPlane(src: usize, h: i32, w: i32, ph: i32, pw: i32, pad: usize, rows: i32, cols: i32): void {
  const n = min(w, cols - pw);
  for (let iy = 0; iy < h && iy + ph < rows; iy++) {
    const s = src + (<usize>(iy * w) << 2), d = pad + (<usize>((iy + ph) * cols + pw) << 2);
    let j = 0;
    for (; j + 4 <= n; j += 4) v128.store(d + (<usize>j << 2), v128.load(s + (<usize>j << 2)));
    for (; j < n; j++) store<f32>(d + (<usize>j << 2), load<f32>(s + (<usize>j << 2)));
  }
}

// Zeros the padded plane (before a block's padPlane calls: the scratch holds other data between).
@inline export function zeroPad(pad: usize, rows: i32, cols: i32): void {
  memory.fill(pad, 0, <usize>(rows * cols) << 2);
}

// Row i of V = s B for s = row i of Bᵀ d: [s0 − s2, s1 + s2, s2 − s1, s1 − s3].
@inline function rowB(s: v128): v128 {
  const x = i32x4.shuffle(s, s, 0, 1, 2, 1);
  const y = i32x4.shuffle(s, s, 2, 2, 1, 3);
  return f32x4.add(x, f32x4.mul(y, f32x4(-1, 1, -1, -1)));
}

@inline function storeRow(v: usize, i: i32, xiStride: usize, r: v128): void {
  const base = v + <usize>(i * 4) * xiStride;
  store<f32>(base, f32x4.extract_lane(r, 0));
  store<f32>(base + xiStride, f32x4.extract_lane(r, 1));
  store<f32>(base + 2 * xiStride, f32x4.extract_lane(r, 2));
  store<f32>(base + 3 * xiStride, f32x4.extract_lane(r, 3));
}

// Four horizontally adjacent tiles at once, one tile per lane. A row of 12 input values holds
// the windows of tiles k = 0..3 at columns 2k..2k+3; column c of all four is a stride-2 pick.
@inline function dcol0(a: v128, b: v128): v128 { return i32x4.shuffle(a, b, 0, 2, 4, 6); }
@inline function dcol1(a: v128, b: v128): v128 { return i32x4.shuffle(a, b, 1, 3, 5, 7); }
@inline function dcol2(a: v128, b: v128, c: v128): v128 { return i32x4.shuffle(i32x4.shuffle(a, b, 2, 4, 6, 0), c, 0, 1, 2, 4); }
@inline function dcol3(a: v128, b: v128, c: v128): v128 { return i32x4.shuffle(i32x4.shuffle(a, b, 3, 5, 7, 0), c, 0, 1, 2, 5); }

// V row i (= s_i B) for 4 tiles from s_i0..s_i3, stored at ξ = 4i + j (vs bytes apart).
@inline export function storeVRow(dst: usize, vs: usize, c0: v128, c1: v128, c2: v128, c3: v128): void {
  v128.store(dst, f32x4.sub(c0, c2));
  v128.store(dst + vs, f32x4.add(c1, c2));
  v128.store(dst + 2 * vs, f32x4.sub(c2, c1));
  v128.store(dst + 3 * vs, f32x4.sub(c1, c3));
}

// Input transform of 4 interior tiles whose windows start at base (row stride rs bytes).
function inputGroup(base: usize, rs: usize, dst: usize, vs: usize): void {
  const a0 = v128.load(base), b0 = v128.load(base, 16), e0 = v128.load(base, 32);
  const a1 = v128.load(base + rs), b1 = v128.load(base + rs, 16), e1 = v128.load(base + rs, 32);
  const a2 = v128.load(base + 2 * rs), b2 = v128.load(base + 2 * rs, 16), e2 = v128.load(base + 2 * rs, 32);
  const a3 = v128.load(base + 3 * rs), b3 = v128.load(base + 3 * rs, 16), e3 = v128.load(base + 3 * rs, 32);
  // s = Bᵀ d down each column c: s0 = d0 − d2, s1 = d1 + d2, s2 = d2 − d1, s3 = d1 − d3.
  let d0 = dcol0(a0, b0), d1 = dcol0(a1, b1), d2 = dcol0(a2, b2), d3 = dcol0(a3, b3);
  const s00 = f32x4.sub(d0, d2), s10 = f32x4.add(d1, d2), s20 = f32x4.sub(d2, d1), s30 = f32x4.sub(d1, d3);
  d0 = dcol1(a0, b0); d1 = dcol1(a1, b1); d2 = dcol1(a2, b2); d3 = dcol1(a3, b3);
  const s01 = f32x4.sub(d0, d2), s11 = f32x4.add(d1, d2), s21 = f32x4.sub(d2, d1), s31 = f32x4.sub(d1, d3);
  d0 = dcol2(a0, b0, e0); d1 = dcol2(a1, b1, e1); d2 = dcol2(a2, b2, e2); d3 = dcol2(a3, b3, e3);
  const s02 = f32x4.sub(d0, d2), s12 = f32x4.add(d1, d2), s22 = f32x4.sub(d2, d1), s32 = f32x4.sub(d1, d3);
  d0 = dcol3(a0, b0, e0); d1 = dcol3(a1, b1, e1); d2 = dcol3(a2, b2, e2); d3 = dcol3(a3, b3, e3);
  const s03 = f32x4.sub(d0, d2), s13 = f32x4.add(d1, d2), s23 = f32x4.sub(d2, d1), s33 = f32x4.sub(d1, d3);
  storeVRow(dst, vs, s00, s01, s02, s03);
  storeVRow(dst + 4 * vs, vs, s10, s11, s12, s13);
  storeVRow(dst + 8 * vs, vs, s20, s21, s22, s23);
  storeVRow(dst + 12 * vs, vs, s30, s31, s32, s33);
}

// Output transform of 4 adjacent tiles: Y = Aᵀ M A from M[ξ] at src + ξ·ms, written as two rows
// of 8 outputs at o (row stride rs bytes).
function outputGroup(src: usize, ms: usize, o: usize, rs: usize, bias: f32): void {
  const bv = f32x4.splat(bias);
  // q0_j = m0j + m1j + m2j, q1_j = m1j − m2j − m3j (rows i of M are ξ = 4i..4i+3).
  const m00 = v128.load(src), m01 = v128.load(src + ms), m02 = v128.load(src + 2 * ms), m03 = v128.load(src + 3 * ms);
  const m10 = v128.load(src + 4 * ms), m11 = v128.load(src + 5 * ms), m12 = v128.load(src + 6 * ms), m13 = v128.load(src + 7 * ms);
  const m20 = v128.load(src + 8 * ms), m21 = v128.load(src + 9 * ms), m22 = v128.load(src + 10 * ms), m23 = v128.load(src + 11 * ms);
  const m30 = v128.load(src + 12 * ms), m31 = v128.load(src + 13 * ms), m32 = v128.load(src + 14 * ms), m33 = v128.load(src + 15 * ms);
  const p0 = f32x4.add(f32x4.add(m00, m10), m20), p1 = f32x4.add(f32x4.add(m01, m11), m21);
  const p2 = f32x4.add(f32x4.add(m02, m12), m22), p3 = f32x4.add(f32x4.add(m03, m13), m23);
  const r0 = f32x4.sub(f32x4.sub(m10, m20), m30), r1 = f32x4.sub(f32x4.sub(m11, m21), m31);
  const r2 = f32x4.sub(f32x4.sub(m12, m22), m32), r3 = f32x4.sub(f32x4.sub(m13, m23), m33);
  const y00 = f32x4.add(f32x4.add(f32x4.add(p0, p1), p2), bv), y01 = f32x4.add(f32x4.sub(f32x4.sub(p1, p2), p3), bv);
  const y10 = f32x4.add(f32x4.add(f32x4.add(r0, r1), r2), bv), y11 = f32x4.add(f32x4.sub(f32x4.sub(r1, r2), r3), bv);
  v128.store(o, i32x4.shuffle(y00, y01, 0, 4, 1, 5));
  v128.store(o, i32x4.shuffle(y00, y01, 2, 6, 3, 7), 16);
  v128.store(o + rs, i32x4.shuffle(y10, y11, 0, 4, 1, 5));
  v128.store(o + rs, i32x4.shuffle(y10, y11, 2, 6, 3, 7), 16);
}

// V[ξ][ci][b] = Bᵀ d B for tiles b < nb of a block (coords: image, first input row and column
// before padding, per tile) and input channels ci0 … ci1 − 1 of x (cin planes of h × w per image).
// Tile b of channel ci lies at v + (ci·ld + b)·4; consecutive ξ (= 4i + j) are planeStride(cin, ld) apart.
// Each plane is first zero-padded into `pad` (paddedPlaneBytes of the task's parameters): every
// tile then reads whole vectors, and 4 tiles of a row go at once even at the image's edges (at
// 16² and 8², where most tiles touch an edge, the transforms took 60% of the Winograd conv).
export function inputTransform(p: usize, x: usize, cin: i32, ci0: i32, ci1: i32, coords: usize, nb: i32, v: usize, ld: i32,
  pad: usize): void {
  const h = arg(p, CONV_IH), w = arg(p, CONV_IW), ph = arg(p, CONV_PH), pw = arg(p, CONV_PW);
  const rows = paddedRowsOf(p), cols = paddedColsOf(p), rs = <usize>cols << 2;
  const vStride = planeStride(cin, ld), inPlane = <usize>(h * w) * 4;
  zeroPad(pad, rows, cols);
  for (let ci = ci0; ci < ci1; ci++) {
    let b = 0, loaded = -1;
    while (b < nb) {
      const n = load<i32>(coords + (<usize>(3 * b) << 2));
      if (n != loaded) {
        padPlane(x + <usize>(n * cin + ci) * inPlane, h, w, ph, pw, pad, rows, cols);
        loaded = n;
      }
      const iy = load<i32>(coords + (<usize>(3 * b + 1) << 2)), ix = load<i32>(coords + (<usize>(3 * b + 2) << 2));
      const at = pad + (<usize>(iy * cols + ix) << 2);
      if (b + 4 <= nb && sameRow(coords, b)) {
        inputGroup(at, rs, v + (<usize>(ci * ld + b) << 2), vStride);
        b += 4;
        continue;
      }
      const d0 = v128.load(at), d1 = v128.load(at + rs), d2 = v128.load(at + 2 * rs), d3 = v128.load(at + 3 * rs);
      const dst = v + (<usize>(ci * ld + b) << 2);
      storeRow(dst, 0, vStride, rowB(f32x4.sub(d0, d2)));
      storeRow(dst, 1, vStride, rowB(f32x4.add(d1, d2)));
      storeRow(dst, 2, vStride, rowB(f32x4.sub(d2, d1)));
      storeRow(dst, 3, vStride, rowB(f32x4.sub(d1, d3)));
      b++;
    }
  }
}

// Whether tiles b..b+k of the block are consecutive tiles of one tile row (tiles `side` wide).
@inline export function sameRow(coords: usize, b: i32, side: i32 = 2, k: i32 = 3): bool {
  const q = coords + (<usize>(3 * b) << 2), r = coords + (<usize>(3 * (b + k)) << 2);
  return load<i32>(q) == load<i32>(r) && load<i32>(q, 4) == load<i32>(r, 4) && load<i32>(q, 8) + k * side == load<i32>(r, 8);
}

// coords[b] = (image, rowSide·tile row, side·tile column) of tiles first … first + nb − 1 (tiles
// per image, tw per row).
export function tileCoords(coords: usize, first: i32, nb: i32, tiles: i32, tw: i32, side: i32 = 2, rowSide: i32 = side): void {
  for (let b = 0; b < nb; b++) {
    const g = first + b;
    const n = g / tiles, t = g - n * tiles;
    const ty = t / tw;
    store<i32>(coords + (<usize>(3 * b) << 2), n);
    store<i32>(coords + (<usize>(3 * b + 1) << 2), rowSide * ty);
    store<i32>(coords + (<usize>(3 * b + 2) << 2), side * (t - ty * tw));
  }
}

// Y = Aᵀ M A + bias for the tiles of a block (M's leading dimension ld, planes planeStride(cout,
// ld) apart) and output channels c0 … c1 − 1.
@inline function outputTransform(p: usize, m: usize, coords: usize, nb: i32, c0: i32, c1: i32, ld: i32): void {
  const bias = ptr(p, CONV_C), out = ptr(p, CONV_OUT), cout = arg(p, CONV_COUT), oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const mStride = planeStride(cout, ld), outPlane = <usize>(oh * ow) * 4;
  for (let co = c0; co < c1; co++) {
    const bv: f32 = bias != 0 ? load<f32>(bias + (<usize>co << 2)) : 0;
    let b = 0;
    while (b < nb) {
      const src = m + (<usize>(co * ld + b) << 2);
      const n0 = load<i32>(coords + (<usize>(3 * b) << 2));
      const oy0 = load<i32>(coords + (<usize>(3 * b + 1) << 2));
      const ox0 = load<i32>(coords + (<usize>(3 * b + 2) << 2));
      if (b + 4 <= nb && oy0 + 2 <= oh && ox0 + 8 <= ow && sameRow(coords, b)) {
        outputGroup(src, mStride, out + <usize>(n0 * cout + co) * outPlane + (<usize>(oy0 * ow + ox0) << 2), <usize>ow * 4, bv);
        b += 4;
        continue;
      }
      // Rows of M as vectors over j, then q = Aᵀ M (2×4), then Y = q A (2×2).
      const r0 = f32x4(load<f32>(src), load<f32>(src + mStride), load<f32>(src + 2 * mStride), load<f32>(src + 3 * mStride));
      const r1 = f32x4(load<f32>(src + 4 * mStride), load<f32>(src + 5 * mStride), load<f32>(src + 6 * mStride), load<f32>(src + 7 * mStride));
      const r2 = f32x4(load<f32>(src + 8 * mStride), load<f32>(src + 9 * mStride), load<f32>(src + 10 * mStride), load<f32>(src + 11 * mStride));
      const r3 = f32x4(load<f32>(src + 12 * mStride), load<f32>(src + 13 * mStride), load<f32>(src + 14 * mStride), load<f32>(src + 15 * mStride));
      const q0 = f32x4.add(f32x4.add(r0, r1), r2);
      const q1 = f32x4.sub(f32x4.sub(r1, r2), r3);
      const y00 = f32x4.extract_lane(q0, 0) + f32x4.extract_lane(q0, 1) + f32x4.extract_lane(q0, 2) + bv;
      const y01 = f32x4.extract_lane(q0, 1) - f32x4.extract_lane(q0, 2) - f32x4.extract_lane(q0, 3) + bv;
      const y10 = f32x4.extract_lane(q1, 0) + f32x4.extract_lane(q1, 1) + f32x4.extract_lane(q1, 2) + bv;
      const y11 = f32x4.extract_lane(q1, 1) - f32x4.extract_lane(q1, 2) - f32x4.extract_lane(q1, 3) + bv;
      const n = load<i32>(coords + (<usize>(3 * b) << 2));
      const oy = load<i32>(coords + (<usize>(3 * b + 1) << 2));
      const ox = load<i32>(coords + (<usize>(3 * b + 2) << 2));
      const o = out + <usize>(n * cout + co) * outPlane + (<usize>(oy * ow + ox) << 2);
      store<f32>(o, y00);
      if (ox + 1 < ow) store<f32>(o, y01, 4);
      if (oy + 1 < oh) {
        store<f32>(o + <usize>ow * 4, y10);
        if (ox + 1 < ow) store<f32>(o + <usize>ow * 4, y11, 4);
      }
      b++;
    }
  }
}

// The frame's steps (winograd-frame.ts) for F(2×2, 3×3): the padded input plane is the work space.
function inputStep(p: usize, ci0: i32, ci1: i32, coords: usize, nb: i32, v: usize, ld: i32, work: usize): void {
  inputTransform(p, ptr(p, CONV_X), arg(p, CONV_CIN), ci0, ci1, coords, nb, v, ld, work);
}
function outputStep(p: usize, m: usize, coords: usize, nb: i32, c0: i32, c1: i32, ld: i32, work: usize): void {
  outputTransform(p, m, coords, nb, c0, c1, ld);
}

// Y for this part's tiles or output channels, in blocks of TB tiles.
export function convWinogradTask(p: usize, part: i32, parts: i32, slot: i32): void {
  forwardTask(p, part, parts, slot, 16, 2, TB, TB, paddedPlaneBytes(p), inputStep, packedProducts, outputStep);
}

// The forward in phases where all tiles fit one block (the input transform's stores stay within
// a block's tiles: no spill): the shared blocks' bytes, else 0, and the task.
export function winogradPhaseBytes(p: usize): i32 { return forwardPhaseBytes(p, 16, 2, TB, 0); }
export function winogradPhaseTask(p: usize, part: i32, parts: i32, slot: i32): void {
  forwardPhaseTask(p, part, parts, slot, 16, 2, TB, 0, paddedPlaneBytes(p), inputStep, packedProducts, outputStep);
}
