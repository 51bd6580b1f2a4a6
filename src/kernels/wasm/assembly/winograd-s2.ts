// 3×3, stride-2, undilated, ungrouped convolution forward by a Winograd-type algorithm on its
// polyphase parts: a 5×5 input tile (tiles 4 inputs apart) gives a 2×2 output tile with 25
// products per channel pair (6.25 per output against im2col's 9). Along one axis, outputs y0, y1
// read x0 … x4; the even inputs meet taps (w0, w2), a 2-tap correlation done as F(2, 2) in 3
// products, and the odd inputs x1, x3 meet w1 once each:
//   y0 = (x0 − x2)·w0 + x2·(w0 + w2) + x1·w1,   y1 = x2·(w0 + w2) + (x4 − x2)·w2 + x3·w1
// that is Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A with
//   Bᵀ = [1 0 −1 0 0; 0 0 1 0 0; 0 0 −1 0 1; 0 1 0 0 0; 0 0 0 1 0]
//   G = [1 0 0; 1 0 1; 0 0 1; 0 1 0; 0 1 0]   Aᵀ = [1 1 0 1 0; 0 1 1 0 1]
// Only ±1 coefficients: its rounding error stays F(2×2, 3×3)'s. Per block of tiles V = Bᵀ d B,
// 25 GEMMs M[ξ] = U[ξ] · V[ξ] over the channels (U cached across calls), Y = Aᵀ M A + bias.
// Four tiles go through the transforms at once, one per lane, the same operations for every
// lane whichever group or thread it lands in: results never depend on the split.
import { gemmCore, gemmScratchBytes, kcFor, paddedRows, tr0, tr1, tr2, tr3 } from './gemm';
import { CONV_BATCH, CONV_C, CONV_CIN, CONV_COUT, CONV_FLIP, CONV_IH, CONV_IW, CONV_OH, CONV_OUT, CONV_OW, CONV_PH, CONV_PW, CONV_SCRATCH, CONV_SCRATCH_STRIDE, CONV_W, CONV_WINOGRAD_BY_CHANNELS, CONV_WINOGRAD_PHASE, CONV_WINOGRAD_U, CONV_WINOGRAD_V, CONV_X } from '../abi';
import { arg, ptr, splitAt, splitOutputs } from './params';
import { al64, filterTaps, padPlane, planeStride, sameRow, tileCoords, uPlaneBytes, zeroPad } from './winograd';
import { coord, groupAt } from './winograd6';

// Tiles per block at most (4 outputs each); blocks are evened out and rounded to 8-column panels.
const TB: i32 = 64;
// A group's 5×5 vectors (row r, column c at 16·(5r + c)).
const GROUP_BYTES: i32 = 25 * 16;

@inline function tilesAcross(n: i32): i32 { return (n + 1) >> 1; }

// The padded input plane: 4 rows and columns per tile and 1 more (tiles overlap by one), plus 3
// columns for a 4-tile group's 5 whole vectors.
@inline function paddedRowsOf(p: usize): i32 { return 4 * tilesAcross(arg(p, CONV_OH)) + 1; }
@inline function paddedColsOf(p: usize): i32 { return 4 * tilesAcross(arg(p, CONV_OW)) + 4; }
@inline export function paddedBytes(p: usize): i32 { return paddedRowsOf(p) * paddedColsOf(p) * 4; }

// Per-thread scratch of convWinogradS2Task: V, M, tile coordinates, a padded input plane, a
// group's vectors and GEMM packing space.
export function winogradS2ScratchBytes(p: usize, nt: i32): i32 {
  const cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT);
  return <i32>(25 * (planeStride(cin, TB) + planeStride(cout, TB))) + 3 * TB * 4 + paddedBytes(p) + GROUP_BYTES +
    gemmScratchBytes(cin, TB) + 576;
}

// The transformed weights U[ξ] (cout × cin each, 25 of them) in the GEMM's packed-A layout.
export function winogradS2WeightBytes(p: usize): i32 {
  return <i32>(25 * uPlaneBytes(arg(p, CONV_COUT), arg(p, CONV_CIN)));
}

