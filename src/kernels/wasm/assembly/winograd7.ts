// Winograd forwards on 7×7 input tiles, interpolating at 0, ±1, ±2, ½, ∞ (F(2×2)'s and ½: with
// −½, ±½ and 2, or 3 instead, the rounding error measured larger; conv-paths.ts), with Bᵀ's rows
// but the one of ½ doubled (exact: G's halved) so that all its coefficients are integers:
//   Bᵀ = [−4 8 5 −10 −1 2 0; 0 4 −4 −9 1 2 0; 0 −4 12 −7 −3 2 0; 0 2 −3 −4 3 2 0;
//         0 −2 5 0 −5 2 0; 0 4 0 −5 0 1 0; 0 −4 8 5 −10 −1 2]
// - F(3×3, 5×5) for 5×5 stride-1 undilated ungrouped convs: a 3×3 output tile with 49 products
//   per channel pair (5.4 per output against F(2×2, 5×5)'s 9 in winograd5x5.ts), with
//     G = [−¼ 0 0 0 0; −⅙(1 1 1 1 1); 1⁄18(1 −1 1 −1 1); 1⁄72(1 2 4 8 16); −1⁄120(1 −2 4 −8 16);
//          2⁄45(16 8 4 2 1); 0 0 0 0 ½]
//     Aᵀ = [1 1 1 1 1 1 0; 0 1 −1 2 −2 ½ 0; 0 1 1 4 4 ¼ 1]
// - F(4×4, 4×4) for the 4×4 stride-1 convs over a 7×7 stride-2 stem's polyphase planes
//   (winograd4x4.ts): a 4×4 output tile with 49 products per channel pair (3.06 per output against
//   F(3×3, 4×4)'s 4 on 6×6 tiles), with G's rows cut at 4 taps, the ∞ row moved to the last tap:
//     G = [−¼ 0 0 0; −⅙(1 1 1 1); 1⁄18(1 −1 1 −1); 1⁄72(1 2 4 8); −1⁄120(1 −2 4 −8); 2⁄45(16 8 4 2); 0 0 0 ½]
//     Aᵀ = [1 1 1 1 1 1 0; 0 1 −1 2 −2 ½ 0; 0 1 1 4 4 ¼ 0; 0 1 −1 8 −8 ⅛ 1]
// (both checked exactly with fractions against the direct sums). The scheme of winograd6.ts on
// the frame (winograd-frame.ts): per block of tiles V = Bᵀ d B, 49 GEMMs M[ξ] = U[ξ] · V[ξ]
// (products6), Y = Aᵀ M A + bias; four tiles through the transforms at once, one per lane, each
// lane's operations the same whichever group or thread it lands in. `side` (3 or 4) and the taps
// r (5 or 4) are constants at every call of the @inline functions here.
import { gemmScratchBytes, madd, tr0, tr1, tr2, tr3 } from './gemm';
import { CONV_C, CONV_CIN, CONV_COUT, CONV_OH, CONV_OUT, CONV_OW, CONV_X } from '../abi';
import { arg, ptr } from './params';
import { al64, planeStride, sameRow, uPlaneBytes } from './winograd';
import { coord, gatherGroup, groupAt, products6, row4, storeFirst, storeTiles, tileAt, tileOut, zeroBlockRows } from './winograd6';
import {
  forwardPhaseBytes, forwardPhaseTask, forwardScratchBytes, forwardTask, groupWorkBytes, padBytesOf, padColsOf, padRowsOf, tilesOf,
} from './winograd-frame';

// Tiles per block at most, F(3×3, 5×5) (9 outputs each). AlexNet's 64 → 192 at 27² (81 tiles), 1
// thread, best of 11, 3 alternating rounds (busy machine): blocks of 48 (two: 48 + 33) 2.53–2.60
// ms, of 32 2.64–2.70, of 64 2.67–2.85, all 81 in one of 96 2.89–3.78.
const TB: i32 = 48;
// F(4×4, 4×4) (16 outputs each): ResNet's stem, 12 plane channels to 64 at 112² (784 tiles).
export const TB4: i32 = 48;
// Tiles the phases' one block holds at most (the forward in phases, for 2 threads on few tiles):
// AlexNet's 81 and the 3 columns past them.
const PHASE_TB: i32 = 96;

