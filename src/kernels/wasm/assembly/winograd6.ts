// The driver of the two Winograd forwards on 6×6 input tiles: F(4×4, 3×3) (winograd4.ts) and
// F(2×2, 5×5) (winograd5x5.ts). Both interpolate at 0, ±1, ±2, ∞,
// hence one input transform
//   Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
// and one scheme: per block of tiles V = Bᵀ d B, 36 GEMMs M[ξ] = U[ξ] · V[ξ] (U = G g Gᵀ, from
// the forward's own file), Y = Aᵀ M A + bias, with the output tile's side (4 or 2) choosing Aᵀ:
//   side 4: Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]
//   side 2: Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 1]
// Tiles start every `side` outputs. `side` is a constant at every call of the @inline functions
// here, so each forward's loops are compiled for it alone. Four tiles go through the transforms
// at once, one per lane; every lane computes the same operations in the same order whichever
// group or thread it lands in, so results never depend on the split.
import { gemmCore, gemmScratchBytes, madd, paddedRows, tr0, tr1, tr2, tr3 } from './gemm';
import { gemmColumns, gemmUV, UV_MAX_K } from './winograd-gemm';
import { CONV_C, CONV_CIN, CONV_COUT, CONV_IH, CONV_IW, CONV_OH, CONV_OUT, CONV_OW, CONV_PH, CONV_PW, CONV_X } from '../abi';
import { arg, ptr } from './params';
import {
  forwardPhaseBytes, forwardPhaseTask, forwardScratchBytes, forwardTask, groupWorkBytes, padBytesOf, padColsOf, padRowsOf, tilesOf,
} from './winograd-frame';
import { al64, padPlane, planeStride, sameRow, tileCoords, zeroPad } from './winograd';

// A group's 6×6 vectors (row r, column c at 16·(6r + c)): the transforms' working space.
export const GROUP_BYTES: i32 = 36 * 16;

// The padded input plane (the frame's padRowsOf, padColsOf): rows for every tile's 6, columns for
// a group's whole-vector loads from any tile column (side 4: 20 values from 4 tiles' start; side
// 2: 12).
@inline export function paddedPlane6Bytes(p: usize, side: i32): i32 { return padBytesOf(p, side, 6, side); }

// Per-thread scratch of winograd6Task with blocks of tb tiles: the frame's (winograd-frame.ts)
// with a padded input plane and a group's vectors as its work space.
@inline function workBytes(p: usize, side: i32): i32 { return groupWorkBytes(p, side, 6, side, GROUP_BYTES); }
@inline export function winograd6ScratchBytes(p: usize, side: i32, tb: i32): i32 {
  return forwardScratchBytes(p, 36, tb, workBytes(p, side), gemmScratchBytes(arg(p, CONV_CIN), tb));
}

// Six vectors Bᵀ·(x0 … x5) to dst + k·ds: 12 operations, 6 of them multiply-adds (fused where
// relaxed SIMD exists; 20 operations as separate products and sums). The transform of a 4-tile
// group runs it 12 times per channel.
@inline function bTransform(x0: v128, x1: v128, x2: v128, x3: v128, x4: v128, x5: v128, dst: usize, ds: usize): void {
  const four = f32x4.splat(4), five = f32x4.splat(-5), minus4 = f32x4.splat(-4), two = f32x4.splat(2);
  const a = madd(minus4, x2, x4), b = madd(minus4, x1, x3), c = f32x4.sub(x4, x2), e = f32x4.sub(x3, x1);
  v128.store(dst, madd(five, x2, madd(four, x0, x4)));
  v128.store(dst + ds, f32x4.add(a, b));
  v128.store(dst + 2 * ds, f32x4.sub(a, b));
  v128.store(dst + 3 * ds, madd(two, e, c));
  v128.store(dst + 4 * ds, madd(f32x4.neg(two), e, c));
  v128.store(dst + 5 * ds, madd(five, x3, madd(four, x1, x5)));
}

// Six vectors Bᵀ·(x0 … x5) to dst + k·ds, from x_k at src + k·ss (in place when they coincide).
@inline export function bColumn(src: usize, ss: usize, dst: usize, ds: usize): void {
  bTransform(v128.load(src), v128.load(src + ss), v128.load(src + 2 * ss), v128.load(src + 3 * ss),
    v128.load(src + 4 * ss), v128.load(src + 5 * ss), dst, ds);
}