// Five vectors G·(g0, g1, g2) to dst + k·ds, from g_k at src + k·ss.
@inline function gColumn(src: usize, ss: usize, dst: usize, ds: usize): void {
  const g0 = v128.load(src), g1 = v128.load(src + ss), g2 = v128.load(src + 2 * ss);
  v128.store(dst, g0);
  v128.store(dst + ds, f32x4.add(g0, g2));
  v128.store(dst + 2 * ds, g2);
  v128.store(dst + 3 * ds, g1);
  v128.store(dst + 4 * ds, g1);
}

// U[ξ] = G g Gᵀ for every filter of w (cout, cin, 3, 3), to CONV_WINOGRAD_U in packAWhole's layout,
// uPlaneBytes apart; threads split the output channels by 4-row panels, the 4 filters of a panel
// being the 4 lanes (as winograd-weights.ts does for F(2×2, 3×3)).
export function winogradS2WeightsTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const w = ptr(p, CONV_W), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT), u = ptr(p, CONV_WINOGRAD_U);
  const flip = arg(p, CONV_FLIP) != 0;
  const mPad = paddedRows(cout), kcMax = kcFor(cin), panels = mPad >> 2, plane = uPlaneBytes(cout, cin);
  const laneStep: usize = flip ? 36 : <usize>cin * 36, ciStep: usize = flip ? <usize>cout * 36 : 36;
  const taps = al64(ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE)); // 9 vectors
  const t = taps + 9 * 16; // G g: 5 rows of 3 vectors
  for (let pn = part * panels / parts; pn < (part + 1) * panels / parts; pn++) {
    const co = pn << 2;
    let f = w + <usize>co * laneStep;
    for (let ci = 0; ci < cin; ci++) {
      filterTaps(f, laneStep, min(4, cout - co), flip, taps);
      f += ciStep;
      const p0 = ci / kcMax * kcMax, kc = min(kcMax, cin - p0);
      const dst = u + (<usize>p0 * mPad + <usize>co * kc + <usize>(ci - p0) * 4) * 4;
      for (let c = 0; c < 3; c++) gColumn(taps + <usize>c * 16, 48, t + <usize>c * 16, 48);
      for (let i = 0; i < 5; i++) gColumn(t + <usize>i * 48, 16, dst + <usize>(5 * i) * plane, plane);
    }
  }
}

// Five vectors Bᵀ·(x0 … x4) to dst + k·ds.
@inline function bTransform(x0: v128, x1: v128, x2: v128, x3: v128, x4: v128, dst: usize, ds: usize): void {
  v128.store(dst, f32x4.sub(x0, x2));
  v128.store(dst + ds, x2);
  v128.store(dst + 2 * ds, f32x4.sub(x4, x2));
  v128.store(dst + 3 * ds, x1);
  v128.store(dst + 4 * ds, x3);
}

@inline function bColumn(src: usize, ss: usize, dst: usize, ds: usize): void {
  bTransform(v128.load(src), v128.load(src + ss), v128.load(src + 2 * ss), v128.load(src + 3 * ss), v128.load(src + 4 * ss),
    dst, ds);
}

// Two vectors Aᵀ·(m0 … m4) to dst and dst + ds, from m_k at src + k·ss (in place when they coincide).
@inline function aColumn(src: usize, ss: usize, dst: usize, ds: usize): void {
  const m0 = v128.load(src), m1 = v128.load(src + ss), m2 = v128.load(src + 2 * ss);
  const m3 = v128.load(src + 3 * ss), m4 = v128.load(src + 4 * ss);
  v128.store(dst, f32x4.add(f32x4.add(m0, m1), m3));
  v128.store(dst + ds, f32x4.add(f32x4.add(m1, m2), m4));
}

