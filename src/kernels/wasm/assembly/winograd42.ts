// 3×3, stride-1, undilated, ungrouped convolution forward by a rectangular Winograd tile
// F(4×2, 3×3): a 6×4 input tile gives 4 output rows × 2 columns with 24 products per channel pair
// (3 per output, against F(2×2)'s 4 in winograd.ts and F(4×4)'s 2.25 in winograd4.ts). F(4, 3)
// down the rows (α = 6: winograd6.ts's Bᵀ and Aᵀ, winograd4.ts's G), F(2, 3) along the columns
// (α = 4: winograd.ts's), composed: V = B₆ᵀ d B₄, 24 GEMMs M[ξ] = U[ξ] · V[ξ] (ξ = 4i + j, row i
// of 6, column j of 4), Y = A₆ᵀ M A₄ + bias, with U = G₆ g G₄ᵀ. For ResNet-18's 512→512 at 7²,
// batch 1: 8 tiles cover 8×8 (one 8-column panel per GEMM), 192 products per channel pair against
// F(2×2)'s 256 (16 tiles); its U is 25 MB, each element used 8 times (F(4×4): 4 tiles, 37.7 MB
// used 4 times, memory-bound). Runs in phases only (the frame's forwardPhaseTask, for few tiles:
// conv-paths.ts admits at most 30), so 2 threads share the work without repeating it.
import { CONV_C, CONV_CIN, CONV_COUT, CONV_OH, CONV_OUT, CONV_OW, CONV_X } from '../abi';
import { gemmScratchBytes } from './gemm';
import { arg, ptr } from './params';
import { al64, gRow2, planeStride, sameRow, storeVRow, uPlaneBytes, zeroPad } from './winograd';
import { gColumn } from './winograd4';
import { aColumn4, bColumn, coord, gatherGroup, groupAt, products6, storeTiles, tileAt, tileOut } from './winograd6';
import { forwardPhaseBytes, forwardPhaseTask, groupWorkBytes, padBytesOf, padColsOf, padRowsOf, tilesOf } from './winograd-frame';

// Tiles in the one block of the phases at most: the rule's 30, and the 3 columns a group's input
// transform may write past them.
const TB: i32 = 64;

// The frame's `work`: the padded plane (6 rows from every tile row's start; a group's whole-vector
// loads, 12 values from 4 tiles' start), then a group's vectors (6 rows of 4, row r column c at
// 16·(4r + c)), the transforms' working space.
@inline function workBytes(p: usize): i32 { return groupWorkBytes(p, 4, 6, 2, 24 * 16); }

// The blocks the threads share (V, then M): 24 planes of all tiles.
export function winograd42PhaseBytes(p: usize): i32 { return forwardPhaseBytes(p, 24, 2, TB, 3, 4); }

// Per-thread scratch: tile coordinates, `work`, GEMM packing space (the weight transform's taps
// and G₆ g fit in it too), room for the alignments.
export function winograd42ScratchBytes(p: usize, nt: i32): i32 {
  return 3 * TB * 4 + workBytes(p) + gemmScratchBytes(arg(p, CONV_CIN), TB) + 576;
}

// The transformed weights U[ξ] (cout × cin each, 24 of them) in the GEMM's packed-A layout.
export function winograd42WeightBytes(p: usize): i32 {
  return <i32>(24 * uPlaneBytes(arg(p, CONV_COUT), arg(p, CONV_CIN)));
}

// U[ξ] (24 planes, `plane` bytes apart) = G₆ g G₄ᵀ for the 4 filters of a panel, one per lane: their
// 9 taps at `taps`, G₆ g through `t` (6 rows of 3 vectors), each row then times G₄ᵀ.
@inline export function weights42(taps: usize, dst: usize, plane: usize, t: usize): void {
  for (let c = 0; c < 3; c++) gColumn(taps + <usize>c * 16, 48, t + <usize>c * 16, 48);
  for (let i = 0; i < 6; i++) {
    const r = t + <usize>i * 48;
    gRow2(v128.load(r), v128.load(r, 16), v128.load(r, 32), dst + <usize>(4 * i) * plane, plane);
  }
}

