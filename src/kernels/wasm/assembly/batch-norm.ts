// Batch normalisation over (N, C, S). The reference runs in f64 (two passes for the variance);
// here f32 lanes do the element-wise work, 8 floats a step, and their sums go to f64 every BLOCK
// floats of a plane (8 terms a lane), so the f32 rounding stays that of 8-term sums: in f64 every
// step, promoting and demoting bound the kernels at a third of a copy's speed. The backward's gx
// takes f64 in channels where it nearly cancels (see backwardEnd). The variance is one pass of
// shifted sums; every difference from the mean or the shift is taken before scaling, so that
// with |mean| ≫ std nothing large cancels in f32.
// The fused batch norm + ReLU (+ residual) is the same forward and backward with the ReLU (and the
// residual's add) applied in the pass that already touches every element. Without a residual, the
// backward's ReLU mask [y > 0] comes from x, which both its passes read anyway, recomputed with
// the forward's f32 operations (so the same mask), instead of two passes over y.
import {
  BN_BACKWARD, BN_BACKWARD_END, BN_BATCH, BN_BIAS, BN_BY_PLANES, BN_CHANNELS, BN_FORWARD, BN_GRAD_BIAS, BN_GRAD_INPUT,
  BN_GRAD_RESIDUAL, BN_GRAD_WEIGHT, BN_GY, BN_INV_STD, BN_MEAN, BN_OUT, BN_PASS, BN_RELU, BN_RESIDUAL, BN_SCRATCH,
  BN_SPATIAL, BN_STATS, BN_STATS_END, BN_TRAINING, BN_WEIGHT, BN_X,
} from '../abi';
import { arg, ptr, splitAt } from './params';

// Every pass over the data splits the (image, channel) planes, so that each thread streams one
// contiguous range. The reductions' threads had split the channels, each walking every image
// for its channels' planes: runs of 2–8 KiB 16–64 KiB apart, which on 2 threads ran slower than
// one thread's single stream (W8's 32 ch × 16²: backward sums 0.33 ms on 2, 0.23 on 1). Each
// plane's sums, in f64, now go to a slot of their own (BN_BY_PLANES), and an END pass split by
// channels adds a channel's planes image by image: the additions of the channel split in the
// same order, so that the results are bitwise those of one thread, which takes the channel split
// (one part: one stream, no plane slots, its END in the same call). Small planes take it too
// (see PLANE_SUMS_MIN_SPATIAL in kernels.ts).
export function batchNormTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const channels = arg(p, BN_CHANNELS), batch = arg(p, BN_BATCH), spatial = arg(p, BN_SPATIAL), pass = arg(p, BN_PASS);
  const scratch = ptr(p, BN_SCRATCH), byPlanes = arg(p, BN_BY_PLANES) != 0;
  const sumsPass = pass == BN_STATS || pass == BN_BACKWARD;
  const perChannel = pass == BN_STATS_END || pass == BN_BACKWARD_END || (sumsPass && !byPlanes);
  const units = perChannel ? channels : batch * channels;
  const u0 = splitAt(units, parts, part, 1), u1 = splitAt(units, parts, part + 1, 1);
  if (sumsPass) {
    if (byPlanes) {
      // Sum j of plane (n, c) at f64 (j·C + c)·N + n: a channel's are contiguous for the END pass.
      const planes = scratch + (<usize>channels << 5), step = <usize>(batch * channels) << 3;
      for (let q = u0, n = u0 / channels, c = u0 % channels; q < u1; q++) {
        reducePlane(p, pass, q, c, planes + (<usize>(c * batch + n) << 3), step, false);
        if (++c == channels) { c = 0; n++; }
      }
    } else {
      for (let n = 0; n < batch; n++) {
        for (let c = u0; c < u1; c++) reducePlane(p, pass, n * channels + c, c, sums(scratch, c), 8, n > 0);
      }
      // This part's channels are complete: their END here, in the same dispatch.
      endChannels(p, pass == BN_STATS ? BN_STATS_END : BN_BACKWARD_END, u0, u1);
    }
  } else if (pass == BN_STATS_END || pass == BN_BACKWARD_END) {
    endChannels(p, pass, u0, u1);
  } else if (pass == BN_FORWARD) {
    batchNormForward(ptr(p, BN_X), ptr(p, BN_MEAN), ptr(p, BN_INV_STD), ptr(p, BN_WEIGHT), ptr(p, BN_BIAS),
      ptr(p, BN_RESIDUAL), arg(p, BN_RELU) != 0, ptr(p, BN_OUT), channels, spatial, u0, u1);
  } else if (pass == BN_GRAD_INPUT) {
    // g: gResidual, where the sums pass stored the masked gradient (one array instead of gy and y).
    const gResidual = ptr(p, BN_GRAD_RESIDUAL), y = ptr(p, BN_RESIDUAL);
    if (gResidual != 0) {
      gradInput(p, gResidual, 0, false, u0, u1);
    } else {
      gradInput(p, ptr(p, BN_GY), y, y == 0 && arg(p, BN_RELU) != 0, u0, u1);
    }
  }
}

