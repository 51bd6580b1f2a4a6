// 3×3, stride-2, undilated, ungrouped convolution forward on its polyphase parts with 4×4 output
// tiles: winograd-s2.ts's scheme (even inputs meet taps w0, w2 by a Winograd correlation, odd
// inputs meet w1 once each) with F(4, 2) on the even phase. Along one axis, outputs y0 … y3 read
// x0 … x8 (tiles 8 inputs apart): the 5 even inputs e_i = x_2i give y_j ∋ e_j·w0 + e_(j+1)·w2 in
// 5 products (points 0, 1, −1, 2, ∞), the odd ones x1, x3, x5, x7 one each: 9 products per axis,
// 81 per 4×4 tile (5.06 per output against winograd-s2.ts's 6.25 and im2col's 9). With
//   Bᵀ = [2 −1 −2 1 0; 0 2 1 −1 0; 0 −2 3 −1 0; 0 −1 0 1 0; 0 2 −1 −2 1] on (e0 … e4), then x1, x3, x5, x7
//   G  = [½ 0; ½ ½; ⅙ −⅙; ⅙ ⅓; 0 1] on (w0, w2), then w1 four times
//   Aᵀ = [1 1 1 1 0; 0 1 −1 2 0; 0 1 1 4 0; 0 1 −1 8 1] on the even products, plus the odd ones
// (checked exactly with fractions), V = B̃ᵀ d B̃ (9×9), 81 GEMMs M[ξ] = U[ξ] · V[ξ] (U = G̃ g G̃ᵀ,
// cached: weight-cache.ts; winograd-weights.ts transforms it), Y = Ãᵀ M Ã + bias. Four tiles of a
// tile row go through the transforms at once, one per lane; the same operations for every lane
// whichever block, phase or thread it lands in: results never depend on the split.
import { gemmScratchBytes, tr0, tr1, tr2, tr3 } from './gemm';
import { CONV_C, CONV_CIN, CONV_COUT, CONV_IH, CONV_IW, CONV_OH, CONV_OUT, CONV_OW, CONV_PH, CONV_X } from '../abi';
import { arg, ptr } from './params';
import { batched, forwardBlocks, forwardPhaseBytes, forwardPhaseTask, forwardScratchBytes, forwardTask, tilesOf } from './winograd-frame';
import { al64, planeStride, sameRow, uPlaneBytes, zeroPad } from './winograd';
import { coord, gatherGroup, groupAt, products6, row4, storeTiles, tileAt, tileOut, touchBlock } from './winograd6';

// Tiles per block at most (16 outputs each). A block's V and M hold 81 planes: at 64 tiles they
// were 4 MB for 64→128 (out of L2) and the GEMMs ran ~20% slower per product than winograd-s2's.
// ResNet-18's 64→128 at 56², batch 1, 1 thread, best wall of 40, 3 alternating rounds (load 7–9):
// TB 64 2.00–2.40 ms (8 runs), 32 1.79–1.92, 16 1.81–1.96; ResNet-20's 16→32 at 32², batch 128,
// CPU time: 32 6.9–7.8 ms, 16 7.0–7.7 (BENCHMARKS.md, issue 14).
const TB: i32 = 32;
// The phases' one block (2 threads, few tiles: no input transformed twice) takes ResNet-18's 49
// tiles with the 3 spill columns. 64→128 at 56², 2 threads, best wall of 60, 4 alternating rounds
// (load 4–6): 1.17–2.33 ms against 1.42–2.08 split by output channels in blocks of 32 (the ranges
// overlap; the best runs favour the phases) and winograd-s2's 1.67–2.33.
const PHASE_TB: i32 = 64;
// A group's 9×9 vectors (row r, column c at 16·(9r + c)).
const ROW: i32 = 9 * 16;
const GROUP_BYTES: i32 = 9 * ROW;

