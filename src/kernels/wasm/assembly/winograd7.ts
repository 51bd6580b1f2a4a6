// 5×5, stride-1, undilated, ungrouped convolution forward by Winograd F(3×3, 5×5): a 7×7 input
// tile gives a 3×3 output tile with 49 products per channel pair (5.4 per output against
// F(2×2, 5×5)'s 9 in winograd5x5.ts). Interpolation points 0, ±1, ±2, ½, ∞ (F(2×2)'s and ½: with
// −½, ±½ and 2, or 3 instead, the rounding error measured larger; conv-paths.ts), with Bᵀ's rows
// but the one of ½ doubled (exact: G's halved) so that all its coefficients are integers:
//   Bᵀ = [−4 8 5 −10 −1 2 0; 0 4 −4 −9 1 2 0; 0 −4 12 −7 −3 2 0; 0 2 −3 −4 3 2 0;
//         0 −2 5 0 −5 2 0; 0 4 0 −5 0 1 0; 0 −4 8 5 −10 −1 2]
//   G = [−¼ 0 0 0 0; −⅙(1 1 1 1 1); 1⁄18(1 −1 1 −1 1); 1⁄72(1 2 4 8 16); −1⁄120(1 −2 4 −8 16);
//        2⁄45(16 8 4 2 1); 0 0 0 0 ½]
//   Aᵀ = [1 1 1 1 1 1 0; 0 1 −1 2 −2 ½ 0; 0 1 1 4 4 ¼ 1]
// (checked numerically against the direct sums). The scheme of winograd6.ts on the frame
// (winograd-frame.ts): per block of tiles V = Bᵀ d B, 49 GEMMs M[ξ] = U[ξ] · V[ξ] (products6),
// Y = Aᵀ M A + bias; four tiles through the transforms at once, one per lane, each lane's
// operations the same whichever group or thread it lands in.
import { gemmScratchBytes, kcFor, madd, paddedRows } from './gemm';
import { CONV_C, CONV_CIN, CONV_COUT, CONV_OH, CONV_OUT, CONV_OW, CONV_SCRATCH, CONV_SCRATCH_STRIDE, CONV_W, CONV_WINOGRAD_U, CONV_X } from '../abi';
import { arg, ptr } from './params';
import { al64, planeStride, sameRow, uPlaneBytes, zeroPad } from './winograd';
import { col3, coord, gatherGroup, groupAt, products6, row3, storeTiles } from './winograd6';
import {
  forwardPhaseBytes, forwardPhaseTask, forwardScratchBytes, forwardTask, groupWorkBytes, padBytesOf, padColsOf, padRowsOf, tilesOf,
} from './winograd-frame';

// Tiles per block at most (9 outputs each). AlexNet's 64 → 192 at 27² (81 tiles), 1 thread, best
// of 11, 3 alternating rounds (busy machine): blocks of 48 (two: 48 + 33) 2.53–2.60 ms, of 32
// 2.64–2.70, of 64 2.67–2.85, all 81 in one of 96 2.89–3.78.
const TB: i32 = 48;
// Tiles the phases' one block holds at most (the forward in phases, for 2 threads on few tiles):
// AlexNet's 81 and the 3 columns past them.
const PHASE_TB: i32 = 96;

// The frame's `work`: the padded plane (7 rows from every tile row's start; a group's whole-vector
// loads, 16 values from 4 tiles' start), then a group's 7×7 vectors (row r, column c at
// 16·(7r + c)), the transforms' working space.
@inline function workBytes(p: usize): i32 { return groupWorkBytes(p, 3, 7, 3, 49 * 16); }

// Per-thread scratch of convWinograd7Task, with GEMM packing space for the phases' wider block (the
// phases' tile coordinates, and the weight transform's taps and G g, fit in its V and M).
export function winograd7ScratchBytes(p: usize, nt: i32): i32 {
  return forwardScratchBytes(p, 49, TB, workBytes(p), gemmScratchBytes(arg(p, CONV_CIN), PHASE_TB));
}

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

