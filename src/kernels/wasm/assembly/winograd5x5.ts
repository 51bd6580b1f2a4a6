// 5×5, stride-1, undilated, ungrouped convolution forward by Winograd F(2×2, 5×5): a 6×6 input
// tile gives a 2×2 output tile with 36 products per channel pair (9 per output against im2col's
// 25). F(4×4, 3×3)'s interpolation points (0, ±1, ±2, ∞), hence its Bᵀ (winograd4.ts), with
//   G = [¼ 0 0 0 0; −⅙(1 1 1 1 1); −⅙(1 −1 1 −1 1); 1⁄24(1 2 4 8 16); 1⁄24(1 −2 4 −8 16); 0 0 0 0 1]
//   Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 1]
// and its scheme: per block of tiles V = Bᵀ d B, 36 GEMMs M[ξ] = U[ξ] · V[ξ] (U = G g Gᵀ, cached
// across calls), Y = Aᵀ M A + bias. Tiles start every 2 outputs, so 4 tiles of a row read 12
// inputs. Four tiles go through the transforms at once, one per lane, each lane computing the
// same operations in the same order whichever group or thread it lands in: results never depend
// on the split.
import { gemmCore, gemmScratchBytes, kcFor, paddedRows } from './gemm';
import { CONV_BATCH, CONV_C, CONV_CIN, CONV_COUT, CONV_IH, CONV_IW, CONV_OH, CONV_OUT, CONV_OW, CONV_PH, CONV_PW, CONV_SCRATCH, CONV_SCRATCH_STRIDE, CONV_W, CONV_WINOGRAD_BY_CHANNELS, CONV_WINOGRAD_U, CONV_X } from '../abi';
import { arg, ptr, splitOutputs } from './params';
import { al64, padPlane, planeStride, sameRow, tileCoords, uPlaneBytes } from './winograd';
import { bColumn, bTransform, coord, GROUP_BYTES } from './winograd4';

// Tiles per block at most (4 outputs each). AlexNet's 64 → 192 at 27² ran alike with 32, 64 and 128.
const TB: i32 = 64;

// The padded input plane: rows and columns for every tile's 6 inputs (tiles 2 apart).
@inline function paddedRowsOf(p: usize): i32 { return 2 * ((arg(p, CONV_OH) + 1) >> 1) + 4; }
@inline function paddedColsOf(p: usize): i32 { return 2 * ((arg(p, CONV_OW) + 1) >> 1) + 4; }
function paddedPlaneBytes(p: usize): i32 { return paddedRowsOf(p) * paddedColsOf(p) * 4; }

// Per-thread scratch of convWinograd5x5Task: V, M, tile coordinates, a padded input plane, a
// group's vectors and GEMM packing space.
export function winograd5x5ScratchBytes(p: usize, nt: i32): i32 {
  const cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT);
  return <i32>(36 * (planeStride(cin, TB) + planeStride(cout, TB))) + 3 * TB * 4 + paddedPlaneBytes(p) + GROUP_BYTES +
    gemmScratchBytes(cin, TB) + 576;
}

// Six vectors G·(g0 … g4) to dst + k·ds, from g_k at src + k·ss.
@inline function gColumn(src: usize, ss: usize, dst: usize, ds: usize): void {
  const g0 = v128.load(src), g1 = v128.load(src + ss), g2 = v128.load(src + 2 * ss);
  const g3 = v128.load(src + 3 * ss), g4 = v128.load(src + 4 * ss);
  const s = f32x4.add(f32x4.add(g0, g2), g4), t = f32x4.add(g1, g3);
  const h = f32x4.add(f32x4.add(g0, f32x4.mul(g2, f32x4.splat(4))), f32x4.mul(g4, f32x4.splat(16)));
  const q = f32x4.add(f32x4.mul(g1, f32x4.splat(2)), f32x4.mul(g3, f32x4.splat(8)));
  const sixth = f32x4.splat(<f32>-1 / 6), twentyFourth = f32x4.splat(<f32>1 / 24);
  v128.store(dst, f32x4.mul(g0, f32x4.splat(0.25)));
  v128.store(dst + ds, f32x4.mul(f32x4.add(s, t), sixth));
  v128.store(dst + 2 * ds, f32x4.mul(f32x4.sub(s, t), sixth));
  v128.store(dst + 3 * ds, f32x4.mul(f32x4.add(h, q), twentyFourth));
  v128.store(dst + 4 * ds, f32x4.mul(f32x4.sub(h, q), twentyFourth));
  v128.store(dst + 5 * ds, g4);
}