// The padded input plane: 8 rows and columns per tile and 1 more (tiles overlap by one), plus 3
// columns for a 4-tile group's 9 whole vectors (values 8k + c of a row: 36 from the group's start).
@inline function paddedRowsOf(p: usize): i32 { return 8 * tilesOf(arg(p, CONV_OH), 4) + 1; }
@inline function paddedColsOf(p: usize): i32 { return 8 * tilesOf(arg(p, CONV_OW), 4) + 4; }
@inline function paddedBytes(p: usize): i32 { return paddedRowsOf(p) * paddedColsOf(p) * 4; }

// The frame's `work` (winograd-frame.ts): the padded input plane, then a group's vectors.
@inline function workBytes(p: usize): i32 { return <i32>al64(paddedBytes(p)) + GROUP_BYTES; }
export function winograd4S2ScratchBytes(p: usize, nt: i32): i32 {
  return forwardScratchBytes(p, 81, TB, workBytes(p), gemmScratchBytes(arg(p, CONV_CIN), PHASE_TB));
}

// The transformed weights U[ξ] (cout × cin each, 81 of them) in the GEMM's packed-A layout.
export function winograd4S2WeightBytes(p: usize): i32 {
  return <i32>(81 * uPlaneBytes(arg(p, CONV_COUT), arg(p, CONV_CIN)));
}

// Nine vectors G̃·(g0, g1, g2) to dst + k·ds, from g_k at src + k·ss (winograd-weights.ts).
@inline export function gColumn9(src: usize, ss: usize, dst: usize, ds: usize): void {
  const g0 = v128.load(src), g1 = v128.load(src + ss), g2 = v128.load(src + 2 * ss);
  const sixth = f32x4.splat(<f32>1 / 6);
  v128.store(dst, f32x4.mul(g0, f32x4.splat(0.5)));
  v128.store(dst + ds, f32x4.mul(f32x4.add(g0, g2), f32x4.splat(0.5)));
  v128.store(dst + 2 * ds, f32x4.mul(f32x4.sub(g0, g2), sixth));
  v128.store(dst + 3 * ds, f32x4.mul(f32x4.add(g0, f32x4.add(g2, g2)), sixth));
  v128.store(dst + 4 * ds, g2);
  for (let k = 5; k < 9; k++) v128.store(dst + <usize>k * ds, g1);
}

// Nine vectors B̃ᵀ·(x0 … x8) to dst + k·ds.
@inline function bTransform(x0: v128, x1: v128, x2: v128, x3: v128, x4: v128, x5: v128, x6: v128, x7: v128, x8: v128,
  dst: usize, ds: usize): void {
  // Even inputs e0 … e4 = x0, x2, x4, x6, x8; t = e3 − e1 is row 3 and a part of rows 0, 1 and 4.
  const t = f32x4.sub(x6, x2);
  v128.store(dst, f32x4.add(f32x4.mul(f32x4.sub(x0, x4), f32x4.splat(2)), t));
  v128.store(dst + ds, f32x4.sub(f32x4.add(x2, x4), t));
  v128.store(dst + 2 * ds, f32x4.sub(f32x4.mul(x4, f32x4.splat(3)), f32x4.add(f32x4.add(x2, x2), x6)));
  v128.store(dst + 3 * ds, t);
  v128.store(dst + 4 * ds, f32x4.sub(f32x4.sub(x8, x4), f32x4.add(t, t)));
  v128.store(dst + 5 * ds, x1);
  v128.store(dst + 6 * ds, x3);
  v128.store(dst + 7 * ds, x5);
  v128.store(dst + 8 * ds, x7);
}

@inline function bColumn(src: usize, ss: usize, dst: usize, ds: usize): void {
  bTransform(v128.load(src), v128.load(src + ss), v128.load(src + 2 * ss), v128.load(src + 3 * ss), v128.load(src + 4 * ss),
    v128.load(src + 5 * ss), v128.load(src + 6 * ss), v128.load(src + 7 * ss), v128.load(src + 8 * ss), dst, ds);
}