// The first n (1 … 4) values of v to dst.
@inline export function storeFirst(dst: usize, v: v128, n: i32): void {
  if (n == 4) v128.store(dst, v);
  else if (n == 1) v128.store32_lane(dst, v, 0);
  else {
    v128.store64_lane(dst, v, 0);
    if (n == 3) v128.store32_lane(dst, v, 2, 8);
  }
}

// A row of 4 side-4 tiles' outputs plus bias4 from their columns y0 … y3 (lane k: tile k),
// transposed: 16 consecutive outputs at dst, or the first `cols` of them (fewer tiles, or the
// map's edge: lane by lane, the rows of 7 tiles at 28² and the clipped last tiles of 13² and 14²
// maps took 5–7% of those layers).
@inline export function row4(dst: usize, y0: v128, y1: v128, y2: v128, y3: v128, bias4: v128, cols: i32 = 16): void {
  if (cols == 16) {
    v128.store(dst, f32x4.add(tr0(y0, y1, y2, y3), bias4));
    v128.store(dst, f32x4.add(tr1(y0, y1, y2, y3), bias4), 16);
    v128.store(dst, f32x4.add(tr2(y0, y1, y2, y3), bias4), 32);
    v128.store(dst, f32x4.add(tr3(y0, y1, y2, y3), bias4), 48);
    return;
  }
  storeFirst(dst, f32x4.add(tr0(y0, y1, y2, y3), bias4), min(4, cols));
  if (cols > 4) storeFirst(dst + 16, f32x4.add(tr1(y0, y1, y2, y3), bias4), min(4, cols - 4));
  if (cols > 8) storeFirst(dst + 32, f32x4.add(tr2(y0, y1, y2, y3), bias4), min(4, cols - 8));
  if (cols > 12) storeFirst(dst + 48, f32x4.add(tr3(y0, y1, y2, y3), bias4), cols - 12);
}

// Four vectors y = Aᵀ·(m0 … m5) (side 4), from m_k at src + k·ss: to dst + k·ds (in place when
// they coincide), or with `row` as a row of 4 tiles' outputs, transposed, plus bias4 (y_k holds
// column k of the 4 tiles: 16 consecutive outputs at dst, or the first `cols` of them). One
// definition of the sums for both, so a tile's outputs do not depend on which path (whole group
// or lane by lane) wrote them.
@inline export function aColumn4(src: usize, ss: usize, dst: usize, ds: usize, row: bool = false, bias4: v128 = f32x4.splat(0),
  cols: i32 = 16): void {
  const m0 = v128.load(src), m1 = v128.load(src + ss), m2 = v128.load(src + 2 * ss);
  const m3 = v128.load(src + 3 * ss), m4 = v128.load(src + 4 * ss), m5 = v128.load(src + 5 * ss);
  const a = f32x4.add(m1, m2), b = f32x4.sub(m1, m2), c = f32x4.add(m3, m4), d = f32x4.sub(m3, m4);
  const y0 = f32x4.add(f32x4.add(m0, a), c), y1 = madd(f32x4.splat(2), d, b);
  const y2 = madd(f32x4.splat(4), c, a), y3 = f32x4.add(madd(f32x4.splat(8), d, b), m5);
  if (row) row4(dst, y0, y1, y2, y3, bias4, cols);
  else {
    v128.store(dst, y0);
    v128.store(dst + ds, y1);
    v128.store(dst + 2 * ds, y2);
    v128.store(dst + 3 * ds, y3);
  }
}

// Two vectors Aᵀ·(m0 … m5) (side 2) to dst and dst + ds, from m_k at src + k·ss (in place when
// they coincide).
@inline function aColumn2(src: usize, ss: usize, dst: usize, ds: usize): void {
  const m0 = v128.load(src), m1 = v128.load(src + ss), m2 = v128.load(src + 2 * ss);
  const m3 = v128.load(src + 3 * ss), m4 = v128.load(src + 4 * ss), m5 = v128.load(src + 5 * ss);
  v128.store(dst, f32x4.add(f32x4.add(m0, f32x4.add(m1, m2)), f32x4.add(m3, m4)));
  v128.store(dst + ds, f32x4.add(f32x4.add(f32x4.sub(m1, m2), f32x4.mul(f32x4.splat(2), f32x4.sub(m3, m4))), m5));
}