// The frame's `work`: the padded plane (7 rows from every tile row's start; a group's whole-vector
// loads, 16 values from 4 side-3 tiles' start, 20 from side-4 ones'), then a group's 7×7 vectors
// (row r, column c at 16·(7r + c)), the transforms' working space.
@inline function workBytes(p: usize, side: i32): i32 { return groupWorkBytes(p, side, 7, side, 49 * 16); }

// Per-thread scratch of the forward with tiles of `side` in blocks of tb, with GEMM packing space
// for the phases' wider block (the phases' tile coordinates, and the weight transform's taps and
// G g, fit in its V and M).
@inline export function winograd7SideScratchBytes(p: usize, side: i32, tb: i32): i32 {
  return forwardScratchBytes(p, 49, tb, workBytes(p, side), gemmScratchBytes(arg(p, CONV_CIN), PHASE_TB));
}
export function winograd7ScratchBytes(p: usize, nt: i32): i32 { return winograd7SideScratchBytes(p, 3, TB); }

// The transformed weights U[ξ] (cout × cin each, 49 of them) in the GEMM's packed-A layout.
export function winograd7WeightBytes(p: usize): i32 {
  return <i32>(49 * uPlaneBytes(arg(p, CONV_COUT), arg(p, CONV_CIN)));
}

// Seven vectors Bᵀ·(x0 … x6) to dst + k·ds, from x_k at src + k·ss (in place when they
// coincide): 26 operations. The rows pair up: with P(a, c, e) = 4a − 5c + e, rows 0, 5, 6 are
// 2P(x1, x3, x5) − P(x0, x2, x4), P(x1, x3, x5), 2P(x2, x4, x6) − P(x1, x3, x5); rows 1 and 2 (±1)
// the sum and difference of R = 4(a − 2b) − (c − 2d) on x2 … x5 and on x1 … x4; rows 3 and 4 (±2)
// of S = (a − c) + 2(d − b) on x2 … x5 and twice it on x1 … x4.
@inline function bColumn7(src: usize, ss: usize, dst: usize, ds: usize): void {
  const x0 = v128.load(src), x1 = v128.load(src + ss), x2 = v128.load(src + 2 * ss), x3 = v128.load(src + 3 * ss);
  const x4 = v128.load(src + 4 * ss), x5 = v128.load(src + 5 * ss), x6 = v128.load(src + 6 * ss);
  const four = f32x4.splat(4), minus5 = f32x4.splat(-5), two = f32x4.splat(2), minus2 = f32x4.splat(-2);
  const p1 = madd(minus5, x2, madd(four, x0, x4)), p2 = madd(minus5, x3, madd(four, x1, x5));
  const p3 = madd(minus5, x4, madd(four, x2, x6));
  const ra = madd(four, madd(minus2, x3, x2), madd(two, x5, f32x4.neg(x4)));
  const rb = madd(four, madd(minus2, x2, x1), madd(two, x4, f32x4.neg(x3)));
  const sa = madd(two, f32x4.sub(x5, x3), f32x4.sub(x2, x4)), sb = madd(two, f32x4.sub(x4, x2), f32x4.sub(x1, x3));
  v128.store(dst, madd(two, p2, f32x4.neg(p1)));
  v128.store(dst + ds, f32x4.add(ra, rb));
  v128.store(dst + 2 * ds, f32x4.sub(ra, rb));
  v128.store(dst + 3 * ds, madd(two, sb, sa));
  v128.store(dst + 4 * ds, madd(minus2, sb, sa));
  v128.store(dst + 5 * ds, p2);
  v128.store(dst + 6 * ds, madd(two, p3, f32x4.neg(p2)));
}

// Column c of a row of 4 side-3 tiles at s: values c, c + 3, c + 6, c + 9.
@inline function col3(s: usize, c: i32): v128 {
  return i32x4.shuffle(v128.load(s + (<usize>c << 2)), v128.load(s + (<usize>(c + 6) << 2)), 0, 3, 4, 7);
}

