// Weight gradient of a 3×3, stride-1, undilated, ungrouped convolution by Winograd F(2×2, 3×3),
// or with CONV_GRAD_SIDE 4 by F(4×4, 3×3) (its 36 planes: winograd4-weight-grad.ts; the same
// lanes, steps and GEMMs), or of a stride-2 one (CONV_SH 2, side 2) by winograd-s2.ts's algorithm
// (its 25 planes: winograd-s2-weight-grad.ts). The forward pass computes each 2×2 output tile as
// Y = Aᵀ [U ⊙ V] A with U = G g Gᵀ and V = Bᵀ d B (see winograd.ts), so the gradient of U[ξ]
// sums (A dY Aᵀ)[ξ] · V[ξ] over all tiles, 16 GEMMs (cout × tiles) · (tiles × cin) with the tiles
// as the long K side, and gw = Gᵀ dU G: 16 products per channel pair and tile instead of 36.
// The tiles are cut into a fixed number of lanes (contiguous ranges; the count depends on the
// geometry only, so results never depend on the thread count), each summing its own dU:
//   winogradGradLaneTask (a part per lane): per step of CONV_GRAD_LD tiles, V and M = A dY Aᵀ of
//     the step's tiles into the thread's scratch, then dU_lane[ξ] (+)= M[ξ] · V[ξ]ᵀ;
//   winogradGradFinishTask (threads split the channel pairs): gw = Gᵀ (Σ_lane dU_lane) G.
// A thread writes V and M and reads them straight back while they are in its own cache. They were
// once shared by all threads, split by tiles for the transforms and by ξ for the GEMMs: every
// line then moved between the cores twice per chunk, and on two threads the transforms took 1.7×
// longer than on one (16→16 at 32², batch 128: 4.0 → 6.7–7.1 ms).
import {
  CONV_BATCH, CONV_C, CONV_CIN, CONV_COUT, CONV_GRAD_BASE, CONV_GRAD_LANES, CONV_GRAD_LD, CONV_GRAD_SIDE, CONV_OH,
  CONV_OW, CONV_SCRATCH, CONV_SCRATCH_STRIDE, CONV_SH, CONV_W, CONV_X,
} from '../abi';
import { gemmCore, gemmScratchBytes } from './gemm';
import { arg, ptr, splitAt } from './params';
import { al64, inputTransform, paddedPlaneBytes, planeStride, sameRow, tileCoords } from './winograd';
import { GROUP_BYTES, inputTransform4, paddedPlane6Bytes } from './winograd6';
import { gradTableBytes, gradTransform4, weightGrad4 } from './winograd4-weight-grad';
import { inputTransform as inputTransformS2, paddedBytes as paddedBytesS2 } from './winograd-s2';
import { gradRowsS2, weightGradS2 } from './winograd-s2-weight-grad';

// Floats of one step's V and M: a little over half of a core's L2 (1 MiB on this machine's Zen
// cores), 36·32·128, W8's 16→16 at 32² in steps of 128 tiles (winogradGradStep). Its 32→32 at 16²
// (batch 128, 8 lanes of 256 tiles) then takes steps of 64 tiles, 4 a lane, where 2¹⁷ gave 48, 5
// or 6 a lane: 2 threads 0.95× the time, 1 thread 1.00× (alternating call by call). 128→128 at 28²,
// batch 8 now takes MIN_STEP (32 tiles, was 16): 0.89× at 1 thread, 0.96× at 2.
const STEP_FLOATS: i32 = 147456;
// Most lanes: enough to spread over the threads (claimed one at a time, see thread-pool.ts), few
// enough that summing their dU costs little next to the GEMMs. Up to twice as many where all their
// dU fit in SMALL_DU_BYTES: the thread that finishes first then waits at most half as long for the
// other's last lane, and the finish still reads its sums from L2. W8's 16→16 at 32², batch 128, 2
// threads, 8 lanes against 16 alternating call by call (inputs out of cache; median of 40): 5.44
// against 5.10 ms, 1 thread 7.99 / 8.06; 32→32 at 16² (147 KB of dU a lane) 3.39 against 3.18 at 2
// threads but 5.17 against 5.28 at 1, so it keeps 8.
const MAX_LANES: i32 = 8;
const MAX_SMALL_LANES: i32 = 16;
const SMALL_DU_BYTES: usize = 1 << 20;
// Fewest tiles per lane (but two lanes where there are two steps, for two threads): each lane
// writes all of its dU and the finish reads it back, which for many channels and few tiles cost
// more than the GEMMs (256→256 at 14², batch 8, F(4×4): 8 lanes of 16 tiles, the finish 15–27
// ms of 33–52; 2 lanes: 4 of 25).
const LANE_TILES: i32 = 64;

