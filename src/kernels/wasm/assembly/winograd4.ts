// 3×3, stride-1, undilated, ungrouped convolution forward by Winograd F(4×4, 3×3): a 6×6 input
// tile gives a 4×4 output tile with 36 products per channel pair (2.25 per output, against
// F(2×2)'s 4 in winograd.ts and im2col's 9). The same scheme as winograd.ts, with 36 planes:
// V = Bᵀ d B, 36 GEMMs M[ξ] = U[ξ] · V[ξ] (U = G g Gᵀ), Y = Aᵀ M A + bias; points 0, ±1, ±2, ∞:
//   Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
//   G = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1⁄24 1⁄12 ⅙; 1⁄24 −1⁄12 ⅙; 0 0 1]
//   Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]
// The larger constants cost accuracy: a few times F(2×2)'s rounding error (conv-paths.ts).
// Four tiles go through the transforms at once, one per lane; every lane computes the same
// operations in the same order whichever group or thread it lands in, so results never depend
// on the split.
import { gemmCore, gemmScratchBytes, madd, paddedRows, tr0, tr1, tr2, tr3 } from './gemm';
import { CONV_BATCH, CONV_C, CONV_CIN, CONV_COUT, CONV_IH, CONV_IW, CONV_OH, CONV_OUT, CONV_OW, CONV_PH, CONV_PW, CONV_SCRATCH, CONV_SCRATCH_STRIDE, CONV_WINOGRAD_BY_CHANNELS, CONV_WINOGRAD_U, CONV_X } from '../abi';
import { arg, ptr, splitOutputs } from './params';
import { al64, padPlane, planeStride, sameRow, tileCoords, uPlaneBytes, zeroPad } from './winograd';

// Tiles per block at most (16 outputs each; blocks are evened out below). 64 measured alike.
const TB: i32 = 128;
// A group's 6×6 vectors (row r, column c at 16·(6r + c)): the transforms' working space.
export const GROUP_BYTES: i32 = 36 * 16;

// Per-thread scratch of convWinograd4Task: V, M, tile coordinates, a padded input plane, the
// group's vectors and GEMM packing space.
export function winograd4ScratchBytes(p: usize, nt: i32): i32 {
  const cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT);
  return <i32>(36 * (planeStride(cin, TB) + planeStride(cout, TB))) + 3 * TB * 4 + paddedPlane4Bytes(p) + GROUP_BYTES +
    gemmScratchBytes(cin, TB) + 576;
}

// The padded input plane: rows for all tile rows, columns for 4 tiles' 20-value loads from any
// tile column (4·tiles per row + 4).
@inline function paddedRowsOf(p: usize): i32 { return 4 * ((arg(p, CONV_OH) + 3) >> 2) + 2; }
@inline function paddedColsOf(p: usize): i32 { return 4 * ((arg(p, CONV_OW) + 3) >> 2) + 4; }
export function paddedPlane4Bytes(p: usize): i32 { return paddedRowsOf(p) * paddedColsOf(p) * 4; }

// The transformed weights U[ξ] (cout × cin each, 36 of them) in the GEMM's packed-A layout.
export function winograd4WeightBytes(p: usize): i32 {
  return <i32>(36 * uPlaneBytes(arg(p, CONV_COUT), arg(p, CONV_CIN)));
}

// Six vectors G·(g0, g1, g2) to dst + k·ds, from g_k at src + k·ss.
@inline function gColumn(src: usize, ss: usize, dst: usize, ds: usize): void {
  const g0 = v128.load(src), g1 = v128.load(src + ss), g2 = v128.load(src + 2 * ss);
  const s = f32x4.mul(f32x4.add(g0, g2), f32x4.splat(<f32>-1 / 6)), t = f32x4.mul(g1, f32x4.splat(<f32>1 / 6));
  const h = f32x4.add(f32x4.mul(g0, f32x4.splat(<f32>1 / 24)), f32x4.mul(g2, f32x4.splat(<f32>1 / 6)));
  const q = f32x4.mul(g1, f32x4.splat(<f32>1 / 12));
  v128.store(dst, f32x4.mul(g0, f32x4.splat(0.25)));
  v128.store(dst + ds, f32x4.sub(s, t));
  v128.store(dst + 2 * ds, f32x4.add(s, t));
  v128.store(dst + 3 * ds, f32x4.add(h, q));
  v128.store(dst + 4 * ds, f32x4.sub(h, q));
  v128.store(dst + 5 * ds, g2);
}