// A row of 4 side-3 tiles' outputs plus bias4 from their columns y0, y1, y2 (lane k: tile k):
// 12 consecutive outputs at dst, y0, y1, y2 interleaved, or the first `cols` of them (winograd6.ts's row4's).
@inline function row3(dst: usize, y0: v128, y1: v128, y2: v128, bias4: v128, cols: i32 = 12): void {
  const t = i32x4.shuffle(y0, y1, 0, 4, 1, 5), u = i32x4.shuffle(y1, y2, 1, 5, 2, 6), w = i32x4.shuffle(y0, y1, 3, 7, 3, 7);
  const r0 = f32x4.add(i32x4.shuffle(t, y2, 0, 1, 4, 2), bias4), r1 = f32x4.add(i32x4.shuffle(u, y0, 0, 1, 6, 2), bias4);
  const r2 = f32x4.add(i32x4.shuffle(y2, w, 2, 4, 5, 3), bias4);
  if (cols == 12) {
    v128.store(dst, r0);
    v128.store(dst, r1, 16);
    v128.store(dst, r2, 32);
    return;
  }
  storeFirst(dst, r0, min(4, cols));
  if (cols > 4) storeFirst(dst + 16, r1, min(4, cols - 4));
  if (cols > 8) storeFirst(dst + 32, r2, cols - 8);
}

// `side` vectors y = Aᵀ·(m0 … m6), from m_k at src + k·ss: to dst + k·ds (in place when they
// coincide), or with `row` as a row of 4 tiles' outputs plus bias4 (4·side consecutive outputs at
// dst, or the first `cols`: row3, row4), one definition of the sums for both, so a tile's outputs
// do not depend on which path (whole group or lane by lane) wrote them.
@inline function aColumn7(side: i32, src: usize, ss: usize, dst: usize, ds: usize, row: bool = false,
  bias4: v128 = f32x4.splat(0), cols: i32 = 4 * side): void {
  const m0 = v128.load(src), m1 = v128.load(src + ss), m2 = v128.load(src + 2 * ss), m3 = v128.load(src + 3 * ss);
  const m4 = v128.load(src + 4 * ss), m5 = v128.load(src + 5 * ss), m6 = v128.load(src + 6 * ss);
  const a = f32x4.add(m1, m2), b = f32x4.sub(m1, m2), c = f32x4.add(m3, m4), d = f32x4.sub(m3, m4);
  const y0 = f32x4.add(f32x4.add(f32x4.add(m0, a), c), m5);
  const y1 = madd(f32x4.splat(0.5), m5, madd(f32x4.splat(2), d, b));
  if (side == 3) {
    const y2 = f32x4.add(madd(f32x4.splat(4), c, a), madd(f32x4.splat(0.25), m5, m6));
    if (row) row3(dst, y0, y1, y2, bias4, cols);
    else {
      v128.store(dst, y0);
      v128.store(dst + ds, y1);
      v128.store(dst + 2 * ds, y2);
    }
    return;
  }
  const y2 = madd(f32x4.splat(0.25), m5, madd(f32x4.splat(4), c, a));
  const y3 = f32x4.add(madd(f32x4.splat(0.125), m5, madd(f32x4.splat(8), d, b)), m6);
  if (row) row4(dst, y0, y1, y2, y3, bias4, cols);
  else {
    v128.store(dst, y0);
    v128.store(dst + ds, y1);
    v128.store(dst + 2 * ds, y2);
    v128.store(dst + 3 * ds, y3);
  }
}

// Seven vectors G·(g0 … g_{r−1}) to dst + k·ds, from g_k at src + k·ss (r = 5 or 4 taps).
@inline export function gColumn7(r: i32, src: usize, ss: usize, dst: usize, ds: usize): void {
  const g0 = v128.load(src), g1 = v128.load(src + ss), g2 = v128.load(src + 2 * ss), g3 = v128.load(src + 3 * ss);
  const g4 = r == 5 ? v128.load(src + 4 * ss) : f32x4.splat(0);
  let s = f32x4.add(g0, g2), h = madd(f32x4.splat(4), g2, g0);
  if (r == 5) {
    s = f32x4.add(s, g4);
    h = madd(f32x4.splat(16), g4, h);
  }
  const e = madd(f32x4.splat(4), g2, r == 5 ? madd(f32x4.splat(2), g3, g4) : f32x4.mul(f32x4.splat(2), g3));
  const t = f32x4.add(g1, g3), q = madd(f32x4.splat(8), g3, f32x4.mul(f32x4.splat(2), g1));
  v128.store(dst, f32x4.mul(g0, f32x4.splat(-0.25)));
  v128.store(dst + ds, f32x4.mul(f32x4.add(s, t), f32x4.splat(<f32>-1 / 6)));
  v128.store(dst + 2 * ds, f32x4.mul(f32x4.sub(s, t), f32x4.splat(<f32>1 / 18)));
  v128.store(dst + 3 * ds, f32x4.mul(f32x4.add(h, q), f32x4.splat(<f32>1 / 72)));
  v128.store(dst + 4 * ds, f32x4.mul(f32x4.sub(h, q), f32x4.splat(<f32>-1 / 120)));
  v128.store(dst + 5 * ds, f32x4.mul(madd(f32x4.splat(16), g0, madd(f32x4.splat(8), g1, e)), f32x4.splat(<f32>2 / 45)));
  v128.store(dst + 6 * ds, f32x4.mul(r == 5 ? g4 : g3, f32x4.splat(0.5)));
}