// V[ξ][ci][b] = B₆ᵀ d B₄ for all tiles (coords from tileCoords) and input channels ci0 … ci1 − 1,
// tile b of channel ci at v + (ci·ld + b)·4, planes planeStride(cin, ld) apart; 4 tiles of a row
// at once (one per lane), else lane by lane (winograd6.ts's groups). Lanes past a group's tiles
// write columns that later groups overwrite or that lie past the tiles (within ld).
function input42(p: usize, ci0: i32, ci1: i32, coords: usize, nb: i32, v: usize, ld: i32, work: usize): void {
  const x = ptr(p, CONV_X), cin = arg(p, CONV_CIN), tw = tilesOf(arg(p, CONV_OW), 2);
  const pad = work, d = al64(work + <usize>padBytesOf(p, 4, 6, 2));
  const rows = padRowsOf(p, 4, 6), cols = padColsOf(p, 2), rs = <usize>cols << 2, vStride = planeStride(cin, ld);
  zeroPad(pad, rows, cols);
  for (let ci = ci0; ci < ci1; ci++) {
    let b = 0, loaded = -1;
    while (b < nb) {
      const lanes = groupAt(coords, b, nb, tw, 2), whole = lanes == 4 && sameRow(coords, b);
      loaded = gatherGroup(p, x, cin, ci, coords, nb, b, lanes, whole, 1, pad, rows, cols, loaded, d, 6, 4, 64);
      const at = tileAt(coords, b, 1, pad, cols);
      // d B₄ along each row r (its 4 columns: of a whole group, tile k's column c is value 2k + c
      // of the row, even or odd lanes of two vectors starting at value 0 or 2), then B₆ᵀ (d B₄)
      // down the columns j, into V[4i + j].
      for (let r = 0; r < 6; r++) {
        const dr = d + <usize>(64 * r);
        if (whole) {
          const s = at + <usize>r * rs;
          const a0 = v128.load(s), a1 = v128.load(s, 16), b0 = v128.load(s, 8), b1 = v128.load(s, 24);
          storeVRow(dr, 16, i32x4.shuffle(a0, a1, 0, 2, 4, 6), i32x4.shuffle(a0, a1, 1, 3, 5, 7),
            i32x4.shuffle(b0, b1, 0, 2, 4, 6), i32x4.shuffle(b0, b1, 1, 3, 5, 7));
        } else {
          storeVRow(dr, 16, v128.load(dr), v128.load(dr, 16), v128.load(dr, 32), v128.load(dr, 48));
        }
      }
      const dst = v + (<usize>(ci * ld + b) << 2);
      for (let j = 0; j < 4; j++) bColumn(d + <usize>(16 * j), 64, dst + <usize>j * vStride, 4 * vStride);
      b += lanes;
    }
  }
}

// Y = A₆ᵀ M A₄ + bias for all tiles and output channels c0 … c1 − 1 (M's leading dimension ld).
function output42(p: usize, m: usize, coords: usize, nb: i32, c0: i32, c1: i32, ld: i32, work: usize): void {
  const bias = ptr(p, CONV_C), out = ptr(p, CONV_OUT), cout = arg(p, CONV_COUT), d = al64(work + <usize>padBytesOf(p, 4, 6, 2));
  const oh = arg(p, CONV_OH), ow = arg(p, CONV_OW), tw = tilesOf(ow, 2);
  const mStride = planeStride(cout, ld), outPlane = <usize>(oh * ow) * 4;
  for (let co = c0; co < c1; co++) {
    const bv: f32 = bias != 0 ? load<f32>(bias + (<usize>co << 2)) : 0;
    const bias4 = f32x4.splat(bv);
    let b = 0;
    while (b < nb) {
      const lanes = groupAt(coords, b, nb, tw, 2);
      const src = m + (<usize>(co * ld + b) << 2);
      // A₆ᵀ M down the 4 columns j (rows 0 … 3 of d), then each row times A₄.
      for (let j = 0; j < 4; j++) aColumn4(src + <usize>j * mStride, 4 * mStride, d + <usize>(16 * j), 64);
      const oy0 = coord(coords, b, 1), ox0 = coord(coords, b, 2);
      const whole = lanes == 4 && oy0 + 4 <= oh && ox0 + 8 <= ow && sameRow(coords, b);
      const o = whole ? tileOut(coords, b, out, cout, co, outPlane, ow) : 0;
      for (let i = 0; i < 4; i++) {
        const di = d + <usize>(64 * i);
        const q0 = v128.load(di), q1 = v128.load(di, 16), q2 = v128.load(di, 32), q3 = v128.load(di, 48);
        const y0 = f32x4.add(f32x4.add(q0, q1), q2), y1 = f32x4.sub(f32x4.sub(q1, q2), q3);
        if (whole) {
          // Row i of the 4 tiles interleaves y0 and y1: 8 consecutive outputs.
          const oi = o + (<usize>(i * ow) << 2);
          v128.store(oi, f32x4.add(i32x4.shuffle(y0, y1, 0, 4, 1, 5), bias4));
          v128.store(oi, f32x4.add(i32x4.shuffle(y0, y1, 2, 6, 3, 7), bias4), 16);
        } else {
          v128.store(di, y0);
          v128.store(di, y1, 16);
        }
      }
      if (!whole) storeTiles(p, coords, b, lanes, co, d, 64, bv, 4, 2);
      b += lanes;
    }
  }
}

// The forward's phase CONV_WINOGRAD_PHASE for this part (the frame's forwardPhaseTask).
export function winograd42PhaseTask(p: usize, part: i32, parts: i32, slot: i32): void {
  forwardPhaseTask(p, part, parts, slot, 24, 2, TB, 3, workBytes(p), input42, products6, output42, 4);
}