// V[ξ][ci][b] = Bᵀ d B for tiles b < nb of a block (coords: image, output row and column of the
// tile) and input channels ci0 … ci1 − 1: tile b of channel ci at v + (ci·ld + b)·4, planes planeStride(cin,
// ld) apart. A group's V is stored as whole vectors (as winograd6.ts's inputTransform6: lanes
// past the group write columns later groups overwrite, nothing reads past nb).
export function inputTransform(p: usize, ci0: i32, ci1: i32, coords: usize, nb: i32, v: usize, ld: i32, pad: usize, d: usize): void {
  const x = ptr(p, CONV_X), cin = arg(p, CONV_CIN), tw = tilesAcross(arg(p, CONV_OW));
  const h = arg(p, CONV_IH), w = arg(p, CONV_IW), ph = arg(p, CONV_PH), pw = arg(p, CONV_PW);
  const rows = paddedRowsOf(p), cols = paddedColsOf(p), rs = <usize>cols << 2;
  const vStride = planeStride(cin, ld), inPlane = <usize>(h * w) * 4;
  // Only the input rows the block's tiles read are copied (a block holds a few tile rows of a
  // large image: copying whole planes per block took 4% of ResNet-18's 64 → 128 at 56²). Tiles
  // come in order, so within one image the first and last tile bound them.
  const single = coord(coords, 0, 0) == coord(coords, nb - 1, 0);
  const iy0 = single ? max(0, 2 * coord(coords, 0, 1) - ph) : 0;
  const iy1 = single ? min(h, 2 * coord(coords, nb - 1, 1) + 5 - ph) : h;
  zeroPad(pad, rows, cols);
  for (let ci = ci0; ci < ci1; ci++) {
    let b = 0, loaded = -1;
    while (b < nb) {
      const lanes = groupAt(coords, b, nb, tw, 2), whole = b + 4 <= nb && sameRow(coords, b, 2);
      for (let k = 0; k < lanes; k++) {
        const n = coord(coords, b + k, 0);
        if (n != loaded) {
          if (iy1 > iy0) {
            padPlane(x + <usize>(n * cin + ci) * inPlane + (<usize>(iy0 * w) << 2), iy1 - iy0, w, ph + iy0, pw, pad, rows, cols);
          }
          loaded = n;
        }
        // Output (2ty, 2tx) reads the padded inputs from (4ty, 4tx).
        const at = pad + (<usize>(2 * coord(coords, b + k, 1) * cols + 2 * coord(coords, b + k, 2)) << 2);
        if (whole) {
          for (let r = 0; r < 5; r++) {
            // Row r of 4 tiles: 20 values; column c of tile k is value 4k + c, a transpose.
            const s = at + <usize>r * rs;
            const a0 = v128.load(s), a1 = v128.load(s, 16), a2 = v128.load(s, 32), a3 = v128.load(s, 48), a4 = v128.load(s, 64);
            bTransform(tr0(a0, a1, a2, a3), tr1(a0, a1, a2, a3), tr2(a0, a1, a2, a3), tr3(a0, a1, a2, a3), tr0(a1, a2, a3, a4),
              d + <usize>(80 * r), 16);
          }
          break;
        }
        for (let r = 0; r < 5; r++) {
          for (let c = 0; c < 5; c++) store<f32>(d + <usize>(80 * r + 16 * c + 4 * k), load<f32>(at + <usize>r * rs + (<usize>c << 2)));
        }
      }
      // d B along the rows (done above for a whole group), then Bᵀ (d B) down the columns, into V[5i + j].
      if (!whole) for (let r = 0; r < 5; r++) bColumn(d + <usize>(80 * r), 16, d + <usize>(80 * r), 16);
      const dst = v + (<usize>(ci * ld + b) << 2);
      for (let j = 0; j < 5; j++) bColumn(d + <usize>(16 * j), 80, dst + <usize>j * vStride, 5 * vStride);
      b += lanes;
    }
  }
}