// Four vectors Ãᵀ·(m0 … m8) to dst + k·ds, from m_k at src + k·ss (in place when they coincide).
@inline function aColumn(src: usize, ss: usize, dst: usize, ds: usize): void {
  const m0 = v128.load(src), m1 = v128.load(src + ss), m2 = v128.load(src + 2 * ss), m3 = v128.load(src + 3 * ss);
  const m4 = v128.load(src + 4 * ss), m5 = v128.load(src + 5 * ss), m6 = v128.load(src + 6 * ss);
  const m7 = v128.load(src + 7 * ss), m8 = v128.load(src + 8 * ss);
  const s = f32x4.add(m1, m2), d = f32x4.sub(m1, m2), m3x2 = f32x4.add(m3, m3), m3x4 = f32x4.add(m3x2, m3x2);
  v128.store(dst, f32x4.add(f32x4.add(m0, s), f32x4.add(m3, m5)));
  v128.store(dst + ds, f32x4.add(f32x4.add(d, m3x2), m6));
  v128.store(dst + 2 * ds, f32x4.add(f32x4.add(s, m3x4), m7));
  v128.store(dst + 3 * ds, f32x4.add(f32x4.add(d, f32x4.add(m3x4, m3x4)), f32x4.add(m4, m8)));
}

// V[ξ][ci][b] = B̃ᵀ d B̃ for tiles b < nb of a block (coords: image, output row and column of the
// tile) and input channels ci0 … ci1 − 1: tile b of channel ci at v + (ci·ld + b)·4, planes
// planeStride(cin, ld) apart. A group's V is stored as whole vectors (lanes past the group write
// columns later groups overwrite, or the frame's spill columns past nb).
function inputTransform(p: usize, ci0: i32, ci1: i32, coords: usize, nb: i32, v: usize, ld: i32, work: usize): void {
  const x = ptr(p, CONV_X), cin = arg(p, CONV_CIN), tw = tilesOf(arg(p, CONV_OW), 4);
  const rows = paddedRowsOf(p), cols = paddedColsOf(p), rs = <usize>cols << 2;
  const pad = work, d = al64(work + <usize>paddedBytes(p));
  const vStride = planeStride(cin, ld);
  zeroPad(pad, rows, cols);
  touchBlock(x, cin, ci0, ci1, coords, nb, arg(p, CONV_IH), arg(p, CONV_IW), arg(p, CONV_PH), 2, 9, rows, d);
  for (let ci = ci0; ci < ci1; ci++) {
    let b = 0, loaded = -1;
    while (b < nb) {
      // A group of tiles in one row, 4 or fewer (rows of 7 tiles at 28² out), loads whole vectors:
      // lanes past its tiles load values past them, at most 23 floats past the plane (into d).
      const lanes = groupAt(coords, b, nb, tw, 4), whole = sameRow(coords, b, 4, lanes - 1);
      loaded = gatherGroup(p, x, cin, ci, coords, nb, b, lanes, whole, 2, pad, rows, cols, loaded, d, 9, 9, ROW);
      if (whole) {
        // Output (oy, ox) reads the padded inputs from (2·oy, 2·ox).
        const at = tileAt(coords, b, 2, pad, cols);
        for (let r = 0; r < 9; r++) {
          // Row r of 4 tiles: column c of tile k is value 8k + c, lane c & 3 of vectors c >> 2,
          // 2 + (c >> 2), 4 + (c >> 2), 6 + (c >> 2): transposes.
          const s = at + <usize>r * rs;
          const a0 = v128.load(s), a1 = v128.load(s, 16), a2 = v128.load(s, 32), a3 = v128.load(s, 48), a4 = v128.load(s, 64);
          const a5 = v128.load(s, 80), a6 = v128.load(s, 96), a7 = v128.load(s, 112), a8 = v128.load(s, 128);
          bTransform(tr0(a0, a2, a4, a6), tr1(a0, a2, a4, a6), tr2(a0, a2, a4, a6), tr3(a0, a2, a4, a6),
            tr0(a1, a3, a5, a7), tr1(a1, a3, a5, a7), tr2(a1, a3, a5, a7), tr3(a1, a3, a5, a7), tr0(a2, a4, a6, a8),
            d + <usize>(ROW * r), 16);
        }
      }
      // d B̃ along the rows (done above for a whole group), then B̃ᵀ (d B̃) down the columns, into V[9i + j].
      if (!whole) for (let r = 0; r < 9; r++) bColumn(d + <usize>(ROW * r), 16, d + <usize>(ROW * r), 16);
      const dst = v + (<usize>(ci * ld + b) << 2);
      for (let j = 0; j < 9; j++) bColumn(d + <usize>(16 * j), ROW, dst + <usize>j * vStride, 9 * vStride);
      b += lanes;
    }
  }
}