// The END pass (BN_STATS_END or BN_BACKWARD_END) for channels [c0, c1).
function endChannels(p: usize, pass: i32, c0: i32, c1: i32): void {
  const channels = arg(p, BN_CHANNELS), batch = arg(p, BN_BATCH), spatial = arg(p, BN_SPATIAL);
  const scratch = ptr(p, BN_SCRATCH), count = <f64>batch * <f64>spatial;
  for (let c = c0; c < c1; c++) {
    if (arg(p, BN_BY_PLANES) != 0) addPlanes(scratch, c, batch, channels, pass == BN_STATS_END ? 2 : 3);
    if (pass == BN_STATS_END) {
      statsEnd(ptr(p, BN_X), ptr(p, BN_MEAN), ptr(p, BN_INV_STD), scratch, c, spatial, count);
    } else {
      backwardEnd(ptr(p, BN_INV_STD), ptr(p, BN_WEIGHT), ptr(p, BN_GRAD_WEIGHT), ptr(p, BN_GRAD_BIAS), scratch,
        arg(p, BN_TRAINING) != 0, c, count);
    }
  }
}

// Plane q (channel c)'s sums for the stats or the backward, to `at`, `at` + step, … (added when
// `add`).
@inline function reducePlane(p: usize, pass: i32, q: i32, c: i32, at: usize, step: usize, add: bool): void {
  const spatial = arg(p, BN_SPATIAL);
  if (pass == BN_STATS) {
    statsPlane(ptr(p, BN_X), q, c, spatial, at, step, add);
  } else {
    backwardPlane(p, ptr(p, BN_X), ptr(p, BN_RESIDUAL), ptr(p, BN_GY), ptr(p, BN_MEAN), ptr(p, BN_GRAD_RESIDUAL), q, c,
      spatial, at, step, add);
  }
}

@inline function plane(q: i32, spatial: i32): usize {
  return <usize>(q * spatial) << 2;
}

// Channel c's 4 f64 in the scratch.
@inline function sums(scratch: usize, c: i32): usize { return scratch + (<usize>c << 5); }

// Stores v at `at`, or adds it to what is there.
@inline function accumulate(at: usize, add: bool, v: f64): void {
  store<f64>(at, add ? load<f64>(at) + v : v);
}

// Channel c's first `count` sums: its planes' added image by image into its channel slot.
function addPlanes(scratch: usize, c: i32, batch: i32, channels: i32, count: i32): void {
  const planes = scratch + (<usize>channels << 5);
  for (let j = 0; j < count; j++) {
    const from = planes + (<usize>((j * channels + c) * batch) << 3);
    let t = load<f64>(from);
    for (let n = 1; n < batch; n++) t += load<f64>(from + (<usize>n << 3));
    store<f64>(sums(scratch, c) + (<usize>j << 3), t);
  }
}

// Floats of a plane summed in f32 lanes before their sums go to the f64 ones.
const BLOCK = 64;

// The 4 f32 lanes of v as 2 f64 sums.
@inline function halves(v: v128): v128 {
  return f64x2.add(f64x2.promote_low_f32x4(v), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
}

@inline function laneSum(v: v128): f64 { return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1); }