@inline function four(p: usize): bool { return arg(p, CONV_GRAD_SIDE) == 4; }
@inline function strided(p: usize): bool { return arg(p, CONV_SH) == 2; }
// Planes ξ of V, M and dU: 16 for F(2×2), 36 for F(4×4), 25 for stride 2.
@inline function planes(p: usize): i32 { return four(p) ? 36 : strided(p) ? 25 : 16; }
// Tiles per image row and per image.
@inline function tilesWide(p: usize): i32 { const s = arg(p, CONV_GRAD_SIDE); return (arg(p, CONV_OW) + s - 1) / s; }
@inline function tilesPerImage(p: usize): i32 {
  const s = arg(p, CONV_GRAD_SIDE);
  return (arg(p, CONV_OH) + s - 1) / s * tilesWide(p);
}
@inline function tileCount(p: usize): i32 { return arg(p, CONV_BATCH) * tilesPerImage(p); }

// Fewest tiles per step (the GEMMs' K) where that step's V and M fit twice STEP_FLOATS, else 16: at
// K = 16 each 4×8 tile of dU is loaded, updated by 16 products and stored again, and the calls and
// packing per plane take a large share. W2's 64 → 64 at 56², batch 8, by F(4×4) (36·128 floats a
// tile: 28 within STEP_FLOATS), 1 thread, best CPU time of 7, 3 alternating rounds on a busy
// machine: steps of 16 tiles 17.5–19.3 ms, 32 15.1–17.0, 64 17.1–17.7 (V, M and a lane's dU past L2).
const MIN_STEP: i32 = 32;

/** Tiles per step (CONV_GRAD_SIDE set; a multiple of 16, so that rows of V and M start on cache lines). */
export function winogradGradStep(p: usize): i32 {
  const per = planes(p) * (arg(p, CONV_CIN) + arg(p, CONV_COUT));
  const least = MIN_STEP * per <= 2 * STEP_FLOATS ? MIN_STEP : 16;
  const step = min((tileCount(p) + 15) & ~15, max(least, STEP_FLOATS / per & ~15));
  // Whole images where a step holds more than one: a step spanning images copies each one's input
  // planes whole (winograd6.ts's padRows), so one ending inside an image had the next step copy it
  // again. W8's 16→16 at 32², batch 128 (64 tiles an image), 1 thread, alternating call by call:
  // steps of 112 tiles 1.00, 64 1.00, 128 0.94, 192 0.97, 256 0.99 (STEP_FLOATS now gives it 128).
  // Its 16→32 stride 2 (25 planes): 128 tiles, not 112 (2¹⁷ gave 96: 0.97× the time at 1 thread, 0.95× at 2).
  const image = tilesPerImage(p);
  return image % 16 == 0 && image < step ? (step + image / 2) / image * image : step;
}

/** Lanes (CONV_GRAD_LD set): at least a step and LANE_TILES tiles each, or two steps. */
export function winogradGradLanes(p: usize): i32 {
  const tiles = tileCount(p), ld = arg(p, CONV_GRAD_LD);
  const most = max(MAX_LANES, min(MAX_SMALL_LANES, <i32>(SMALL_DU_BYTES / duBytes(p))));
  return min(most, max(1, max(min(2, tiles / ld), tiles / max(LANE_TILES, ld))));
}