// V[ξ][ci][b] = Bᵀ d B for tiles b < nb (coords from tileCoords with `side`) and input channels
// ci0 … ci1 − 1, tile b of channel ci at v + (ci·ld + b)·4, planes planeStride(cin, ld) apart; 4
// tiles of a row at once (one per lane), else lane by lane (winograd6.ts's groups). Lanes past a
// group's tiles write columns that later groups overwrite or that lie past the tiles (within ld).
// Only the rows the block's tiles read are padded (winograd6.ts's gatherGroup: the stem's 12 phase
// planes of 115² would otherwise be copied whole for every block).
@inline function input7(p: usize, ci0: i32, ci1: i32, coords: usize, nb: i32, v: usize, ld: i32, work: usize, side: i32): void {
  const x = ptr(p, CONV_X), cin = arg(p, CONV_CIN), tw = tilesOf(arg(p, CONV_OW), side);
  const pad = work, d = al64(work + <usize>padBytesOf(p, side, 7, side));
  const rows = padRowsOf(p, side, 7), cols = padColsOf(p, side), rs = <usize>cols << 2, vStride = planeStride(cin, ld);
  zeroBlockRows(coords, nb, 1, 7, pad, rows, cols);
  for (let ci = ci0; ci < ci1; ci++) {
    let b = 0, loaded = -1;
    while (b < nb) {
      // A group in one row, of 4 tiles or fewer (the lone one of a 27² row), loads whole vectors:
      // lanes past its tiles load values past them, at most 8 floats past the plane (into d).
      const lanes = groupAt(coords, b, nb, tw, side), whole = sameRow(coords, b, side, lanes - 1);
      loaded = gatherGroup(p, x, cin, ci, coords, nb, b, lanes, whole, 1, pad, rows, cols, loaded, d, 7, 7, 112);
      const at = tileAt(coords, b, 1, pad, cols);
      // d B along each row r (of a whole group, tile k's column c is value side·k + c of the row:
      // col3, or a transpose of 4 vectors from value 0 (c < 4) or 4), then Bᵀ (d B) down the
      // columns j, into V[7i + j].
      for (let r = 0; r < 7; r++) {
        const dr = d + <usize>(112 * r);
        if (whole) {
          const s = at + <usize>r * rs;
          if (side == 3) {
            for (let c = 0; c < 7; c++) v128.store(dr + <usize>(16 * c), col3(s, c));
          } else {
            const a0 = v128.load(s), a1 = v128.load(s, 16), a2 = v128.load(s, 32), a3 = v128.load(s, 48), a4 = v128.load(s, 64);
            v128.store(dr, tr0(a0, a1, a2, a3));
            v128.store(dr, tr1(a0, a1, a2, a3), 16);
            v128.store(dr, tr2(a0, a1, a2, a3), 32);
            v128.store(dr, tr3(a0, a1, a2, a3), 48);
            v128.store(dr, tr0(a1, a2, a3, a4), 64);
            v128.store(dr, tr1(a1, a2, a3, a4), 80);
            v128.store(dr, tr2(a1, a2, a3, a4), 96);
          }
        }
        bColumn7(dr, 16, dr, 16);
      }
      const dst = v + (<usize>(ci * ld + b) << 2);
      for (let j = 0; j < 7; j++) bColumn7(d + <usize>(16 * j), 112, dst + <usize>j * vStride, 7 * vStride);
      b += lanes;
    }
  }
}