// Statistics: Σ(x − k) and Σ(x − k)² with k a value of the channel (its first), so that the
// variance Σ(x − k)²/M − (Σ(x − k)/M)² loses little to cancellation: k, one of the M values, lies
// at most √M standard deviations from the mean, and the f32 rounding of the shifted squares,
// random in sign, then costs about 1e-7·√M of the variance (test/backends/batch-norm.test.ts:
// M = 65536). Plane q (channel c) to `at` (added when `add`).
@inline function statsPlane(x: usize, q: i32, c: i32, spatial: i32, at: usize, step: usize, add: bool): void {
  const vecEnd = spatial & ~7;
  const k = load<f32>(x + plane(c, spatial)), kv = f32x4.splat(k);
  const p = x + plane(q, spatial);
  let s = f64x2.splat(0), sq = s;
  let i = 0;
  while (i < vecEnd) {
    const end = min(vecEnd, i + BLOCK);
    let s0 = f32x4.splat(0), s1 = s0, q0 = s0, q1 = s0;
    for (; i < end; i += 8) {
      const d0 = f32x4.sub(v128.load(p + (<usize>i << 2)), kv), d1 = f32x4.sub(v128.load(p + (<usize>i << 2), 16), kv);
      s0 = f32x4.add(s0, d0); s1 = f32x4.add(s1, d1);
      q0 = f32x4.add(q0, f32x4.mul(d0, d0)); q1 = f32x4.add(q1, f32x4.mul(d1, d1));
    }
    s = f64x2.add(s, halves(f32x4.add(s0, s1)));
    sq = f64x2.add(sq, halves(f32x4.add(q0, q1)));
  }
  let st = laneSum(s), qt = laneSum(sq);
  for (; i < spatial; i++) {
    const d = <f64>load<f32>(p + (<usize>i << 2)) - <f64>k;
    st += d;
    qt += d * d;
  }
  accumulate(at, add, st);
  accumulate(at + step, add, qt);
}

// mean, variance (biased) of channel c from its sums.
function statsEnd(x: usize, mean: usize, variance: usize, scratch: usize, c: i32, spatial: i32, count: f64): void {
  const at = sums(scratch, c);
  const m = load<f64>(at) / count;
  const v = load<f64>(at, 8) / count - m * m;
  store<f32>(mean + (<usize>c << 2), <f32>(<f64>load<f32>(x + plane(c, spatial)) + m));
  store<f32>(variance + (<usize>c << 2), <f32>max(v, 0));
}

// out = (x − mean[c])·scale[c] + bias[c] with scale = invStd·weight, then + residual (when not 0)
// and max(0, ·) when relu, for the planes [q0, q1) (plane q = image q / channels, channel
// q % channels); out may alias x or residual.
function batchNormForward(x: usize, mean: usize, invStd: usize, weight: usize, bias: usize, residual: usize, relu: bool,
  out: usize, channels: i32, spatial: i32, q0: i32, q1: i32): void {
  const zero = f32x4.splat(0);
  // c: q's channel, without a division a plane (tens of cycles; a plane of W8's last stage is
  // 64 floats).
  for (let q = q0, c = q0 % channels; q < q1; q++, c = c + 1 == channels ? 0 : c + 1) {
    const m = load<f32>(mean + (<usize>c << 2));
    const scale = scaleOf(invStd, weight, c), shift = shiftOf(bias, c);
    const base = plane(q, spatial);
    const mv = f32x4.splat(m), sv = f32x4.splat(scale), hv = f32x4.splat(shift);
    let i = 0;
    for (; i + 4 <= spatial; i += 4) {
      const o = base + (<usize>i << 2);
      let r = f32x4.add(f32x4.mul(f32x4.sub(v128.load(x + o), mv), sv), hv);
      if (residual != 0) r = f32x4.add(r, v128.load(residual + o));
      // The mask of r > 0 keeps NaN at 0, as the reference's ReLU does.
      if (relu) r = v128.and(r, f32x4.gt(r, zero));
      v128.store(out + o, r);
    }
    for (; i < spatial; i++) {
      const o = base + (<usize>i << 2);
      let r = (load<f32>(x + o) - m) * scale + shift;
      if (residual != 0) r += load<f32>(residual + o);
      if (relu && !(r > 0)) r = 0;
      store<f32>(out + o, r);
    }
  }
}