// Aᵀ·(m0 … m5) for the output tile's side, to dst + k·ds.
@inline function aColumn(side: i32, src: usize, ss: usize, dst: usize, ds: usize): void {
  if (side == 4) aColumn4(src, ss, dst, ds);
  else aColumn2(src, ss, dst, ds);
}

@inline export function coord(coords: usize, b: i32, k: i32): i32 { return load<i32>(coords + (<usize>(3 * b + k) << 2)); }

// Tiles in the group starting at tile b: 4 when b..b+3 are consecutive tiles of one tile row
// (whole-vector loads and stores: `fast`), else, lane by lane, those left in b's row (at most 3:
// groups realign to row starts) or, where rows are under 4 tiles (tw), the next 4 of any rows.
@inline function fast(coords: usize, b: i32, nb: i32, side: i32): bool { return b + 4 <= nb && sameRow(coords, b, side); }
@inline export function groupAt(coords: usize, b: i32, nb: i32, tw: i32, side: i32): i32 {
  if (fast(coords, b, nb, side)) return 4;
  if (tw < 4) return min(4, nb - b);
  let k = 1;
  while (k < 3 && b + k < nb && sameRow(coords, b, side, k)) k++;
  return k;
}

// The padded plane's address of tile b's first input, each tile reading from (step·oy, step·ox).
@inline export function tileAt(coords: usize, b: i32, step: i32, pad: usize, cols: i32): usize {
  return pad + (<usize>(step * (coord(coords, b, 1) * cols + coord(coords, b, 2))) << 2);
}

// For the group of `lanes` tiles at b of a block (nb tiles) and input channel ci of x: the rows
// that the block reads of each lane's image padded into pad (padRows, tiles tr rows high; not
// again when it is `loaded`, the image padded last) and, unless the group is `whole` (one image:
// its rows then read in place from tileAt), lane k's tile of tr rows × tc values gathered into d
// (value (r, c) at d + r·dRow + 16c + 4k). Returns the image padded last. Every Winograd forward
// but F(2×2)'s gathers its groups here.
@inline export function gatherGroup(p: usize, x: usize, cin: i32, ci: i32, coords: usize, nb: i32, b: i32, lanes: i32, whole: bool,
  step: i32, pad: usize, rows: i32, cols: i32, loaded: i32, d: usize, tr: i32, tc: i32, dRow: i32): i32 {
  const rs = <usize>cols << 2;
  for (let k = 0; k < lanes; k++) {
    const n = coord(coords, b + k, 0);
    if (n != loaded) {
      padRows(p, x, cin, n, ci, coords, nb, step, tr, pad, rows, cols);
      loaded = n;
    }
    if (whole) break;
    const at = tileAt(coords, b + k, step, pad, cols);
    for (let r = 0; r < tr; r++) {
      for (let c = 0; c < tc; c++) store<f32>(d + <usize>(dRow * r + 16 * c + 4 * k), load<f32>(at + <usize>r * rs + (<usize>c << 2)));
    }
  }
  return loaded;
}

// The padded plane's rows [blockRow0, blockRow1) that a block's tiles read, each tile `reach`
// rows from step·oy (step: the stride), where the block lies in one image, else all its `rows`.
// A block holds a few tile rows of a large image: copying whole planes per block took 4% of
// ResNet-18's 64 → 128 at 56²; its 7×7 stem (12 phase planes, 12 blocks at 1 thread, 16 at 2)
// copied 7.6 MB per call at 1 thread and 10.2 MB at 2, now 1.0 and 1.1 (1 thread, 6 alternating
// rounds on a busy host: 2.92–3.06 ms against 3.03–3.38). Tiles come in order, so the first and
// last tile bound them.
@inline function oneImage(coords: usize, nb: i32): bool { return coord(coords, 0, 0) == coord(coords, nb - 1, 0); }
@inline function blockRow0(coords: usize, nb: i32, step: i32): i32 {
  return oneImage(coords, nb) ? step * coord(coords, 0, 1) : 0;
}
@inline function blockRow1(coords: usize, nb: i32, step: i32, reach: i32, rows: i32): i32 {
  return oneImage(coords, nb) ? min(rows, step * coord(coords, nb - 1, 1) + reach) : rows;
}