// Y = Aᵀ M A + bias for the tiles of a block (M's leading dimension ld) and output channels c0 … c1 − 1.
function outputTransform(p: usize, m: usize, coords: usize, nb: i32, c0: i32, c1: i32, d: usize, ld: i32): void {
  const bias = ptr(p, CONV_C), out = ptr(p, CONV_OUT), cout = arg(p, CONV_COUT);
  const oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const mStride = planeStride(cout, ld), outPlane = <usize>(oh * ow) * 4, rs = <usize>ow * 4, tw = tilesAcross(ow);
  for (let co = c0; co < c1; co++) {
    const bv: f32 = bias != 0 ? load<f32>(bias + (<usize>co << 2)) : 0;
    const bias4 = f32x4.splat(bv);
    let b = 0;
    while (b < nb) {
      const lanes = groupAt(coords, b, nb, tw, 2);
      const src = m + (<usize>(co * ld + b) << 2);
      // Aᵀ M down the 5 columns (rows 0 and 1 of d), then each row times A.
      for (let j = 0; j < 5; j++) aColumn(src + <usize>j * mStride, 5 * mStride, d + <usize>(16 * j), 80);
      for (let i = 0; i < 2; i++) aColumn(d + <usize>(80 * i), 16, d + <usize>(80 * i), 16);
      const n0 = coord(coords, b, 0), oy0 = coord(coords, b, 1), ox0 = coord(coords, b, 2);
      if (lanes == 4 && oy0 + 2 <= oh && ox0 + 8 <= ow && sameRow(coords, b, 2)) {
        // Row i of the 4 tiles interleaves Y[i][0] and Y[i][1]: 8 consecutive outputs.
        const o = out + <usize>(n0 * cout + co) * outPlane + (<usize>(oy0 * ow + ox0) << 2);
        for (let i = 0; i < 2; i++) {
          const y0 = v128.load(d + <usize>(80 * i)), y1 = v128.load(d + <usize>(80 * i), 16), oi = o + <usize>i * rs;
          v128.store(oi, f32x4.add(i32x4.shuffle(y0, y1, 0, 4, 1, 5), bias4));
          v128.store(oi, f32x4.add(i32x4.shuffle(y0, y1, 2, 6, 3, 7), bias4), 16);
        }
      } else {
        for (let k = 0; k < lanes; k++) {
          const n = coord(coords, b + k, 0), oy = coord(coords, b + k, 1), ox = coord(coords, b + k, 2);
          const o = out + <usize>(n * cout + co) * outPlane + (<usize>(oy * ow + ox) << 2);
          for (let i = 0; i < min(2, oh - oy); i++) {
            for (let j = 0; j < min(2, ow - ox); j++) {
              store<f32>(o + <usize>i * rs + (<usize>j << 2), load<f32>(d + <usize>(80 * i + 16 * j + 4 * k)) + bv);
            }
          }
        }
      }
      b += lanes;
    }
  }
}

// Y for this part's tiles, or with CONV_WINOGRAD_BY_CHANNELS its output channels (4-row panels of
// U, all tiles), in blocks of about equal size: a last block of a few tiles would read all of U.
export function convWinogradS2Task(p: usize, part: i32, parts: i32, slot: i32): void {
  const batch = arg(p, CONV_BATCH), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT);
  const tw = tilesAcross(arg(p, CONV_OW)), tiles = tilesAcross(arg(p, CONV_OH)) * tw, total = batch * tiles;
  const split = splitOutputs(arg(p, CONV_WINOGRAD_BY_CHANNELS) != 0, cout, total, 1, parts, part);
  const c0 = i32x4.extract_lane(split, 0), c1 = i32x4.extract_lane(split, 1);
  const g0 = i32x4.extract_lane(split, 2), g1 = i32x4.extract_lane(split, 3);
  if (c1 <= c0 || g1 <= g0) return;
  const scratch = ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE);
  const u = ptr(p, CONV_WINOGRAD_U), uPlane = uPlaneBytes(cout, cin);
  const vStride = planeStride(cin, TB), mStride = planeStride(cout, TB);
  const v = al64(scratch);
  const m = al64(v + 25 * vStride);
  const coords = al64(m + 25 * mStride);
  const pad = al64(coords + <usize>(3 * TB) * 4);
  const d = al64(pad + <usize>paddedBytes(p));
  const gs = al64(d + GROUP_BYTES);
  const blocks = (g1 - g0 + TB - 1) / TB;
  const per = min(TB, (((g1 - g0 + blocks - 1) / blocks) + 7) & ~7);
  for (let blk = g0; blk < g1; blk += per) {
    const nb = min(per, g1 - blk);
    tileCoords(coords, blk, nb, tiles, tw, 2);
    inputTransform(p, 0, cin, coords, nb, v, TB, pad, d);
    for (let xi = 0; xi < 25; xi++) {
      gemmCore(c1 - c0, nb, cin, 0, cin, false, v + <usize>xi * vStride, TB, false,
        m + <usize>xi * mStride + (<usize>(c0 * TB) << 2), TB, false, 0, gs, u + <usize>xi * uPlane, paddedRows(cout), c0);
    }
    outputTransform(p, m, coords, nb, c0, c1, d, TB);
  }
}