// Bytes between the planes of a lane's dU (cout × cin each) and a cache line more: planes a
// multiple of 4 KiB apart put the finish's 16 or 36 (times the lanes) streams in one cache set
// (256→256 at 14², batch 8, F(4×4): the finish took 28–40 ms, the lanes 17–21).
@inline function duPlane(p: usize): usize { return <usize>(arg(p, CONV_COUT) * arg(p, CONV_CIN)) * 4 + 64; }
// Bytes of one lane's dU (16 or 36 planes), and of V and M in a thread's scratch.
@inline function duBytes(p: usize): usize { return al64(<usize>planes(p) * duPlane(p)); }
@inline function vBytes(p: usize): usize { return al64(planes(p) * planeStride(arg(p, CONV_CIN), arg(p, CONV_GRAD_LD))); }
@inline function mBytes(p: usize): usize { return al64(planes(p) * planeStride(arg(p, CONV_COUT), arg(p, CONV_GRAD_LD))); }
// The transforms' working space: a padded input plane, and for F(4×4) and stride 2 a group's
// 6×6 or 5×5 vectors (F(4×4): then gradTransform4's table).
@inline function transformBytes(p: usize): i32 {
  if (strided(p)) return paddedBytesS2(p) + 64 + GROUP_BYTES;
  return four(p) ? paddedPlane6Bytes(p, 4) + 64 + GROUP_BYTES + gradTableBytes(arg(p, CONV_GRAD_LD)) : paddedPlaneBytes(p);
}

/** Bytes of the lanes' sums (CONV_GRAD_LD and CONV_GRAD_LANES set). */
export function winogradGradBytes(p: usize): i32 {
  return <i32>(<usize>arg(p, CONV_GRAD_LANES) * duBytes(p));
}

/** Scratch bytes per thread: V, M, tile coordinates, then the transforms' space or GEMM packing space. */
export function winogradGradScratchBytes(p: usize): i32 {
  const ld = arg(p, CONV_GRAD_LD);
  return <i32>(vBytes(p) + mBytes(p)) + 3 * ld * 4 + 64 +
    max(transformBytes(p), gemmScratchBytes(ld, arg(p, CONV_CIN))) + 128;
}

export function winogradGradLaneTask(p: usize, lane: i32, lanes: i32, slot: i32): void {
  const x = ptr(p, CONV_X), gy = ptr(p, CONV_W), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT);
  const oh = arg(p, CONV_OH), ow = arg(p, CONV_OW), ld = arg(p, CONV_GRAD_LD);
  const side = arg(p, CONV_GRAD_SIDE), tw = tilesWide(p), tiles = tilesPerImage(p), total = tileCount(p), np = planes(p);
  const v = al64(ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE)), m = v + vBytes(p);
  const coords = m + mBytes(p), work = al64(coords + <usize>(3 * ld) * 4);
  // F(4×4) and stride 2: a group's vectors after the padded plane.
  const group = al64(work + <usize>(strided(p) ? paddedBytesS2(p) : paddedPlane6Bytes(p, 4)));
  const du = ptr(p, CONV_GRAD_BASE) + <usize>lane * duBytes(p);
  const vs = planeStride(cin, ld), ms = planeStride(cout, ld);
  // Lanes of whole steps (only the last lane's last step partial): each lane ending in a step of
  // a few tiles paid a whole step's dU update for them (W2's 64→64 56², batch 8: 8 lanes of 196
  // tiles, each 12 steps of 16 and one of 4).
  const t1 = splitAt(total, lanes, lane + 1, ld);
  for (let t0 = splitAt(total, lanes, lane, ld), step = 0; t0 < t1; t0 += ld, step++) {
    const nb = min(ld, t1 - t0);
    tileCoords(coords, t0, nb, tiles, tw, side);
    if (side == 4) {
      inputTransform4(p, x, cin, coords, nb, v, ld, work, group);
      gradTransform4(p, gy, cout, coords, nb, m, ld, group, group + GROUP_BYTES);
    } else {
      if (strided(p)) inputTransformS2(p, 0, cin, coords, nb, v, ld, work, group);
      else inputTransform(p, x, cin, 0, cin, coords, nb, v, ld, work);
      gradTransform(gy, cout, oh, ow, coords, nb, m, ld, strided(p));
    }
    for (let xi = 0; xi < np; xi++) {
      gemmCore(cout, cin, nb, m + <usize>xi * ms, ld, false, v + <usize>xi * vs, ld, true,
        du + <usize>xi * duPlane(p), cin, step > 0, 0, work);
    }
  }
}