// Channel c's scale invStd·weight, rounded to f32 once, and shift (bias): batchNormForward's.
@inline function scaleOf(invStd: usize, weight: usize, c: i32): f32 {
  const co = <usize>c << 2;
  return <f32>(<f64>load<f32>(invStd + co) * (weight != 0 ? <f64>load<f32>(weight + co) : 1));
}

@inline function shiftOf(bias: usize, c: i32): f32 { return bias != 0 ? load<f32>(bias + (<usize>c << 2)) : 0; }

// The ReLU's mask where y is recomputed (fromX, see batchNormTask): channel c's scale and shift as
// lanes, or zeros when unused.
@inline function maskScale(p: usize, fromX: bool, c: i32): v128 {
  return f32x4.splat(fromX ? scaleOf(ptr(p, BN_INV_STD), ptr(p, BN_WEIGHT), c) : 0);
}

@inline function maskShift(p: usize, fromX: bool, c: i32): v128 {
  return f32x4.splat(fromX ? shiftOf(ptr(p, BN_BIAS), c) : 0);
}

// 4 lanes of g: gy, or gy·[y > 0] (the fused ReLU's mask, without a branch per element: the signs
// are unpredictable) with y read when not 0, or with fromX recomputed from d = x − mean as
// batchNormForward computes it (sv, hv: the scale and shift). NaN in y masks, as the reference's
// `> 0` does.
@inline function gradLanes(gy: usize, y: usize, o: usize, fromX: bool, d: v128, sv: v128, hv: v128): v128 {
  const g = v128.load(gy + o);
  if (fromX) return v128.and(g, f32x4.gt(f32x4.add(f32x4.mul(d, sv), hv), f32x4.splat(0)));
  return y != 0 ? v128.and(g, f32x4.gt(v128.load(y + o), f32x4.splat(0))) : g;
}

// One element of g (see gradLanes; x, m: the input and the channel's mean).
@inline function gradAt(gy: usize, y: usize, o: usize, fromX: bool, x: usize, m: f32, sv: v128, hv: v128): f32 {
  const g = load<f32>(gy + o);
  const yv = fromX ? (load<f32>(x + o) - m) * f32x4.extract_lane(sv, 0) + f32x4.extract_lane(hv, 0)
    : y != 0 ? load<f32>(y + o) : 1;
  return !(yv > 0) ? 0 : g;
}

// 4 lanes of g (see gradLanes), also stored to gResidual when not 0.
@inline function gradOut(gy: usize, y: usize, gResidual: usize, o: usize, fromX: bool, d: v128, sv: v128,
  hv: v128): v128 {
  const g = gradLanes(gy, y, o, fromX, d, sv, hv);
  if (gResidual != 0) v128.store(gResidual + o, g);
  return g;
}