// Zeros the padded plane's rows that a block reads (before its gatherGroup calls: the scratch
// holds other data between).
@inline export function zeroBlockRows(coords: usize, nb: i32, step: i32, reach: i32, pad: usize, rows: i32, cols: i32): void {
  const r0 = blockRow0(coords, nb, step);
  zeroPad(pad + (<usize>(r0 * cols) << 2), blockRow1(coords, nb, step, reach, rows) - r0, cols);
}

// Reads the rows of planes c0 … c1 − 1 (h × w, `channels` an image at t) that a block's tiles
// read (blockRow0, blockRow1 of a padded plane of `rows` rows, ph of them above the image, each
// tile `reach` rows from step·oy) once, a 4-byte load per 64 bytes (their xor to `sink`, so that they stay),
// before the transforms read them between other work: a stream of independent loads fetches them
// into cache faster. 1 thread, W8's 16 → 16 at 32², batch 128, 11 pairs alternating with the
// build before (bench/ab-convs.ts): the input's forward, input and weight gradient 0.940–0.953 of
// its time; 32 → 32 and 64 → 64, W1's and W4's shapes 0.98–1.01.
@inline export function touchBlock(t: usize, channels: i32, c0: i32, c1: i32, coords: usize, nb: i32, h: i32, w: i32, ph: i32,
  step: i32, reach: i32, rows: i32, sink: usize): void {
  const r0 = max(0, blockRow0(coords, nb, step) - ph), r1 = min(h, blockRow1(coords, nb, step, reach, rows) - ph);
  const plane = <usize>(h * w) << 2, first = <usize>(r0 * w) << 2, len = <usize>(max(0, r1 - r0) * w) << 2;
  let xor = 0;
  for (let n = coord(coords, 0, 0); n <= coord(coords, nb - 1, 0); n++) {
    for (let c = c0; c < c1; c++) {
      const s0 = t + <usize>(n * channels + c) * plane + first;
      for (let s = s0; s < s0 + len; s += 64) xor ^= load<i32>(s);
    }
  }
  store<i32>(sink, xor);
}

// Channel ci of image n of x (cin channels) into the padded plane (rows × cols, zeroed there):
// the input rows within the block's rows (blockRow0, blockRow1).
@inline function padRows(p: usize, x: usize, cin: i32, n: i32, ci: i32, coords: usize, nb: i32, step: i32, reach: i32,
  pad: usize, rows: i32, cols: i32): void {
  const h = arg(p, CONV_IH), w = arg(p, CONV_IW), ph = arg(p, CONV_PH);
  const iy0 = max(0, blockRow0(coords, nb, step) - ph), iy1 = min(h, blockRow1(coords, nb, step, reach, rows) - ph);
  if (iy1 <= iy0) return;
  const src = x + <usize>(n * cin + ci) * <usize>(h * w) * 4 + (<usize>(iy0 * w) << 2);
  padPlane(src, iy1 - iy0, w, ph + iy0, arg(p, CONV_PW), pad, rows, cols);
}