// Y = Ãᵀ M Ã + bias for the tiles of a block (M's leading dimension ld) and output channels c0 … c1 − 1.
function outputTransform(p: usize, m: usize, coords: usize, nb: i32, c0: i32, c1: i32, ld: i32, work: usize): void {
  const bias = ptr(p, CONV_C), out = ptr(p, CONV_OUT), cout = arg(p, CONV_COUT), oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const mStride = planeStride(cout, ld), tw = tilesOf(ow, 4), outPlane = <usize>(oh * ow) * 4;
  const d = al64(work + <usize>paddedBytes(p));
  for (let co = c0; co < c1; co++) {
    const bv: f32 = bias != 0 ? load<f32>(bias + (<usize>co << 2)) : 0;
    const bias4 = f32x4.splat(bv);
    let b = 0;
    while (b < nb) {
      const lanes = groupAt(coords, b, nb, tw, 4);
      const src = m + (<usize>(co * ld + b) << 2);
      // Ãᵀ M down the 9 columns (rows 0 … 3 of d), then each row times Ã.
      for (let j = 0; j < 9; j++) aColumn(src + <usize>j * mStride, 9 * mStride, d + <usize>(16 * j), ROW);
      for (let i = 0; i < 4; i++) aColumn(d + <usize>(ROW * i), 16, d + <usize>(ROW * i), 16);
      const oy0 = coord(coords, b, 1), ox0 = coord(coords, b, 2);
      if (sameRow(coords, b, 4, lanes - 1)) {
        // Row i of the tiles, in one row: tile k's 4 outputs are lane k of y0 … y3 (row4: 16
        // consecutive outputs, or as many as the tiles and the map's edge leave).
        const o = tileOut(coords, b, out, cout, co, outPlane, ow), cols = min(4 * lanes, ow - ox0);
        for (let i = 0; i < min(4, oh - oy0); i++) {
          const di = d + <usize>(ROW * i);
          row4(o + <usize>(i * ow) * 4, v128.load(di), v128.load(di, 16), v128.load(di, 32), v128.load(di, 48), bias4, cols);
        }
      } else storeTiles(p, coords, b, lanes, co, d, ROW, bv, 4);
      b += lanes;
    }
  }
}

// Y for this part's tiles or output channels, in blocks of about equal size in 8-column panels.
// Batched, in fixed blocks (the frame's forwardTask), each a part (winograd4.ts says why).
export function convWinograd4S2Task(p: usize, part: i32, parts: i32, slot: i32): void {
  forwardTask(p, part, parts, slot, 81, 4, TB, 8, workBytes(p), inputTransform, products6, outputTransform, batched(p));
}
export function winograd4S2Blocks(p: usize): i32 { return forwardBlocks(p, 4, TB, 8); }

// The forward in phases where all tiles fit one block with the 3 columns a group may write past
// them: the shared blocks' bytes, else 0, and the task.
export function winograd4S2PhaseBytes(p: usize): i32 { return forwardPhaseBytes(p, 81, 4, PHASE_TB, 3); }
export function winograd4S2PhaseTask(p: usize, part: i32, parts: i32, slot: i32): void {
  forwardPhaseTask(p, part, parts, slot, 81, 4, PHASE_TB, 3, workBytes(p), inputTransform, products6, outputTransform);
}