// Y = Aᵀ M A + bias for tiles b < nb and output channels c0 … c1 − 1 (M's leading dimension ld).
@inline function output7(p: usize, m: usize, coords: usize, nb: i32, c0: i32, c1: i32, ld: i32, work: usize, side: i32): void {
  const bias = ptr(p, CONV_C), out = ptr(p, CONV_OUT), cout = arg(p, CONV_COUT), d = al64(work + <usize>padBytesOf(p, side, 7, side));
  const oh = arg(p, CONV_OH), ow = arg(p, CONV_OW), tw = tilesOf(ow, side);
  const mStride = planeStride(cout, ld), outPlane = <usize>(oh * ow) * 4, rs = <usize>ow * 4;
  for (let co = c0; co < c1; co++) {
    const bv: f32 = bias != 0 ? load<f32>(bias + (<usize>co << 2)) : 0;
    const bias4 = f32x4.splat(bv);
    let b = 0;
    while (b < nb) {
      const lanes = groupAt(coords, b, nb, tw, side);
      const src = m + (<usize>(co * ld + b) << 2);
      // Aᵀ M down the 7 columns (rows 0 … side − 1 of d), then each row times A.
      for (let j = 0; j < 7; j++) aColumn7(side, src + <usize>j * mStride, 7 * mStride, d + <usize>(16 * j), 112);
      const oy0 = coord(coords, b, 1), ox0 = coord(coords, b, 2);
      if (sameRow(coords, b, side, lanes - 1)) {
        // Row i of the tiles, in one row: 4·side consecutive outputs, or as many as the tiles and
        // the map's edge leave (row3, row4; AlexNet's 27²: rows of 9 tiles, a lone one after two groups).
        const o = tileOut(coords, b, out, cout, co, outPlane, ow), cols = min(side * lanes, ow - ox0);
        for (let i = 0; i < min(side, oh - oy0); i++) aColumn7(side, d + <usize>(112 * i), 16, o + <usize>i * rs, 0, true, bias4, cols);
      } else {
        for (let i = 0; i < side; i++) aColumn7(side, d + <usize>(112 * i), 16, d + <usize>(112 * i), 16);
        storeTiles(p, coords, b, lanes, co, d, 112, bv, side);
      }
      b += lanes;
    }
  }
}

// The frame's steps for each side.
function input73(p: usize, ci0: i32, ci1: i32, coords: usize, nb: i32, v: usize, ld: i32, work: usize): void { input7(p, ci0, ci1, coords, nb, v, ld, work, 3); }
function input74(p: usize, ci0: i32, ci1: i32, coords: usize, nb: i32, v: usize, ld: i32, work: usize): void { input7(p, ci0, ci1, coords, nb, v, ld, work, 4); }
function output73(p: usize, m: usize, coords: usize, nb: i32, c0: i32, c1: i32, ld: i32, work: usize): void { output7(p, m, coords, nb, c0, c1, ld, work, 3); }
function output74(p: usize, m: usize, coords: usize, nb: i32, c0: i32, c1: i32, ld: i32, work: usize): void { output7(p, m, coords, nb, c0, c1, ld, work, 4); }

// Y for this part's tiles or output channels (the frame's forwardTask), blocks rounded up to
// whole 8-column panels of the GEMMs.
export function convWinograd7Task(p: usize, part: i32, parts: i32, slot: i32): void {
  forwardTask(p, part, parts, slot, 49, 3, TB, 8, workBytes(p, 3), input73, products6, output73);
}
@inline export function convWinograd7x4Task(p: usize, part: i32, parts: i32, slot: i32): void {
  forwardTask(p, part, parts, slot, 49, 4, TB4, 8, workBytes(p, 4), input74, products6, output74);
}

// The forward in phases (the frame's forwardPhaseTask) where all tiles fit one block of PHASE_TB with
// the 3 columns a group's input transform may write past them: the shared blocks' bytes, else 0,
// and the task.
@inline export function winograd7SidePhaseBytes(p: usize, side: i32): i32 { return forwardPhaseBytes(p, 49, side, PHASE_TB, 3); }
export function winograd7PhaseBytes(p: usize): i32 { return winograd7SidePhaseBytes(p, 3); }
export function winograd7PhaseTask(p: usize, part: i32, parts: i32, slot: i32): void {
  forwardPhaseTask(p, part, parts, slot, 49, 3, PHASE_TB, 3, workBytes(p, 3), input73, products6, output73);
}
@inline export function winograd7x4PhaseTask(p: usize, part: i32, parts: i32, slot: i32): void {
  forwardPhaseTask(p, part, parts, slot, 49, 4, PHASE_TB, 3, workBytes(p, 4), input74, products6, output74);
}