// V[ξ][ci][b] = Bᵀ d B for tiles b < nb of a block (coords from tileCoords with `side`) and input
// channels ci0 … ci1 − 1 of cin, as inputTransform (winograd.ts) does for F(2×2): tile b of channel ci at
// v + (ci·ld + b)·4, planes planeStride(cin, ld) apart; pad holds paddedPlane6Bytes, d a group.
// A group's V is stored as whole vectors: lanes past the group's tiles write columns that later
// groups (or the next channel's row, or planeStride's spare line) overwrite, and nothing reads
// past nb: up to 3 columns past it, within the channel's row where nb + 3 ≤ ld.
@inline function inputTransform6(p: usize, x: usize, cin: i32, ci0: i32, ci1: i32, coords: usize, nb: i32, v: usize, ld: i32,
  pad: usize, d: usize, side: i32): void {
  const tw = tilesOf(arg(p, CONV_OW), side);
  const rows = padRowsOf(p, side, 6), cols = padColsOf(p, side), rs = <usize>cols << 2;
  const vStride = planeStride(cin, ld);
  zeroBlockRows(coords, nb, 1, 6, pad, rows, cols);
  touchBlock(x, cin, ci0, ci1, coords, nb, arg(p, CONV_IH), arg(p, CONV_IW), arg(p, CONV_PH), 1, 6, rows, d);
  for (let ci = ci0; ci < ci1; ci++) {
    let b = 0, loaded = -1;
    while (b < nb) {
      // Side 4: a group of fewer tiles in one row too (lane by lane, 36 scalar copies a
      // tile: 3 tiles of each row of 7 at 28², 2 of 14 at 56²; 128→128 at 28², 1 thread, 0.82–0.89
      // of main's time with the column tails). Its lanes past the tiles load values past them, at
      // most 11 floats past the plane's last row (into d), and write V's spare columns.
      const lanes = groupAt(coords, b, nb, tw, side);
      const row = fast(coords, b, nb, side) || (side == 4 && sameRow(coords, b, side, lanes - 1));
      // Side 4: four tiles of one image in other places (8² maps: 2 tiles a row, a group 2 × 2)
      // read their rows in place too, a lane's 8 values at a time (padColsOf leaves room).
      const spread = !row && side == 4 && lanes == 4 && sameImage(coords, b);
      const whole = row || spread;
      loaded = gatherGroup(p, x, cin, ci, coords, nb, b, lanes, whole, 1, pad, rows, cols, loaded, d, 6, 6, 96);
      if (spread) {
        const s0 = tileAt(coords, b, 1, pad, cols), s1 = tileAt(coords, b + 1, 1, pad, cols);
        const s2 = tileAt(coords, b + 2, 1, pad, cols), s3 = tileAt(coords, b + 3, 1, pad, cols);
        for (let r = 0; r < 6; r++) {
          const o = <usize>r * rs;
          const l0 = v128.load(s0 + o), l1 = v128.load(s1 + o), l2 = v128.load(s2 + o), l3 = v128.load(s3 + o);
          const h0 = v128.load(s0 + o, 16), h1 = v128.load(s1 + o, 16), h2 = v128.load(s2 + o, 16), h3 = v128.load(s3 + o, 16);
          bTransform(tr0(l0, l1, l2, l3), tr1(l0, l1, l2, l3), tr2(l0, l1, l2, l3), tr3(l0, l1, l2, l3),
            tr0(h0, h1, h2, h3), tr1(h0, h1, h2, h3), d + <usize>(96 * r), 16);
        }
      } else if (row) {
        const at = tileAt(coords, b, 1, pad, cols);
        for (let r = 0; r < 6; r++) {
          const s = at + <usize>r * rs;
          if (side == 4) {
            // Row r of 4 tiles: 20 values; column c of tile k is value 4k + c, a transpose.
            const a0 = v128.load(s), a1 = v128.load(s, 16), a2 = v128.load(s, 32), a3 = v128.load(s, 48), a4 = v128.load(s, 64);
            bTransform(tr0(a0, a1, a2, a3), tr1(a0, a1, a2, a3), tr2(a0, a1, a2, a3), tr3(a0, a1, a2, a3),
              tr0(a1, a2, a3, a4), tr1(a1, a2, a3, a4), d + <usize>(96 * r), 16);
          } else {
            // Row r of 4 tiles: 12 values; column c of tile k is value 2k + c: even or odd lanes
            // of two vectors starting at value 0, 2 or 4.
            const a0 = v128.load(s), a1 = v128.load(s, 16), a2 = v128.load(s, 32);
            const b0 = v128.load(s, 8), b1 = v128.load(s, 24);
            bTransform(i32x4.shuffle(a0, a1, 0, 2, 4, 6), i32x4.shuffle(a0, a1, 1, 3, 5, 7),
              i32x4.shuffle(b0, b1, 0, 2, 4, 6), i32x4.shuffle(b0, b1, 1, 3, 5, 7),
              i32x4.shuffle(a1, a2, 0, 2, 4, 6), i32x4.shuffle(a1, a2, 1, 3, 5, 7), d + <usize>(96 * r), 16);
          }
        }
      }
      // d B along the rows (done above for a whole group), then Bᵀ (d B) down the columns, into V[6i + j].
      if (!whole) for (let r = 0; r < 6; r++) bColumn(d + <usize>(96 * r), 16, d + <usize>(96 * r), 16);
      const dst = v + (<usize>(ci * ld + b) << 2);
      for (let j = 0; j < 6; j++) bColumn(d + <usize>(16 * j), 96, dst + <usize>j * vStride, 6 * vStride);
      b += lanes;
    }
  }
}