// The backward: gBias = Σ g, gWeight = Σ g·x̂; gx = γ·σ⁻¹·(g − [gβ/M + x̂·gγ/M when training]),
// where g is gy, or gy·[y > 0] after the fused forward (y not 0), which also goes to gResidual
// (when not 0). gx, gWeight, gBias may be 0 (not wanted). Plane q (channel c)'s Σ g, Σ g·(x − mean)
// (σ⁻¹ multiplies it once, at the end) and Σ g² (for gx's precision, see backwardEnd) to `at`
// (added when `add`).
@inline function backwardPlane(p: usize, x: usize, y: usize, gy: usize, mean: usize, gResidual: usize, q: i32, c: i32,
  spatial: i32, at: usize, step: usize, add: bool): void {
  const vecEnd = spatial & ~7;
  const m = load<f32>(mean + (<usize>c << 2)), mv = f32x4.splat(m);
  const fromX = y == 0 && arg(p, BN_RELU) != 0, sv = maskScale(p, fromX, c), hv = maskShift(p, fromX, c);
  const base = plane(q, spatial);
  let s = f64x2.splat(0), t = s, sq = s;
  let i = 0;
  while (i < vecEnd) {
    const end = min(vecEnd, i + BLOCK);
    let s0 = f32x4.splat(0), s1 = s0, t0 = s0, t1 = s0, q0 = s0, q1 = s0;
    for (; i < end; i += 8) {
      const o = base + (<usize>i << 2);
      const d0 = f32x4.sub(v128.load(x + o), mv), d1 = f32x4.sub(v128.load(x + o, 16), mv);
      const g0 = gradOut(gy, y, gResidual, o, fromX, d0, sv, hv), g1 = gradOut(gy, y, gResidual, o + 16, fromX, d1, sv, hv);
      s0 = f32x4.add(s0, g0); s1 = f32x4.add(s1, g1);
      t0 = f32x4.add(t0, f32x4.mul(g0, d0));
      t1 = f32x4.add(t1, f32x4.mul(g1, d1));
      q0 = f32x4.add(q0, f32x4.mul(g0, g0)); q1 = f32x4.add(q1, f32x4.mul(g1, g1));
    }
    s = f64x2.add(s, halves(f32x4.add(s0, s1)));
    t = f64x2.add(t, halves(f32x4.add(t0, t1)));
    sq = f64x2.add(sq, halves(f32x4.add(q0, q1)));
  }
  let st = laneSum(s), tt = laneSum(t), qt = laneSum(sq);
  for (; i < spatial; i++) {
    const o = base + (<usize>i << 2);
    // In f64, as the reference: with few values a channel (BatchNorm1d, spatial 1), gx is a
    // small difference of terms made from these sums.
    const g = gradAt(gy, y, o, fromX, x, m, sv, hv);
    if (gResidual != 0) store<f32>(gResidual + o, g);
    st += <f64>g;
    tt += <f64>g * (<f64>load<f32>(x + o) - <f64>m);
    qt += <f64>g * <f64>g;
  }
  accumulate(at, add, st);
  accumulate(at + step, add, tt);
  accumulate(at + 2 * step, add, qt);
}

// Channel c's sums become gWeight, gBias and gx's coefficients in its slot: gx = k·g + a −
// (x − mean)·b with k = γ·σ⁻¹, a = −k·meanGy, b = k·σ⁻¹·meanGyX (a, b: 0 in eval), and whether f32
// lanes may compute it: their error, a few ulp of the terms, is far below gx's tolerance unless
// g is nearly meanGy + x̂·meanGyX (few values a channel, or a loss linear in the output).
// Σ(g − meanGy − x̂·meanGyX)² ≥ Σg² − M·meanGy² − 2M·meanGyX² (as Σx̂ ≈ 0, Σx̂² ≥ 0); below a
// quarter of Σg², the channel takes f64.
function backwardEnd(invStd: usize, weight: usize, gWeight: usize, gBias: usize, scratch: usize, training: bool, c: i32,
  count: f64): void {
  const co = <usize>c << 2, at = sums(scratch, c);
  const is = <f64>load<f32>(invStd + co);
  const sumGy = load<f64>(at), sumGyX = load<f64>(at, 8) * is, sumG2 = load<f64>(at, 16);
  if (gBias != 0) store<f32>(gBias + co, <f32>sumGy);
  if (gWeight != 0) store<f32>(gWeight + co, <f32>sumGyX);
  const k = is * (weight != 0 ? <f64>load<f32>(weight + co) : 1);
  const meanGy = training ? sumGy / count : 0, meanGyX = training ? sumGyX / count : 0;
  store<f64>(at, k);
  store<f64>(at, -k * meanGy, 8);
  store<f64>(at, k * is * meanGyX, 16);
  const rest = sumG2 - count * meanGy * meanGy - 2 * count * meanGyX * meanGyX;
  store<f64>(at, rest >= 0.25 * sumG2 ? 1 : 0, 24);
}