// The phases' leading dimension of V and M (floats per channel row) for n tiles: n and the 3
// columns a group may write past them (so threads write disjoint rows), in whole cache lines.
@inline function phaseLd(n: i32): i32 { return (n + 3 + 15) & ~15; }

// Bytes of the blocks winogradS2PhaseTask shares (V, then M) where all tiles fit one block with
// the 3 columns a group may write past them, else 0: not run in phases.
export function winogradS2PhaseBytes(p: usize): i32 {
  const total = arg(p, CONV_BATCH) * tilesAcross(arg(p, CONV_OH)) * tilesAcross(arg(p, CONV_OW));
  const ld = phaseLd(total);
  return total + 3 <= TB ? <i32>(25 * (planeStride(arg(p, CONV_CIN), ld) + planeStride(arg(p, CONV_COUT), ld))) : 0;
}

// convWinogradS2Task in three passes over blocks the threads share (V, then M, at
// CONV_WINOGRAD_V), all tiles in one block, as winograd6PhaseTask (winograd6.ts): phase 0 the
// input transform (parts split the input channels), 1 the 25 GEMMs (the planes ξ), 2 the output
// transform (the output channels). For few tiles (batch 1), where parts splitting the output
// channels would each pack all of V again. Each output sums as in one block.
export function winogradS2PhaseTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT);
  const tw = tilesAcross(arg(p, CONV_OW)), tiles = tilesAcross(arg(p, CONV_OH)) * tw, total = arg(p, CONV_BATCH) * tiles;
  const ld = phaseLd(total), vStride = planeStride(cin, ld), mStride = planeStride(cout, ld);
  const v = ptr(p, CONV_WINOGRAD_V), m = al64(v + 25 * vStride);
  const coords = al64(ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE));
  const pad = al64(coords + <usize>(3 * TB) * 4);
  const d = al64(pad + <usize>paddedBytes(p));
  const phase = arg(p, CONV_WINOGRAD_PHASE);
  if (phase == 1) {
    const u = ptr(p, CONV_WINOGRAD_U), uPlane = uPlaneBytes(cout, cin), gs = al64(d + GROUP_BYTES);
    for (let xi = splitAt(25, parts, part, 1); xi < splitAt(25, parts, part + 1, 1); xi++) {
      gemmCore(cout, total, cin, 0, cin, false, v + <usize>xi * vStride, ld, false, m + <usize>xi * mStride, ld, false, 0, gs,
        u + <usize>xi * uPlane, paddedRows(cout), 0);
    }
    return;
  }
  tileCoords(coords, 0, total, tiles, tw, 2);
  const n = phase == 0 ? cin : cout, c0 = splitAt(n, parts, part, 1), c1 = splitAt(n, parts, part + 1, 1);
  if (phase == 0) inputTransform(p, c0, c1, coords, total, v, ld, pad, d);
  else outputTransform(p, m, coords, total, c0, c1, d, ld);
}