// inputTransform6 for 4×4 output tiles as a function of its own, for the F(4×4) weight gradient
// (winograd-weight-grad.ts): inlined into its lane task, that pass ran 8–10% slower (best of 5
// rounds alternating builds, busy machine).
export function inputTransform4(p: usize, x: usize, cin: i32, coords: usize, nb: i32, v: usize, ld: i32, pad: usize, d: usize): void {
  inputTransform6(p, x, cin, 0, cin, coords, nb, v, ld, pad, d, 4);
}

// Y of a group's tiles (lanes of them, side × side, or side rows × cols) plus the bias, element by
// element within the output: Y[i][j] of lane k at d + i·dRow + 16·j + 4·k.
@inline export function storeTiles(p: usize, coords: usize, b: i32, lanes: i32, co: i32, d: usize, dRow: i32, bv: f32, side: i32,
  cols: i32 = side): void {
  const out = ptr(p, CONV_OUT), cout = arg(p, CONV_COUT), oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const outPlane = <usize>(oh * ow) * 4, rs = <usize>ow * 4;
  for (let k = 0; k < lanes; k++) {
    const oy = coord(coords, b + k, 1), ox = coord(coords, b + k, 2), o = tileOut(coords, b + k, out, cout, co, outPlane, ow);
    for (let i = 0; i < min(side, oh - oy); i++) {
      for (let j = 0; j < min(cols, ow - ox); j++) {
        store<f32>(o + <usize>i * rs + (<usize>j << 2), load<f32>(d + <usize>(dRow * i + 16 * j + 4 * k)) + bv);
      }
    }
  }
}

// Whether the 4 tiles of the group at b lie in one image, and whole within the output (side 4).
@inline function sameImage(coords: usize, b: i32): bool { return coord(coords, b, 0) == coord(coords, b + 3, 0); }
@inline function inside4(p: usize, coords: usize, b: i32): bool {
  const oh = arg(p, CONV_OH) - 4, ow = arg(p, CONV_OW) - 4;
  return coord(coords, b, 1) <= oh && coord(coords, b, 2) <= ow && coord(coords, b + 1, 1) <= oh && coord(coords, b + 1, 2) <= ow &&
    coord(coords, b + 2, 1) <= oh && coord(coords, b + 2, 2) <= ow && coord(coords, b + 3, 1) <= oh && coord(coords, b + 3, 2) <= ow;
}

// storeTiles for a group of 4 whole 4×4 tiles anywhere (inside4): row i of the 4 tiles' Y (lane k:
// tile k) transposed, 4 consecutive outputs a tile, plus bias4.
@inline function storeSpread4(p: usize, coords: usize, b: i32, co: i32, d: usize, bias4: v128): void {
  const out = ptr(p, CONV_OUT), cout = arg(p, CONV_COUT), ow = arg(p, CONV_OW);
  const outPlane = <usize>(arg(p, CONV_OH) * ow) * 4, rs = <usize>ow * 4;
  const o0 = tileOut(coords, b, out, cout, co, outPlane, ow), o1 = tileOut(coords, b + 1, out, cout, co, outPlane, ow);
  const o2 = tileOut(coords, b + 2, out, cout, co, outPlane, ow), o3 = tileOut(coords, b + 3, out, cout, co, outPlane, ow);
  for (let i = 0; i < 4; i++) {
    const y = d + <usize>(96 * i), o = <usize>i * rs;
    const y0 = v128.load(y), y1 = v128.load(y, 16), y2 = v128.load(y, 32), y3 = v128.load(y, 48);
    v128.store(o0 + o, f32x4.add(tr0(y0, y1, y2, y3), bias4));
    v128.store(o1 + o, f32x4.add(tr1(y0, y1, y2, y3), bias4));
    v128.store(o2 + o, f32x4.add(tr2(y0, y1, y2, y3), bias4));
    v128.store(o3 + o, f32x4.add(tr3(y0, y1, y2, y3), bias4));
  }
}