// M[ξ][co][b] = A dY Aᵀ for the 2×2 output-gradient tiles (zeros past the output's edge): with
// rows r = A dY = [a, b], [a + c, b + d], [a − c, b − d], [−c, −d], each row [s, t] becomes
// [s, s + t, s − t, −t]; for stride 2 (`s2`), winograd-s2.ts's A (gradRowsS2). Four tiles of a
// row at once where they lie inside the output.
export function gradTransform(gy: usize, cout: i32, oh: i32, ow: i32, coords: usize, nb: i32, m: usize, ld: i32, s2: bool): void {
  const ms = planeStride(cout, ld), outPlane = <usize>(oh * ow) * 4;
  for (let co = 0; co < cout; co++) {
    let b = 0;
    while (b < nb) {
      const n = load<i32>(coords + (<usize>(3 * b) << 2));
      const oy = load<i32>(coords + (<usize>(3 * b + 1) << 2)), ox = load<i32>(coords + (<usize>(3 * b + 2) << 2));
      const src = gy + <usize>(n * cout + co) * outPlane + (<usize>(oy * ow + ox) << 2);
      const dst = m + (<usize>(co * ld + b) << 2);
      let a: v128, bb: v128, c: v128, d: v128, step = 1;
      if (b + 4 <= nb && oy + 2 <= oh && ox + 8 <= ow && sameRow(coords, b)) {
        const r0 = v128.load(src), r1 = v128.load(src, 16);
        const s0 = v128.load(src + <usize>ow * 4), s1 = v128.load(src + <usize>ow * 4, 16);
        a = i32x4.shuffle(r0, r1, 0, 2, 4, 6); bb = i32x4.shuffle(r0, r1, 1, 3, 5, 7);
        c = i32x4.shuffle(s0, s1, 0, 2, 4, 6); d = i32x4.shuffle(s0, s1, 1, 3, 5, 7);
        step = 4;
      } else {
        const right = ox + 1 < ow, below = oy + 1 < oh;
        a = f32x4.splat(load<f32>(src));
        bb = f32x4.splat(right ? load<f32>(src, 4) : 0);
        c = f32x4.splat(below ? load<f32>(src + <usize>ow * 4) : 0);
        d = f32x4.splat(right && below ? load<f32>(src + <usize>ow * 4, 4) : 0);
      }
      if (s2) {
        gradRowsS2(dst, ms, step, a, bb, c, d);
      } else {
        storeRow(dst, ms, step, a, bb);
        storeRow(dst + 4 * ms, ms, step, f32x4.add(a, c), f32x4.add(bb, d));
        storeRow(dst + 8 * ms, ms, step, f32x4.sub(a, c), f32x4.sub(bb, d));
        storeRow(dst + 12 * ms, ms, step, f32x4.neg(c), f32x4.neg(d));
      }
      b += step;
    }
  }
}

// Row [s, s + t, s − t, −t] of M at ξ = 4i … 4i + 3 (ms bytes apart): 4 tiles' lanes, or lane 0 of one.
@inline function storeRow(dst: usize, ms: usize, tiles: i32, s: v128, t: v128): void {
  const q1 = f32x4.add(s, t), q2 = f32x4.sub(s, t), q3 = f32x4.neg(t);
  if (tiles == 4) {
    v128.store(dst, s); v128.store(dst + ms, q1); v128.store(dst + 2 * ms, q2); v128.store(dst + 3 * ms, q3);
  } else {
    store<f32>(dst, f32x4.extract_lane(s, 0)); store<f32>(dst + ms, f32x4.extract_lane(q1, 0));
    store<f32>(dst + 2 * ms, f32x4.extract_lane(q2, 0)); store<f32>(dst + 3 * ms, f32x4.extract_lane(q3, 0));
  }
}

