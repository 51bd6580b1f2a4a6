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
import { gemmScratchBytes, kcFor, paddedRows, tr0, tr1, tr2, tr3 } from './gemm';
import { CONV_C, CONV_CIN, CONV_COUT, CONV_FLIP, CONV_IH, CONV_IW, CONV_OH, CONV_OW, CONV_PH, CONV_SCRATCH, CONV_SCRATCH_STRIDE, CONV_W, CONV_WINOGRAD_U, CONV_X } from '../abi';
import { arg, ptr } from './params';
import { batched, forwardBlocks, forwardPhaseBytes, forwardPhaseTask, forwardScratchBytes, forwardTask, packedProducts } from './winograd-frame';
import { al64, filterTaps, planeStride, sameRow, uPlaneBytes, zeroPad } from './winograd';
import { coord, gatherGroup, groupAt, storeTiles2, tileAt, touchBlock } from './winograd6';

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

// Per-thread scratch of convWinogradS2Task: the frame's (winograd-frame.ts) with a padded input
// plane and a group's vectors as its work space.
@inline function workBytes(p: usize): i32 { return <i32>al64(paddedBytes(p)) + GROUP_BYTES; }
export function winogradS2ScratchBytes(p: usize, nt: i32): i32 {
  return forwardScratchBytes(p, 25, TB, workBytes(p), gemmScratchBytes(arg(p, CONV_CIN), TB));
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
  const rows = paddedRowsOf(p), cols = paddedColsOf(p), rs = <usize>cols << 2;
  const vStride = planeStride(cin, ld);
  zeroPad(pad, rows, cols);
  touchBlock(x, cin, ci0, ci1, coords, nb, arg(p, CONV_IH), arg(p, CONV_IW), arg(p, CONV_PH), 2, 5, rows, d);
  for (let ci = ci0; ci < ci1; ci++) {
    let b = 0, loaded = -1;
    while (b < nb) {
      const lanes = groupAt(coords, b, nb, tw, 2), whole = b + 4 <= nb && sameRow(coords, b, 2);
      loaded = gatherGroup(p, x, cin, ci, coords, nb, b, lanes, whole, 2, pad, rows, cols, loaded, d, 5, 5, 80);
      if (whole) {
        // Output (2ty, 2tx) reads the padded inputs from (4ty, 4tx).
        const at = tileAt(coords, b, 2, pad, cols);
        for (let r = 0; r < 5; r++) {
          // Row r of 4 tiles: 20 values; column c of tile k is value 4k + c, a transpose.
          const s = at + <usize>r * rs;
          const a0 = v128.load(s), a1 = v128.load(s, 16), a2 = v128.load(s, 32), a3 = v128.load(s, 48), a4 = v128.load(s, 64);
          bTransform(tr0(a0, a1, a2, a3), tr1(a0, a1, a2, a3), tr2(a0, a1, a2, a3), tr3(a0, a1, a2, a3), tr0(a1, a2, a3, a4),
            d + <usize>(80 * r), 16);
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
  const bias = ptr(p, CONV_C), cout = arg(p, CONV_COUT), oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const mStride = planeStride(cout, ld), tw = tilesAcross(ow);
  for (let co = c0; co < c1; co++) {
    const bv: f32 = bias != 0 ? load<f32>(bias + (<usize>co << 2)) : 0;
    let b = 0;
    while (b < nb) {
      const lanes = groupAt(coords, b, nb, tw, 2);
      const src = m + (<usize>(co * ld + b) << 2);
      // Aᵀ M down the 5 columns (rows 0 and 1 of d), then each row times A.
      for (let j = 0; j < 5; j++) aColumn(src + <usize>j * mStride, 5 * mStride, d + <usize>(16 * j), 80);
      for (let i = 0; i < 2; i++) aColumn(d + <usize>(80 * i), 16, d + <usize>(80 * i), 16);
      const oy0 = coord(coords, b, 1), ox0 = coord(coords, b, 2);
      storeTiles2(p, coords, b, lanes, lanes == 4 && oy0 + 2 <= oh && ox0 + 8 <= ow && sameRow(coords, b, 2), co, d, 80, bv);
      b += lanes;
    }
  }
}

// The frame's steps: the work space holds the padded input plane, then a group's vectors.
function inputStep(p: usize, ci0: i32, ci1: i32, coords: usize, nb: i32, v: usize, ld: i32, work: usize): void {
  inputTransform(p, ci0, ci1, coords, nb, v, ld, work, al64(work + <usize>paddedBytes(p)));
}
function outputStep(p: usize, m: usize, coords: usize, nb: i32, c0: i32, c1: i32, ld: i32, work: usize): void {
  outputTransform(p, m, coords, nb, c0, c1, al64(work + <usize>paddedBytes(p)), ld);
}

// Y for this part's tiles or output channels, in blocks of about equal size in 8-column panels.
// Batched, in fixed blocks (the frame's forwardTask), each a part (winograd4.ts says why).
export function convWinogradS2Task(p: usize, part: i32, parts: i32, slot: i32): void {
  forwardTask(p, part, parts, slot, 25, 2, TB, 8, workBytes(p), inputStep, packedProducts, outputStep, batched(p));
}
export function winogradS2Blocks(p: usize): i32 { return forwardBlocks(p, 2, TB, 8); }

// The forward in phases where all tiles fit one block with the 3 columns a group may write past
// them: the shared blocks' bytes, else 0, and the task.
export function winogradS2PhaseBytes(p: usize): i32 { return forwardPhaseBytes(p, 25, 2, TB, 3); }
export function winogradS2PhaseTask(p: usize, part: i32, parts: i32, slot: i32): void {
  forwardPhaseTask(p, part, parts, slot, 25, 2, TB, 3, workBytes(p), inputStep, packedProducts, outputStep);
}