// Output channel co's address of tile b's first output.
@inline export function tileOut(coords: usize, b: i32, out: usize, cout: i32, co: i32, outPlane: usize, ow: i32): usize {
  return out + <usize>(coord(coords, b, 0) * cout + co) * outPlane + (<usize>(coord(coords, b, 1) * ow + coord(coords, b, 2)) << 2);
}

// storeTiles for 2×2 tiles; four of them whole in one output row (`whole`): row i of the tiles
// interleaves Y[i][0] and Y[i][1], 8 consecutive outputs.
@inline export function storeTiles2(p: usize, coords: usize, b: i32, lanes: i32, whole: bool, co: i32, d: usize, dRow: i32, bv: f32): void {
  if (!whole) {
    storeTiles(p, coords, b, lanes, co, d, dRow, bv, 2);
    return;
  }
  const out = ptr(p, CONV_OUT), cout = arg(p, CONV_COUT), ow = arg(p, CONV_OW), bias4 = f32x4.splat(bv);
  const o = tileOut(coords, b, out, cout, co, <usize>(arg(p, CONV_OH) * ow) * 4, ow);
  for (let i = 0; i < 2; i++) {
    const y0 = v128.load(d + <usize>(dRow * i)), y1 = v128.load(d + <usize>(dRow * i), 16), oi = o + <usize>(i * ow) * 4;
    v128.store(oi, f32x4.add(i32x4.shuffle(y0, y1, 0, 4, 1, 5), bias4));
    v128.store(oi, f32x4.add(i32x4.shuffle(y0, y1, 2, 6, 3, 7), bias4), 16);
  }
}

// Y = Aᵀ M A + bias for the tiles of a block (M's leading dimension ld) and output channels c0 … c1 − 1.
@inline function outputTransform6(p: usize, m: usize, coords: usize, nb: i32, c0: i32, c1: i32, d: usize, side: i32, ld: i32): void {
  const bias = ptr(p, CONV_C), out = ptr(p, CONV_OUT), cout = arg(p, CONV_COUT);
  const oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const mStride = planeStride(cout, ld), outPlane = <usize>(oh * ow) * 4, rs = <usize>ow * 4, tw = tilesOf(ow, side);
  for (let co = c0; co < c1; co++) {
    const bv: f32 = bias != 0 ? load<f32>(bias + (<usize>co << 2)) : 0;
    const bias4 = f32x4.splat(bv);
    let b = 0;
    while (b < nb) {
      const lanes = groupAt(coords, b, nb, tw, side);
      const src = m + (<usize>(co * ld + b) << 2);
      // Aᵀ M down the 6 columns (rows 0 … side − 1 of d), then each row times A.
      for (let j = 0; j < 6; j++) aColumn(side, src + <usize>j * mStride, 6 * mStride, d + <usize>(16 * j), 96);
      const oy0 = coord(coords, b, 1), ox0 = coord(coords, b, 2);
      const whole = lanes == 4 && oy0 + side <= oh && ox0 + 4 * side <= ow && sameRow(coords, b, side);
      if (side == 4 && sameRow(coords, b, side, lanes - 1)) {
        // Row i of the tiles, in one row: 16 consecutive outputs straight from the sums, or as
        // many as the group's tiles and the map's edge leave (row4).
        const o = tileOut(coords, b, out, cout, co, outPlane, ow), cols = min(side * lanes, ow - ox0);
        for (let i = 0; i < min(side, oh - oy0); i++) aColumn4(d + <usize>(96 * i), 16, o + <usize>i * rs, 0, true, bias4, cols);
      } else {
        for (let i = 0; i < side; i++) aColumn(side, d + <usize>(96 * i), 16, d + <usize>(96 * i), 16);
        if (side == 2) storeTiles2(p, coords, b, lanes, whole, co, d, 96, bv);
        else if (lanes == 4 && inside4(p, coords, b)) storeSpread4(p, coords, b, co, d, bias4);
        else storeTiles(p, coords, b, lanes, co, d, 96, bv, side);
      }
      b += lanes;
    }
  }
}