// gw(co, ci) = Gᵀ D G for D = the lanes' dU summed in lane order. Four channel pairs at a time,
// one per vector lane; their 9 taps each go through the thread's scratch (tmp: 9 vectors, then
// F(4×4)'s 36 summed planes) to gw's (pair, tap) order.
export function winogradGradFinishTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const pairs = arg(p, CONV_COUT) * arg(p, CONV_CIN), gw = ptr(p, CONV_C);
  const tmp = al64(ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE)), d = tmp + 144;
  const k1 = splitAt(pairs, parts, part + 1, 4);
  for (let k = splitAt(pairs, parts, part, 4); k < k1; k += 4) {
    const live = min(4, k1 - k), at = ptr(p, CONV_GRAD_BASE) + (<usize>k << 2);
    if (four(p) || strided(p)) {
      for (let xi = 0, np = planes(p); xi < np; xi++) v128.store(d + <usize>(16 * xi), sumLanes(p, at, xi, live));
      if (four(p)) weightGrad4(d, tmp);
      else weightGradS2(d, tmp);
    } else {
      finish2(p, at, live, tmp);
    }
    for (let q = 0; q < live; q++) {
      for (let e = 0; e < 9; e++) store<f32>(gw + (<usize>((k + q) * 9 + e) << 2), load<f32>(tmp + (<usize>(4 * e + q) << 2)));
    }
  }
}

// F(2×2)'s Gᵀ D G: rows of Gᵀ D, then each times G, with Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1] both
// times; the 9 taps to out (16 bytes per tap).
@inline function finish2(p: usize, at: usize, live: i32, tmp: usize): void {
  const d00 = sumLanes(p, at, 0, live), d01 = sumLanes(p, at, 1, live), d02 = sumLanes(p, at, 2, live), d03 = sumLanes(p, at, 3, live);
  const d10 = sumLanes(p, at, 4, live), d11 = sumLanes(p, at, 5, live), d12 = sumLanes(p, at, 6, live), d13 = sumLanes(p, at, 7, live);
  const d20 = sumLanes(p, at, 8, live), d21 = sumLanes(p, at, 9, live), d22 = sumLanes(p, at, 10, live), d23 = sumLanes(p, at, 11, live);
  const d30 = sumLanes(p, at, 12, live), d31 = sumLanes(p, at, 13, live), d32 = sumLanes(p, at, 14, live), d33 = sumLanes(p, at, 15, live);
  finishRow(tmp, g0(d00, d10, d20), g0(d01, d11, d21), g0(d02, d12, d22), g0(d03, d13, d23));
  finishRow(tmp + 48, g1(d10, d20), g1(d11, d21), g1(d12, d22), g1(d13, d23));
  finishRow(tmp + 96, g2(d10, d20, d30), g2(d11, d21, d31), g2(d12, d22, d32), g2(d13, d23, d33));
}

// dU[ξ] of 4 channel pairs from `at` on (`live` of them real), summed over the lanes in order.
@inline function sumLanes(p: usize, at: usize, xi: i32, live: i32): v128 {
  const a = at + <usize>xi * duPlane(p), lane = duBytes(p);
  let s = load4(a, live);
  for (let l = 1, lanes = arg(p, CONV_GRAD_LANES); l < lanes; l++) s = f32x4.add(s, load4(a + <usize>l * lane, live));
  return s;
}

@inline function load4(a: usize, live: i32): v128 {
  if (live == 4) return v128.load(a);
  return f32x4(load<f32>(a), live > 1 ? load<f32>(a, 4) : 0, live > 2 ? load<f32>(a, 8) : 0, 0);
}

// The rows of Gᵀ: a + ½(b + c), ½(b − c), ½(b + c) + d.
@inline function g0(a: v128, b: v128, c: v128): v128 { return f32x4.add(a, f32x4.mul(f32x4.splat(0.5), f32x4.add(b, c))); }
@inline function g1(b: v128, c: v128): v128 { return f32x4.mul(f32x4.splat(0.5), f32x4.sub(b, c)); }
@inline function g2(b: v128, c: v128, d: v128): v128 { return f32x4.add(f32x4.mul(f32x4.splat(0.5), f32x4.add(b, c)), d); }

// Row r = [r0 r1 r2 r3] of Gᵀ D times G: taps 3r … 3r + 2, stored at out (16 bytes per tap).
@inline function finishRow(out: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  v128.store(out, g0(r0, r1, r2));
  v128.store(out, g1(r1, r2), 16);
  v128.store(out, g2(r1, r2, r3), 32);
}