// Three vectors y = Aᵀ·(m0 … m6), from m_k at src + k·ss: to dst + k·ds, or with `row` as a row
// of 4 tiles' outputs plus bias4 (12 consecutive outputs at dst, or the first `cols`), one definition of the sums for
// both, so a tile's outputs do not depend on which path (whole group or lane by lane) wrote them.
@inline function aColumn7(src: usize, ss: usize, dst: usize, ds: usize, row: bool = false, bias4: v128 = f32x4.splat(0),
  cols: i32 = 12): void {
  const m0 = v128.load(src), m1 = v128.load(src + ss), m2 = v128.load(src + 2 * ss), m3 = v128.load(src + 3 * ss);
  const m4 = v128.load(src + 4 * ss), m5 = v128.load(src + 5 * ss), m6 = v128.load(src + 6 * ss);
  const a = f32x4.add(m1, m2), b = f32x4.sub(m1, m2), c = f32x4.add(m3, m4), d = f32x4.sub(m3, m4);
  const y0 = f32x4.add(f32x4.add(f32x4.add(m0, a), c), m5);
  const y1 = madd(f32x4.splat(0.5), m5, madd(f32x4.splat(2), d, b));
  const y2 = f32x4.add(madd(f32x4.splat(4), c, a), madd(f32x4.splat(0.25), m5, m6));
  if (row) row3(dst, y0, y1, y2, bias4, cols);
  else {
    v128.store(dst, y0);
    v128.store(dst + ds, y1);
    v128.store(dst + 2 * ds, y2);
  }
}

// Seven vectors G·(g0 … g4) to dst + k·ds, from g_k at src + k·ss.
@inline function gColumn7(src: usize, ss: usize, dst: usize, ds: usize): void {
  const g0 = v128.load(src), g1 = v128.load(src + ss), g2 = v128.load(src + 2 * ss), g3 = v128.load(src + 3 * ss);
  const g4 = v128.load(src + 4 * ss);
  const s = f32x4.add(f32x4.add(g0, g2), g4), t = f32x4.add(g1, g3);
  const h = madd(f32x4.splat(16), g4, madd(f32x4.splat(4), g2, g0)), q = madd(f32x4.splat(8), g3, f32x4.mul(f32x4.splat(2), g1));
  const e = madd(f32x4.splat(4), g2, madd(f32x4.splat(2), g3, g4));
  v128.store(dst, f32x4.mul(g0, f32x4.splat(-0.25)));
  v128.store(dst + ds, f32x4.mul(f32x4.add(s, t), f32x4.splat(<f32>-1 / 6)));
  v128.store(dst + 2 * ds, f32x4.mul(f32x4.sub(s, t), f32x4.splat(<f32>1 / 18)));
  v128.store(dst + 3 * ds, f32x4.mul(f32x4.add(h, q), f32x4.splat(<f32>1 / 72)));
  v128.store(dst + 4 * ds, f32x4.mul(f32x4.sub(h, q), f32x4.splat(<f32>-1 / 120)));
  v128.store(dst + 5 * ds, f32x4.mul(madd(f32x4.splat(16), g0, madd(f32x4.splat(8), g1, e)), f32x4.splat(<f32>2 / 45)));
  v128.store(dst + 6 * ds, f32x4.mul(g4, f32x4.splat(0.5)));
}

// U[ξ] to CONV_WINOGRAD_U in packAWhole's layout, uPlaneBytes apart; threads split the output
// channels by 4-row panels, the 4 filters of a panel being the 4 lanes (winograd-wide-weights.ts's
// order). Runs once per weight change.
export function winograd7WeightsTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const w = ptr(p, CONV_W), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT), u = ptr(p, CONV_WINOGRAD_U);
  const mPad = paddedRows(cout), kcMax = kcFor(cin), panels = mPad >> 2, plane = uPlaneBytes(cout, cin);
  const taps = al64(ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE)); // 25 vectors
  const t = taps + 25 * 16; // G g: 7 rows of 5 vectors
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
      for (let c = 0; c < 5; c++) gColumn7(taps + <usize>c * 16, 80, t + <usize>c * 16, 80);
      for (let i = 0; i < 7; i++) gColumn7(t + <usize>i * 80, 16, dst + <usize>(7 * i) * plane, plane);
    }
  }
}