// The frame's steps for tiles of `side`, a constant at each call (input4 … output2 below).
@inline function input6(p: usize, ci0: i32, ci1: i32, coords: usize, nb: i32, v: usize, ld: i32, work: usize, side: i32): void {
  inputTransform6(p, ptr(p, CONV_X), arg(p, CONV_CIN), ci0, ci1, coords, nb, v, ld, work, al64(work + <usize>paddedPlane6Bytes(p, side)), side);
}
@inline function output6(p: usize, m: usize, coords: usize, nb: i32, c0: i32, c1: i32, ld: i32, work: usize, side: i32): void {
  outputTransform6(p, m, coords, nb, c0, c1, al64(work + <usize>paddedPlane6Bytes(p, side)), side, ld);
}
function input4(p: usize, ci0: i32, ci1: i32, coords: usize, nb: i32, v: usize, ld: i32, work: usize): void { input6(p, ci0, ci1, coords, nb, v, ld, work, 4); }
function input2(p: usize, ci0: i32, ci1: i32, coords: usize, nb: i32, v: usize, ld: i32, work: usize): void { input6(p, ci0, ci1, coords, nb, v, ld, work, 2); }
function output4(p: usize, m: usize, coords: usize, nb: i32, c0: i32, c1: i32, ld: i32, work: usize): void { output6(p, m, coords, nb, c0, c1, ld, work, 4); }
function output2(p: usize, m: usize, coords: usize, nb: i32, c0: i32, c1: i32, ld: i32, work: usize): void { output6(p, m, coords, nb, c0, c1, ld, work, 2); }

// M[ξ] rows [r0, r0 + rows) (leading dimension ld, as V's) = U[ξ] (packed, padded rows) · V[ξ]
// for n tiles: V read in place for few input channels (winograd-gemm.ts), else packed by
// gemmCore (chunked sums, scratch gs) in whole 8-column panels, the last n mod 8 columns by
// gemmColumns (in place). All sum each value alike (one chunk up to UV_MAX_K), so the results do
// not depend on the choice.
export function products6(p: usize, rows: i32, n: i32, r0: i32, u: usize, v: usize, ld: i32, m: usize, gs: usize): void {
  const cin = arg(p, CONV_CIN), n8 = n & ~7;
  if (cin <= UV_MAX_K) gemmUV(rows, n, cin, u, r0, v, ld, m, ld);
  else {
    gemmCore(rows, n8, cin, 0, cin, false, v, ld, false, m, ld, false, 0, gs, u, paddedRows(arg(p, CONV_COUT)), r0, true);
    gemmColumns(rows, n8, n, cin, u, r0, v, ld, m, ld);
  }
}

// The forward with output tiles of `side` (the frame's forwardTask), in blocks of at most tb tiles
// rounded up to multiples of `round` (`fixed`: the frame's fixed blocks).
@inline export function winograd6Task(p: usize, part: i32, parts: i32, slot: i32, side: i32, tb: i32, round: i32, fixed: bool = false): void {
  if (side == 4) forwardTask(p, part, parts, slot, 36, 4, tb, round, workBytes(p, 4), input4, products6, output4, fixed);
  else forwardTask(p, part, parts, slot, 36, 2, tb, round, workBytes(p, 2), input2, products6, output2);
}

// The forward in phases (the frame's forwardPhaseTask) where all tiles fit one block of tb with
// the 3 columns inputTransform6 may write past them: the shared blocks' bytes, else 0, and the task.
@inline export function winograd6PhaseBytes(p: usize, side: i32, tb: i32): i32 { return forwardPhaseBytes(p, 36, side, tb, 3); }
@inline export function winograd6PhaseTask(p: usize, part: i32, parts: i32, slot: i32, side: i32, tb: i32): void {
  if (side == 4) forwardPhaseTask(p, part, parts, slot, 36, 4, tb, 3, workBytes(p, 4), input4, products6, output4);
  else forwardPhaseTask(p, part, parts, slot, 36, 2, tb, 3, workBytes(p, 2), input2, products6, output2);
}