// U[ξ] = G g Gᵀ for every filter g (5×5) of w (cout, cin, 5, 5), to CONV_WINOGRAD_U in packAWhole's
// layout, uPlaneBytes apart; threads split the output channels by 4-row panels, the 4 filters of
// a panel being the 4 lanes (as winograd-weights.ts does for 3×3). The taps are gathered lane by
// lane: the transform runs once per weight change.
export function winograd5x5WeightsTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const w = ptr(p, CONV_W), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT), u = ptr(p, CONV_WINOGRAD_U);
  const mPad = paddedRows(cout), kcMax = kcFor(cin), panels = mPad >> 2, plane = uPlaneBytes(cout, cin);
  const taps = al64(ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE)); // 25 vectors
  const t = taps + 25 * 16; // G g: 6 rows of 5 vectors
  for (let pn = part * panels / parts; pn < (part + 1) * panels / parts; pn++) {
    const co = pn << 2;
    for (let ci = 0; ci < cin; ci++) {
      for (let l = 0; l < 4; l++) {
        const live = co + l < cout;
        const f = w + <usize>(((co + l) * cin + ci) * 25) * 4;
        for (let k = 0; k < 25; k++) store<f32>(taps + <usize>(16 * k + 4 * l), live ? load<f32>(f + (<usize>k << 2)) : 0);
      }
      const p0 = ci / kcMax * kcMax, kc = min(kcMax, cin - p0);
      const dst = u + (<usize>p0 * mPad + <usize>co * kc + <usize>(ci - p0) * 4) * 4;
      for (let c = 0; c < 5; c++) gColumn(taps + <usize>c * 16, 80, t + <usize>c * 16, 80);
      for (let i = 0; i < 6; i++) gColumn(t + <usize>i * 80, 16, dst + <usize>(6 * i) * plane, plane);
    }
  }
}

// Tiles in the group starting at tile b: 4 when b..b+3 are consecutive tiles of one tile row
// (whole-vector loads and stores: `fast`), else, lane by lane, those left in b's row (at most 3:
// groups realign to row starts) or, where rows are under 4 tiles (tw), the next 4 of any rows.
@inline function fast(coords: usize, b: i32, nb: i32): bool { return b + 4 <= nb && sameRow(coords, b, 2); }
function groupAt(coords: usize, b: i32, nb: i32, tw: i32): i32 {
  if (fast(coords, b, nb)) return 4;
  if (tw < 4) return min(4, nb - b);
  let k = 1;
  while (k < 3 && b + k < nb && sameRow(coords, b, 2, k)) k++;
  return k;
}

// V[ξ][ci][b] = Bᵀ d B for tiles b < nb of a block and every input channel, laid out as
// inputTransform4 (winograd4.ts) lays out its own; pad holds paddedPlaneBytes, d a group.
function inputTransform(p: usize, x: usize, cin: i32, coords: usize, nb: i32, v: usize, pad: usize, d: usize): void {
  const tw = (arg(p, CONV_OW) + 1) >> 1;
  const h = arg(p, CONV_IH), w = arg(p, CONV_IW), ph = arg(p, CONV_PH), pw = arg(p, CONV_PW);
  const rows = paddedRowsOf(p), cols = paddedColsOf(p), rs = <usize>cols << 2;
  const vStride = planeStride(cin, TB), inPlane = <usize>(h * w) * 4;
  // The padding around each plane's copy: zeroed here, as padPlane need not zero it on every call.
  memory.fill(pad, 0, <usize>(rows * cols) << 2);
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
          // Row r of 4 tiles: 12 values; column c of tile k is value 2k + c: even or odd lanes of
          // two vectors starting at value 0, 2 or 4. Then d B along the row.
          for (let r = 0; r < 6; r++) {
            const s = at + <usize>r * rs;
            const a0 = v128.load(s), a1 = v128.load(s, 16), a2 = v128.load(s, 32);
            const b0 = v128.load(s, 8), b1 = v128.load(s, 24);
            bTransform(i32x4.shuffle(a0, a1, 0, 2, 4, 6), i32x4.shuffle(a0, a1, 1, 3, 5, 7),
              i32x4.shuffle(b0, b1, 0, 2, 4, 6), i32x4.shuffle(b0, b1, 1, 3, 5, 7),
              i32x4.shuffle(a1, a2, 0, 2, 4, 6), i32x4.shuffle(a1, a2, 1, 3, 5, 7), d + <usize>(96 * r), 16);
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
      const dst = v + (<usize>(ci * TB + b) << 2);
      for (let j = 0; j < 6; j++) bColumn(d + <usize>(16 * j), 96, dst + <usize>j * vStride, 6 * vStride);
      b += lanes;
    }
  }
}

// Two vectors Aᵀ·(m0 … m5) to dst and dst + ds, from m_k at src + k·ss (in place when they coincide).
@inline function aColumn(src: usize, ss: usize, dst: usize, ds: usize): void {
  const m0 = v128.load(src), m1 = v128.load(src + ss), m2 = v128.load(src + 2 * ss);
  const m3 = v128.load(src + 3 * ss), m4 = v128.load(src + 4 * ss), m5 = v128.load(src + 5 * ss);
  v128.store(dst, f32x4.add(f32x4.add(m0, f32x4.add(m1, m2)), f32x4.add(m3, m4)));
  v128.store(dst + ds, f32x4.add(f32x4.add(f32x4.sub(m1, m2), f32x4.mul(f32x4.splat(2), f32x4.sub(m3, m4))), m5));
}