// V[ξ][ci][b] = Bᵀ d B for tiles b < nb (coords from tileCoords with side 3) and input channels
// ci0 … ci1 − 1, tile b of channel ci at v + (ci·ld + b)·4, planes planeStride(cin, ld) apart; 4
// tiles of a row at once (one per lane), else lane by lane (winograd6.ts's groups). Lanes past a
// group's tiles write columns that later groups overwrite or that lie past the tiles (within ld).
function input7(p: usize, ci0: i32, ci1: i32, coords: usize, nb: i32, v: usize, ld: i32, work: usize): void {
  const x = ptr(p, CONV_X), cin = arg(p, CONV_CIN), tw = tilesOf(arg(p, CONV_OW), 3);
  const pad = work, d = al64(work + <usize>padBytesOf(p, 3, 7, 3));
  const rows = padRowsOf(p, 3, 7), cols = padColsOf(p, 3), rs = <usize>cols << 2, vStride = planeStride(cin, ld);
  zeroPad(pad, rows, cols);
  for (let ci = ci0; ci < ci1; ci++) {
    let b = 0, loaded = -1;
    while (b < nb) {
      // A group in one row, of 4 tiles or fewer (the lone one of a 27² row), loads whole vectors:
      // lanes past its tiles load values past them, at most 8 floats past the plane (into d).
      const lanes = groupAt(coords, b, nb, tw, 3), whole = sameRow(coords, b, 3, lanes - 1);
      loaded = gatherGroup(p, x, cin, ci, coords, b, lanes, whole, pad, rows, cols, loaded, d, 7, 7, 112);
      const at = pad + (<usize>(coord(coords, b, 1) * cols + coord(coords, b, 2)) << 2);
      // d B along each row r (of a whole group, tile k's column c is value 3k + c of the row:
      // col3), then Bᵀ (d B) down the columns j, into V[7i + j].
      for (let r = 0; r < 7; r++) {
        const dr = d + <usize>(112 * r);
        if (whole) {
          const s = at + <usize>r * rs;
          for (let c = 0; c < 7; c++) v128.store(dr + <usize>(16 * c), col3(s, c));
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
function output7(p: usize, m: usize, coords: usize, nb: i32, c0: i32, c1: i32, ld: i32, work: usize): void {
  const bias = ptr(p, CONV_C), out = ptr(p, CONV_OUT), cout = arg(p, CONV_COUT), d = al64(work + <usize>padBytesOf(p, 3, 7, 3));
  const oh = arg(p, CONV_OH), ow = arg(p, CONV_OW), tw = tilesOf(ow, 3);
  const mStride = planeStride(cout, ld), outPlane = <usize>(oh * ow) * 4, rs = <usize>ow * 4;
  for (let co = c0; co < c1; co++) {
    const bv: f32 = bias != 0 ? load<f32>(bias + (<usize>co << 2)) : 0;
    const bias4 = f32x4.splat(bv);
    let b = 0;
    while (b < nb) {
      const lanes = groupAt(coords, b, nb, tw, 3);
      const src = m + (<usize>(co * ld + b) << 2);
      // Aᵀ M down the 7 columns (rows 0 … 2 of d), then each row times A.
      for (let j = 0; j < 7; j++) aColumn7(src + <usize>j * mStride, 7 * mStride, d + <usize>(16 * j), 112);
      const n0 = coord(coords, b, 0), oy0 = coord(coords, b, 1), ox0 = coord(coords, b, 2);
      if (sameRow(coords, b, 3, lanes - 1)) {
        // Row i of the tiles, in one row: 12 consecutive outputs, or as many as the tiles and the
        // map's edge leave (row3; AlexNet's 27²: rows of 9 tiles, a lone one after two groups).
        const o = out + <usize>(n0 * cout + co) * outPlane + (<usize>(oy0 * ow + ox0) << 2), cols = min(3 * lanes, ow - ox0);
        for (let i = 0; i < min(3, oh - oy0); i++) aColumn7(d + <usize>(112 * i), 16, o + <usize>i * rs, 0, true, bias4, cols);
      } else {
        for (let i = 0; i < 3; i++) aColumn7(d + <usize>(112 * i), 16, d + <usize>(112 * i), 16);
        storeTiles(p, coords, b, lanes, co, d, 112, bv, 3);
      }
      b += lanes;
    }
  }
}

// Y for this part's tiles or output channels (the frame's forwardTask), blocks rounded up to
// whole 8-column panels of the GEMMs.
export function convWinograd7Task(p: usize, part: i32, parts: i32, slot: i32): void {
  forwardTask(p, part, parts, slot, 49, 3, TB, 8, workBytes(p), input7, products6, output7);
}

// The forward in phases (the frame's forwardPhaseTask) where all tiles fit one block of PHASE_TB with
// the 3 columns a group's input transform may write past them: the shared blocks' bytes, else 0,
// and the task.
export function winograd7PhaseBytes(p: usize): i32 { return forwardPhaseBytes(p, 49, 3, PHASE_TB, 3); }
export function winograd7PhaseTask(p: usize, part: i32, parts: i32, slot: i32): void {
  forwardPhaseTask(p, part, parts, slot, 49, 3, PHASE_TB, 3, workBytes(p), input7, products6, output7);
}