// gx for the planes [q0, q1) from g (masked by y ≤ 0: mask's, when not 0, or with fromX y
// recomputed from x) and the channels' coefficients.
function gradInput(p: usize, g: usize, mask: usize, fromX: bool, q0: i32, q1: i32): void {
  const x = ptr(p, BN_X), mean = ptr(p, BN_MEAN), gx = ptr(p, BN_OUT), scratch = ptr(p, BN_SCRATCH);
  const channels = arg(p, BN_CHANNELS), spatial = arg(p, BN_SPATIAL);
  for (let q = q0, c = q0 % channels; q < q1; q++, c = c + 1 == channels ? 0 : c + 1) {
    const at = sums(scratch, c), m = load<f32>(mean + (<usize>c << 2));
    const base = plane(q, spatial);
    const sv = maskScale(p, fromX, c), hv = maskShift(p, fromX, c);
    if (load<f64>(at, 24) != 0) {
      gradInputF32(x, g, mask, fromX, sv, hv, gx, base, spatial, m, <f32>load<f64>(at), <f32>load<f64>(at, 8),
        <f32>load<f64>(at, 16));
    } else {
      gradInputF64(x, g, mask, fromX, sv, hv, gx, base, spatial, m, load<f64>(at), load<f64>(at, 8), load<f64>(at, 16));
    }
  }
}

// gx = k·g + a − (x − m)·b over one plane (at byte offset base), in f32 lanes (scalar tail in f64).
@inline function gradInputF32(x: usize, g: usize, mask: usize, fromX: bool, sv: v128, hv: v128, gx: usize, base: usize,
  spatial: i32, m: f32, k: f32, a: f32, b: f32): void {
  const mv = f32x4.splat(m), kv = f32x4.splat(k), av = f32x4.splat(a), bv = f32x4.splat(b);
  let i = 0;
  for (; i + 4 <= spatial; i += 4) {
    const o = base + (<usize>i << 2);
    const d = f32x4.sub(v128.load(x + o), mv);
    const h = gradLanes(g, mask, o, fromX, d, sv, hv);
    v128.store(gx + o, f32x4.sub(f32x4.add(f32x4.mul(kv, h), av), f32x4.mul(d, bv)));
  }
  gradInputTail(x, g, mask, fromX, sv, hv, gx, base, i, spatial, m, k, a, b);
}

// The same in f64.
@inline function gradInputF64(x: usize, g: usize, mask: usize, fromX: bool, sv: v128, hv: v128, gx: usize, base: usize,
  spatial: i32, m: f32, k: f64, a: f64, b: f64): void {
  const mv = f64x2.splat(m), kv = f64x2.splat(k), av = f64x2.splat(a), bv = f64x2.splat(b), mf = f32x4.splat(m);
  let i = 0;
  for (; i + 4 <= spatial; i += 4) {
    const o = base + (<usize>i << 2);
    const v = v128.load(x + o), h = gradLanes(g, mask, o, fromX, f32x4.sub(v, mf), sv, hv);
    const d0 = f64x2.sub(f64x2.promote_low_f32x4(v), mv);
    const d1 = f64x2.sub(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), mv);
    const r0 = f64x2.sub(f64x2.add(f64x2.mul(kv, f64x2.promote_low_f32x4(h)), av), f64x2.mul(d0, bv));
    const r1 = f64x2.sub(f64x2.add(f64x2.mul(kv, f64x2.promote_low_f32x4(i32x4.shuffle(h, h, 2, 3, 0, 1))), av),
      f64x2.mul(d1, bv));
    v128.store(gx + o, i32x4.shuffle(f32x4.demote_f64x2_zero(r0), f32x4.demote_f64x2_zero(r1), 0, 1, 4, 5));
  }
  gradInputTail(x, g, mask, fromX, sv, hv, gx, base, i, spatial, m, k, a, b);
}

@inline function gradInputTail(x: usize, g: usize, mask: usize, fromX: bool, sv: v128, hv: v128, gx: usize, base: usize,
  i: i32, spatial: i32, m: f32, k: f64, a: f64, b: f64): void {
  for (; i < spatial; i++) {
    const o = base + (<usize>i << 2);
    const h = gradAt(g, mask, o, fromX, x, m, sv, hv);
    store<f32>(gx + o, <f32>(k * <f64>h + a - (<f64>load<f32>(x + o) - <f64>m) * b));
  }
}