// U[ξ] (36 planes, `plane` bytes apart) = G g Gᵀ for the 4 filters of a panel, one per lane: their
// 9 taps at `taps`, G g through `t` (6 rows of 3 vectors). 36 sequential store streams.
@inline export function weights4(taps: usize, dst: usize, plane: usize, t: usize): void {
  for (let c = 0; c < 3; c++) gColumn(taps + <usize>c * 16, 48, t + <usize>c * 16, 48);
  for (let i = 0; i < 6; i++) gColumn(t + <usize>i * 48, 16, dst + <usize>(6 * i) * plane, plane);
}

// Six vectors Bᵀ·(x0 … x5) to dst + k·ds: 12 operations, 6 of them multiply-adds (fused where
// relaxed SIMD exists; 20 operations as separate products and sums). The transform of a 4-tile
// group runs it 12 times per channel.
@inline export function bTransform(x0: v128, x1: v128, x2: v128, x3: v128, x4: v128, x5: v128, dst: usize, ds: usize): void {
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

// Four vectors y = Aᵀ·(m0 … m5), from m_k at src + k·ss: to dst + k·ds (in place when they
// coincide), or with `row` as a row of 4 tiles' outputs, transposed, plus bias4 (y_k holds column
// k of the 4 tiles: 16 consecutive outputs at dst). One definition of the sums for both, so a
// tile's outputs do not depend on which path (whole group or lane by lane) wrote them.
@inline function aColumn(src: usize, ss: usize, dst: usize, ds: usize, row: bool = false, bias4: v128 = f32x4.splat(0)): void {
  const m0 = v128.load(src), m1 = v128.load(src + ss), m2 = v128.load(src + 2 * ss);
  const m3 = v128.load(src + 3 * ss), m4 = v128.load(src + 4 * ss), m5 = v128.load(src + 5 * ss);
  const a = f32x4.add(m1, m2), b = f32x4.sub(m1, m2), c = f32x4.add(m3, m4), d = f32x4.sub(m3, m4);
  const y0 = f32x4.add(f32x4.add(m0, a), c), y1 = madd(f32x4.splat(2), d, b);
  const y2 = madd(f32x4.splat(4), c, a), y3 = f32x4.add(madd(f32x4.splat(8), d, b), m5);
  if (row) {
    v128.store(dst, f32x4.add(tr0(y0, y1, y2, y3), bias4));
    v128.store(dst, f32x4.add(tr1(y0, y1, y2, y3), bias4), 16);
    v128.store(dst, f32x4.add(tr2(y0, y1, y2, y3), bias4), 32);
    v128.store(dst, f32x4.add(tr3(y0, y1, y2, y3), bias4), 48);
  } else {
    v128.store(dst, y0);
    v128.store(dst + ds, y1);
    v128.store(dst + 2 * ds, y2);
    v128.store(dst + 3 * ds, y3);
  }
}

@inline export function coord(coords: usize, b: i32, k: i32): i32 { return load<i32>(coords + (<usize>(3 * b + k) << 2)); }

// Tiles in the group starting at tile b: 4 when b..b+3 are consecutive tiles of one tile row
// (whole-vector loads and stores: `fast`), else, lane by lane, those left in b's row (at most 3:
// groups realign to row starts) or, where rows are under 4 tiles (tw), the next 4 of any rows.
@inline function fast(coords: usize, b: i32, nb: i32): bool { return b + 4 <= nb && sameRow(coords, b, 4); }
export function groupAt(coords: usize, b: i32, nb: i32, tw: i32): i32 {
  if (fast(coords, b, nb)) return 4;
  if (tw < 4) return min(4, nb - b);
  let k = 1;
  while (k < 3 && b + k < nb && sameRow(coords, b, 4, k)) k++;
  return k;
}

// V[ξ][ci][b] = Bᵀ d B for tiles b < nb of a block (coords from tileCoords with side 4) and every
// input channel, as inputTransform (winograd.ts) does for F(2×2): tile b of channel ci at
// v + (ci·ld + b)·4, planes planeStride(cin, ld) apart; pad holds paddedPlane4Bytes, d a group.
// A group's V is stored as whole vectors: lanes past the group's tiles write columns that later
// groups (or the next channel's row, or planeStride's spare line) overwrite, and nothing reads
// past nb.
export function inputTransform4(p: usize, x: usize, cin: i32, coords: usize, nb: i32, v: usize, ld: i32, pad: usize, d: usize): void {
  const tw = (arg(p, CONV_OW) + 3) >> 2;
  const h = arg(p, CONV_IH), w = arg(p, CONV_IW), ph = arg(p, CONV_PH), pw = arg(p, CONV_PW);
  const rows = paddedRowsOf(p), cols = paddedColsOf(p), rs = <usize>cols << 2;
  const vStride = planeStride(cin, ld), inPlane = <usize>(h * w) * 4;
  zeroPad(pad, rows, cols);
  for (let ci = 0; ci < cin; ci++) {
    let b = 0, loaded = -1;
    while (b < nb) {
      const lanes = groupAt(coords, b, nb, tw), whole = fast(coords, b, nb);
      for (let k = 0; k < lanes; k++) {
        const n = coord(coords, b + k, 0);
        if (n != loaded) {
          padPlane(x + <usize>(n * cin + ci) * inPlane, h, w, ph, pw, pad, rows, cols);
          loaded = n;
        }
        const at = pad + (<usize>(coord(coords, b + k, 1) * cols + coord(coords, b + k, 2)) << 2);
        if (whole) {
          // Row r of 4 tiles: 20 values; column c of tile k is value 4k + c, a transpose. Then
          // d B along the row, before storing it.
          for (let r = 0; r < 6; r++) {
            const s = at + <usize>r * rs;
            const a0 = v128.load(s), a1 = v128.load(s, 16), a2 = v128.load(s, 32), a3 = v128.load(s, 48), a4 = v128.load(s, 64);
            bTransform(tr0(a0, a1, a2, a3), tr1(a0, a1, a2, a3), tr2(a0, a1, a2, a3), tr3(a0, a1, a2, a3),
              tr0(a1, a2, a3, a4), tr1(a1, a2, a3, a4), d + <usize>(96 * r), 16);
          }
          break;
        }
        for (let r = 0; r < 6; r++) {
          for (let c = 0; c < 6; c++) {
            store<f32>(d + <usize>(96 * r + 16 * c + 4 * k), load<f32>(at + <usize>r * rs + (<usize>c << 2)));
          }
        }
      }
      if (!whole) for (let r = 0; r < 6; r++) bColumn(d + <usize>(96 * r), 16, d + <usize>(96 * r), 16);
      // Bᵀ (d B) down the columns, into V[6i + j].
      const dst = v + (<usize>(ci * ld + b) << 2);
      for (let j = 0; j < 6; j++) bColumn(d + <usize>(16 * j), 96, dst + <usize>j * vStride, 6 * vStride);
      b += lanes;
    }
  }
}

// Y = Aᵀ M A + bias for the tiles of a block and output channels c0 … c1 − 1, into out.
function outputTransform4(p: usize, m: usize, coords: usize, nb: i32, c0: i32, c1: i32, d: usize): void {
  const bias = ptr(p, CONV_C), out = ptr(p, CONV_OUT), cout = arg(p, CONV_COUT);
  const oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const mStride = planeStride(cout, TB), outPlane = <usize>(oh * ow) * 4, rs = <usize>ow * 4, tw = (ow + 3) >> 2;
  for (let co = c0; co < c1; co++) {
    const bv: f32 = bias != 0 ? load<f32>(bias + (<usize>co << 2)) : 0;
    const bias4 = f32x4.splat(bv);
    let b = 0;
    while (b < nb) {
      const lanes = groupAt(coords, b, nb, tw);
      const src = m + (<usize>(co * TB + b) << 2);
      // Aᵀ M down the 6 columns (rows 0..3 of d), then each row times A.
      for (let j = 0; j < 6; j++) aColumn(src + <usize>j * mStride, 6 * mStride, d + <usize>(16 * j), 96);
      const n0 = coord(coords, b, 0), oy0 = coord(coords, b, 1), ox0 = coord(coords, b, 2);
      if (lanes == 4 && oy0 + 4 <= oh && ox0 + 16 <= ow && sameRow(coords, b, 4)) {
        // Row i of the 4 tiles: 16 consecutive outputs, straight from the sums.
        const o = out + <usize>(n0 * cout + co) * outPlane + (<usize>(oy0 * ow + ox0) << 2);
        for (let i = 0; i < 4; i++) aColumn(d + <usize>(96 * i), 16, o + <usize>i * rs, 0, true, bias4);
      } else {
        for (let i = 0; i < 4; i++) aColumn(d + <usize>(96 * i), 16, d + <usize>(96 * i), 16);
        for (let k = 0; k < lanes; k++) {
          const n = coord(coords, b + k, 0), oy = coord(coords, b + k, 1), ox = coord(coords, b + k, 2);
          const o = out + <usize>(n * cout + co) * outPlane + (<usize>(oy * ow + ox) << 2);
          for (let i = 0; i < min(4, oh - oy); i++) {
            for (let j = 0; j < min(4, ow - ox); j++) {
              store<f32>(o + <usize>i * rs + (<usize>j << 2), load<f32>(d + <usize>(96 * i + 16 * j + 4 * k)) + bv);
            }
          }
        }
      }
      b += lanes;
    }
  }
}

// As convWinogradTask (winograd.ts): a part is a range of tiles, or with CONV_WINOGRAD_BY_CHANNELS
// a range of output channels (4-row panels of U, all tiles).
export function convWinograd4Task(p: usize, part: i32, parts: i32, slot: i32): void {
  const x = ptr(p, CONV_X), batch = arg(p, CONV_BATCH), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT);
  const tw = (arg(p, CONV_OW) + 3) >> 2, tiles = ((arg(p, CONV_OH) + 3) >> 2) * tw, total = batch * tiles;
  const split = splitOutputs(arg(p, CONV_WINOGRAD_BY_CHANNELS) != 0, cout, total, 1, parts, part);
  const c0 = i32x4.extract_lane(split, 0), c1 = i32x4.extract_lane(split, 1);
  const g0 = i32x4.extract_lane(split, 2), g1 = i32x4.extract_lane(split, 3);
  if (c1 <= c0 || g1 <= g0) return;
  const scratch = ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE);
  const u = ptr(p, CONV_WINOGRAD_U), uPlane = uPlaneBytes(cout, cin);
  const vStride = planeStride(cin, TB), mStride = planeStride(cout, TB);
  const v = al64(scratch);
  const m = al64(v + 36 * vStride);
  const coords = al64(m + 36 * mStride);
  const pad = al64(coords + <usize>(3 * TB) * 4);
  const d = al64(pad + <usize>paddedPlane4Bytes(p));
  const gs = al64(d + GROUP_BYTES);
  // Blocks of equal size (at most TB): a last block of a few tiles would read all of U for them.
  const per = (g1 - g0 + (g1 - g0 + TB - 1) / TB - 1) / ((g1 - g0 + TB - 1) / TB);
  for (let blk = g0; blk < g1; blk += per) {
    const nb = min(per, g1 - blk);
    tileCoords(coords, blk, nb, tiles, tw, 4);
    inputTransform4(p, x, cin, coords, nb, v, TB, pad, d);
    for (let xi = 0; xi < 36; xi++) {
      gemmCore(c1 - c0, nb, cin, 0, cin, false, v + <usize>xi * vStride, TB, false,
        m + <usize>xi * mStride + (<usize>(c0 * TB) << 2), TB, false, 0, gs, u + <usize>xi * uPlane, paddedRows(cout), c0);
    }
    outputTransform4(p, m, coords, nb, c0, c1, d);
  }
}