// Y = Aᵀ M A + bias for the tiles of a block and output channels c0 … c1 − 1, into out.
function outputTransform(p: usize, m: usize, coords: usize, nb: i32, c0: i32, c1: i32, d: usize): void {
  const bias = ptr(p, CONV_C), out = ptr(p, CONV_OUT), cout = arg(p, CONV_COUT);
  const oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const mStride = planeStride(cout, TB), outPlane = <usize>(oh * ow) * 4, rs = <usize>ow * 4, tw = (ow + 1) >> 1;
  for (let co = c0; co < c1; co++) {
    const bv: f32 = bias != 0 ? load<f32>(bias + (<usize>co << 2)) : 0;
    const bias4 = f32x4.splat(bv);
    let b = 0;
    while (b < nb) {
      const lanes = groupAt(coords, b, nb, tw);
      const src = m + (<usize>(co * TB + b) << 2);
      // Aᵀ M down the 6 columns (rows 0, 1 of d), then each row times A (columns 0, 1 of d).
      for (let j = 0; j < 6; j++) aColumn(src + <usize>j * mStride, 6 * mStride, d + <usize>(16 * j), 96);
      for (let i = 0; i < 2; i++) aColumn(d + <usize>(96 * i), 16, d + <usize>(96 * i), 16);
      const n0 = coord(coords, b, 0), oy0 = coord(coords, b, 1), ox0 = coord(coords, b, 2);
      if (lanes == 4 && oy0 + 2 <= oh && ox0 + 8 <= ow && sameRow(coords, b, 2)) {
        // Row i of the 4 tiles interleaves Y[i][0] and Y[i][1]: 8 consecutive outputs.
        const o = out + <usize>(n0 * cout + co) * outPlane + (<usize>(oy0 * ow + ox0) << 2);
        for (let i = 0; i < 2; i++) {
          const y0 = v128.load(d + <usize>(96 * i)), y1 = v128.load(d + <usize>(96 * i), 16), oi = o + <usize>i * rs;
          v128.store(oi, f32x4.add(i32x4.shuffle(y0, y1, 0, 4, 1, 5), bias4));
          v128.store(oi, f32x4.add(i32x4.shuffle(y0, y1, 2, 6, 3, 7), bias4), 16);
        }
      } else {
        for (let k = 0; k < lanes; k++) {
          const n = coord(coords, b + k, 0), oy = coord(coords, b + k, 1), ox = coord(coords, b + k, 2);
          const o = out + <usize>(n * cout + co) * outPlane + (<usize>(oy * ow + ox) << 2);
          for (let i = 0; i < min(2, oh - oy); i++) {
            for (let j = 0; j < min(2, ow - ox); j++) {
              store<f32>(o + <usize>i * rs + (<usize>j << 2), load<f32>(d + <usize>(96 * i + 16 * j + 4 * k)) + bv);
            }
          }
        }
      }
      b += lanes;
    }
  }
}

// As convWinograd4Task: a part is a range of tiles, or with CONV_WINOGRAD_BY_CHANNELS a range of
// output channels (4-row panels of U, all tiles).
export function convWinograd5x5Task(p: usize, part: i32, parts: i32, slot: i32): void {
  const x = ptr(p, CONV_X), batch = arg(p, CONV_BATCH), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT);
  const tw = (arg(p, CONV_OW) + 1) >> 1, tiles = ((arg(p, CONV_OH) + 1) >> 1) * tw, total = batch * tiles;
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
  const d = al64(pad + <usize>paddedPlaneBytes(p));
  const gs = al64(d + GROUP_BYTES);
  // Blocks of about equal size (at most TB): a last block of a few tiles would read all of U for
  // them. Rounded up to whole 8-column panels of the GEMMs: AlexNet's 196 tiles in 49s left each
  // block a 1-column panel.
  const blocks = (g1 - g0 + TB - 1) / TB;
  const per = min(TB, (((g1 - g0 + blocks - 1) / blocks) + 7) & ~7);
  for (let blk = g0; blk < g1; blk += per) {
    const nb = min(per, g1 - blk);
    tileCoords(coords, blk, nb, tiles, tw, 2);
    inputTransform(p, x, cin, coords, nb, v, pad, d);
    for (let xi = 0; xi < 36; xi++) {
      gemmCore(c1 - c0, nb, cin, 0, cin, false, v + <usize>xi * vStride, TB, false,
        m + <usize>xi * mStride + (<usize>(c0 * TB) << 2), TB, false, 0, gs, u + <usize>xi * uPlane, paddedRows(cout), c0);
    }
    outputTransform(p, m, coords, nb, c0, c1, d);
  }
}
