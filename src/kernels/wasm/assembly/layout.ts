// Layout kernels on collapsed shapes (JavaScript merges contiguous dims first): a strided gather
// over up to 4 dims, a sum-to-shape over up to 3, max pooling with its argmax scatter, and
// average pooling over window tables.
import { POOL_ARGMAX, POOL_BACKWARD, POOL_DIMS, POOL_OUT, POOL_PLANES, POOL_RELU, POOL_X } from '../abi';
import { laneSums16 } from './lane-sums';
import { maxPool2Backward, maxPool2Forward } from './max-pool2';
import { maxPool3Plane, pool3Fits } from './max-pool3';
import { arg, ptr } from './params';

// out (d0, d1, d2, d3) contiguous = x read with element strides (s0, s1, s2, s3).
export function stridedCopy4(x: usize, out: usize, d0: i32, d1: i32, d2: i32, d3: i32,
  s0: i32, s1: i32, s2: i32, s3: i32): void {
  let o = out;
  const run = <usize>d3 << 2;
  for (let a = 0; a < d0; a++) {
    for (let b = 0; b < d1; b++) {
      for (let c = 0; c < d2; c++) {
        const src = x + (<usize>(a * s0 + b * s1 + c * s2) << 2);
        if (s3 == 1) memory.copy(o, src, run);
        else if (s3 == 0) {
          const v = load<f32>(src);
          for (let i = 0; i < d3; i++) store<f32>(o + (<usize>i << 2), v);
        } else {
          const step = <usize>s3 << 2;
          let q = src;
          for (let i = 0; i < d3; i++) { store<f32>(o + (<usize>i << 2), load<f32>(q)); q += step; }
        }
        o += run;
      }
    }
  }
}

// dst[0 … n) += src[0 … n).
@inline export function addInto(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const q = dst + (<usize>i << 2);
    v128.store(q, f32x4.add(v128.load(q), v128.load(src + (<usize>i << 2))));
  }
  for (; i < n; i++) {
    const q = dst + (<usize>i << 2);
    store<f32>(q, load<f32>(q) + load<f32>(src + (<usize>i << 2)));
  }
}

// out (zeroed here, length outLen) += x (d0, d1, d2) with output strides (o0, o1, o2), o2 ∈ {0, 1}.
export function sumTo3(x: usize, out: usize, outLen: i32, d0: i32, d1: i32, d2: i32, o0: i32, o1: i32, o2: i32): void {
  memory.fill(out, 0, <usize>outLen << 2);
  let src = x;
  for (let a = 0; a < d0; a++) {
    for (let b = 0; b < d1; b++) {
      const dst = out + (<usize>(a * o0 + b * o1) << 2);
      let i = 0;
      if (o2 == 0) {
        // A run that collapses to one output: lane sums, then a horizontal add.
        let acc = laneSums16(src, d2);
        i = d2 & ~15;
        for (; i + 4 <= d2; i += 4) acc = f32x4.add(acc, v128.load(src + (<usize>i << 2)));
        let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) +
          f32x4.extract_lane(acc, 3);
        for (; i < d2; i++) s += load<f32>(src + (<usize>i << 2));
        store<f32>(dst, load<f32>(dst) + s);
      } else {
        addInto(dst, src, d2);
      }
      src += <usize>d2 << 2;
    }
  }
}

// Max pooling over 1 to 3 dims (fewer as size-1 leading ones), x: (planes, d, h, w) → out,
// argmax: (planes, od, oh, ow). Padding never wins; greater or NaN replaces (PyTorch's rule: NaN
// propagates, the last NaN's index is kept). argmax (0 when not wanted) is the flat index within
// the plane's volume, −1 for a window that holds no input.
// Branch-free: on random data a compare-and-branch mispredicts half the time (4× slower). Four
// outputs of a row at once wherever their windows lie inside the row and the stride is 1 or 2
// (one or two vector loads and a shuffle per window element); the rest one at a time. Two planes
// in step: each window is one chain of compare-and-selects, and two independent chains keep the
// core busy where one waits on its own latency.
// Whether the four outputs from xs of a row run as one vector group: their windows inside the row,
// and for stride 2 the 8 inputs loaded per window element too: from the element itself (even
// lanes) for kx = 0, else from the one before it (odd lanes), so 2×2 windows reach the row's end.
@inline function groupFits(xs: i32, oxA: i32, oxB: i32, sw: i32, pw: i32, kw: i32, w: i32): bool {
  return xs >= oxA && xs + 4 <= oxB && (sw == 1 || xs * sw - pw + max(8, kw + 6) <= w);
}

function maxPool(x: usize, out: usize, argmax: usize, planes: i32, d: i32, h: i32, w: i32, od: i32, oh: i32,
  ow: i32, kd: i32, kh: i32, kw: i32, sd: i32, sh: i32, sw: i32, pd: i32, ph: i32, pw: i32, dd: i32, dh: i32, dw: i32): void {
  // Outputs [oxA, oxB) have their whole window inside the row: x0 = ox·sw − pw ≥ 0 and
  // x0 + (kw − 1)·dw < w.
  const oxA = min(ow, (pw + sw - 1) / sw);
  const lastOk = w - 1 - (kw - 1) * dw + pw; // ox·sw ≤ lastOk
  const oxB = max(oxA, min(ow, lastOk < 0 ? 0 : lastOk / sw + 1));
  const vec = dw == 1 && (sw == 1 || sw == 2);
  const lanes = i32x4(0, sw, 2 * sw, 3 * sw);
  const inBytes = <usize>(d * h * w) << 2, outVol = <usize>(od * oh * ow);
  for (let p = 0; p < planes; p += 2) {
    const base = x + <usize>p * inBytes;
    // The second plane of the pair; the last plane of an odd count runs with itself.
    const other = p + 1 < planes ? inBytes : 0;
    const outGap = other != 0 ? outVol << 2 : 0;
    let o = <usize>p * outVol;
    for (let z = 0; z < od; z++) {
      const z0 = z * sd - pd;
      const kzLo = z0 >= 0 ? 0 : (-z0 + dd - 1) / dd;
      const kzHi = min(kd, d - 1 - z0 < 0 ? 0 : (d - 1 - z0) / dd + 1);
      for (let y = 0; y < oh; y++) {
        const y0 = y * sh - ph;
        const kyLo = y0 >= 0 ? 0 : (-y0 + dh - 1) / dh;
        const kyHi = min(kh, h - 1 - y0 < 0 ? 0 : (h - 1 - y0) / dh + 1);
        let xo = 0;
        while (xo < ow) {
          // The row's last inside windows, fewer than four, run as the four ending there: the
          // outputs before them are written again with the same values (a scalar window costs
          // several times a vector one).
          if (vec && xo > oxB - 4 && xo < oxB && !groupFits(xo, oxA, oxB, sw, pw, kw, w) &&
            groupFits(oxB - 4, oxA, oxB, sw, pw, kw, w)) {
            o -= <usize>(xo - (oxB - 4));
            xo = oxB - 4;
          }
          const x0 = xo * sw - pw;
          if (vec && groupFits(xo, oxA, oxB, sw, pw, kw, w)) {
            let best = f32x4.splat(-Infinity), where = i32x4.splat(-1);
            let best2 = best, where2 = where;
            for (let kz = kzLo; kz < kzHi; kz++) {
              for (let ky = kyLo; ky < kyHi; ky++) {
                const row = ((z0 + kz * dd) * h + y0 + ky * dh) * w + x0;
                for (let kx = 0; kx < kw; kx++) {
                  const i = row + kx;
                  const q = base + (<usize>i << 2), q2 = q + other;
                  const v = sw == 1 ? v128.load(q) : kx == 0 ? i32x4.shuffle(v128.load(q), v128.load(q, 16), 0, 2, 4, 6)
                    : i32x4.shuffle(v128.load(q - 4), v128.load(q, 12), 1, 3, 5, 7);
                  const v2 = sw == 1 ? v128.load(q2) : kx == 0 ? i32x4.shuffle(v128.load(q2), v128.load(q2, 16), 0, 2, 4, 6)
                    : i32x4.shuffle(v128.load(q2 - 4), v128.load(q2, 12), 1, 3, 5, 7);
                  const m = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
                  const m2 = v128.or(f32x4.gt(v2, best2), f32x4.ne(v2, v2));
                  best = v128.bitselect(v, best, m);
                  best2 = v128.bitselect(v2, best2, m2);
                  // Loop-invariant and well predicted: inference skips the index work.
                  if (argmax != 0) {
                    const at = i32x4.add(i32x4.splat(i), lanes);
                    where = v128.bitselect(at, where, m);
                    where2 = v128.bitselect(at, where2, m2);
                  }
                }
              }
            }
            v128.store(out + (o << 2), best);
            v128.store(out + (o << 2) + outGap, best2);
            if (argmax != 0) {
              v128.store(argmax + (o << 2), where);
              v128.store(argmax + (o << 2) + outGap, where2);
            }
            o += 4;
            xo += 4;
            continue;
          }
          const kxLo = x0 >= 0 ? 0 : (-x0 + dw - 1) / dw;
          const kxHi = min(kw, w - 1 - x0 < 0 ? 0 : (w - 1 - x0) / dw + 1);
          let best: f32 = -Infinity, best2: f32 = -Infinity;
          let where = -1, where2 = -1;
          for (let kz = kzLo; kz < kzHi; kz++) {
            for (let ky = kyLo; ky < kyHi; ky++) {
              const row = ((z0 + kz * dd) * h + y0 + ky * dh) * w + x0;
              for (let kx = kxLo; kx < kxHi; kx++) {
                const i = row + kx * dw;
                const q = base + (<usize>i << 2);
                const v = load<f32>(q), v2 = load<f32>(q + other);
                const take = v > best || v != v, take2 = v2 > best2 || v2 != v2;
                best = select<f32>(v, best, take);
                best2 = select<f32>(v2, best2, take2);
                if (argmax != 0) {
                  where = select<i32>(i, where, take);
                  where2 = select<i32>(i, where2, take2);
                }
              }
            }
          }
          store<f32>(out + (o << 2), best);
          store<f32>(out + (o << 2) + outGap, best2);
          if (argmax != 0) {
            store<i32>(argmax + (o << 2), where);
            store<i32>(argmax + (o << 2) + outGap, where2);
          }
          o++;
          xo++;
        }
      }
    }
  }
}

// maxPool on this part's planes. The parameter block: the POOL_* slots of ../abi.ts, the dims
// from POOL_DIMS on: d, h, w, od, oh, ow, kd, kh, kw, sd, sh, sw, pd, ph, pw, dd, dh, dw.
@inline function at(p: usize, i: i32): i32 { return arg(p, POOL_DIMS + i); }
export function maxPoolTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const planes = arg(p, POOL_PLANES);
  const p0 = planes * part / parts, p1 = planes * (part + 1) / parts;
  if (p1 <= p0) return;
  const inVol = <usize>at(p, 0) * at(p, 1) * at(p, 2), outVol = <usize>at(p, 3) * at(p, 4) * at(p, 5);
  const argmax = ptr(p, POOL_ARGMAX), relu = ptr(p, POOL_RELU);
  if (arg(p, POOL_BACKWARD) != 0) {
    const gy = ptr(p, POOL_X) + ((<usize>p0 * outVol) << 2), gx = ptr(p, POOL_OUT) + ((<usize>p0 * inVol) << 2);
    const a = argmax + ((<usize>p0 * outVol) << 2), y = relu != 0 ? relu + ((<usize>p0 * outVol) << 2) : 0;
    // Rows of fewer than 8 windows go to the scatter: the last group of four, written again over
    // the ones before it, made LeNet-5's second pool's (5 a row) 30–32 µs against 25–26 (batch 64, 1 thread).
    if (isPool2(p) && at(p, 5) >= 8) maxPool2Backward(gy, a, gx, y, p1 - p0, at(p, 1), at(p, 2), at(p, 4), at(p, 5));
    else maxPoolBackward(gy, a, gx, y, p1 - p0, <i32>inVol, <i32>outVol);
    return;
  }
  const out = ptr(p, POOL_OUT) + ((<usize>p0 * outVol) << 2);
  maxPoolPlanes(p, p0, p1, inVol, outVol, argmax);
  // The ReLU on this part's outputs while they are in cache: v where v > 0, else 0 (NaN too), as
  // the unary kernel's (elementwise.ts).
  if (relu != 0) {
    const n = <usize>(p1 - p0) * outVol, zero = f32x4.splat(0);
    let i: usize = 0;
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(out + (i << 2));
      v128.store(out + (i << 2), v128.and(v, f32x4.gt(v, zero)));
    }
    for (; i < n; i++) {
      const v = load<f32>(out + (i << 2));
      store<f32>(out + (i << 2), v > 0 ? v : 0);
    }
  }
}

function maxPoolPlanes(p: usize, p0: i32, p1: i32, inVol: usize, outVol: usize, argmax: usize): void {
  if (isPool2(p)) {
    maxPool2Forward(ptr(p, POOL_X) + ((<usize>p0 * inVol) << 2), ptr(p, POOL_OUT) + ((<usize>p0 * outVol) << 2),
      argmax != 0 ? argmax + ((<usize>p0 * outVol) << 2) : 0, p1 - p0, at(p, 1), at(p, 2), at(p, 4), at(p, 5));
    return;
  }
  const x = ptr(p, POOL_X), out = ptr(p, POOL_OUT);
  if (isPool3(p)) {
    for (let q = p0; q < p1; q++) {
      const xq = x + ((<usize>q * inVol) << 2), oq = out + ((<usize>q * outVol) << 2);
      const aq = argmax != 0 ? argmax + ((<usize>q * outVol) << 2) : 0;
      if (!maxPool3Plane(xq, oq, aq, at(p, 1), at(p, 2), at(p, 4), at(p, 5), at(p, 13), at(p, 14))) {
        maxPool(xq, oq, aq, 1, 1, at(p, 1), at(p, 2), 1, at(p, 4), at(p, 5), 1, 3, 3, 1, 2, 2, 0, at(p, 13), at(p, 14), 1, 1, 1);
      }
    }
    return;
  }
  maxPool(x + ((<usize>p0 * inVol) << 2), out + ((<usize>p0 * outVol) << 2),
    argmax != 0 ? argmax + ((<usize>p0 * outVol) << 2) : 0, p1 - p0, at(p, 0), at(p, 1), at(p, 2), at(p, 3), at(p, 4), at(p, 5),
    at(p, 6), at(p, 7), at(p, 8), at(p, 9), at(p, 10), at(p, 11), at(p, 12), at(p, 13), at(p, 14), at(p, 15), at(p, 16), at(p, 17));
}

// 2-D (or 1-D) 2×2 windows at stride 2, unpadded, at least four outputs a row: max-pool2.ts, both
// ways.
function isPool2(p: usize): bool {
  return at(p, 0) == 1 && at(p, 3) == 1 && at(p, 6) == 1 && at(p, 12) == 0 && at(p, 7) == 2 && at(p, 8) == 2 &&
    at(p, 10) == 2 && at(p, 11) == 2 && at(p, 13) == 0 && at(p, 14) == 0 && at(p, 16) == 1 && at(p, 17) == 1 &&
    at(p, 5) >= 4 && 2 * at(p, 4) <= at(p, 1) && 2 * at(p, 5) <= at(p, 2);
}

// 2-D 3×3 windows at stride 2, undilated, padded by at most 1, rows of at least 8 outputs with
// whole windows (pool3Fits): max-pool3.ts (planes with a NaN again by maxPool).
function isPool3(p: usize): bool {
  return at(p, 0) == 1 && at(p, 3) == 1 && at(p, 6) == 1 && at(p, 12) == 0 && at(p, 7) == 3 && at(p, 8) == 3 &&
    at(p, 10) == 2 && at(p, 11) == 2 && at(p, 13) <= 1 && at(p, 14) <= 1 && at(p, 16) == 1 && at(p, 17) == 1 &&
    pool3Fits(at(p, 1), at(p, 2), at(p, 4), at(p, 5), at(p, 13), at(p, 14));
}

// gx (planes, inPlane) zeroed, then gy (planes, outPlane) scattered to the saved argmax; with the
// fused ReLU's output y (else 0), gy where y > 0 and 0 elsewhere (a select: a branch on the sign
// of y made LeNet-5's first pool's backward 60 µs slower, mispredicted about every other window).
function maxPoolBackward(gy: usize, argmax: usize, gx: usize, y: usize, planes: i32, inPlane: i32, outPlane: i32): void {
  memory.fill(gx, 0, <usize>planes * inPlane * 4);
  let j: usize = 0;
  for (let p = 0; p < planes; p++) {
    const base = gx + (<usize>(p * inPlane) << 2);
    for (let i = 0; i < outPlane; i++) {
      const a = load<i32>(argmax + (j << 2));
      if (a >= 0) {
        const q = base + (<usize>a << 2), g = load<f32>(gy + (j << 2));
        store<f32>(q, load<f32>(q) + (y == 0 ? g : select<f32>(g, 0, load<f32>(y + (j << 2)) > 0)));
      }
      j++;
    }
  }
}

// Average pooling, plain and adaptive, 1-D to 3-D: JavaScript computes per dim the windows
// [lo, hi) and the divisor's factors (the reference kernel's tables, so both agree by
// construction); this walks them. tables: Int32 lo, hi, extent for D (outD each), then H, then W.
// Forward: dst = out (planes, outD, outH, outW) gets each window's mean of src = x. Backward:
// dst = gx (planes, inD, inH, inW), zeroed here, gets each gy spread evenly over its window.
export function averageWindows(src: usize, dst: usize, planes: i32, inD: i32, inH: i32, inW: i32,
  outD: i32, outH: i32, outW: i32, tables: usize, backward: bool): void {
  const dLo = tables, dHi = dLo + (<usize>outD << 2), dExt = dHi + (<usize>outD << 2);
  const hLo = dExt + (<usize>outD << 2), hHi = hLo + (<usize>outH << 2), hExt = hHi + (<usize>outH << 2);
  const wLoT = hExt + (<usize>outH << 2), wHiT = wLoT + (<usize>outW << 2), wExt = wHiT + (<usize>outW << 2);
  const inPlane = <usize>inD * inH * inW;
  if (backward) memory.fill(dst, 0, <usize>planes * inPlane * 4);
  let o: usize = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = (backward ? dst : src) + ((<usize>plane * inPlane) << 2);
    for (let od = 0; od < outD; od++) {
      const d0 = load<i32>(dLo + (<usize>od << 2)), d1 = load<i32>(dHi + (<usize>od << 2));
      const fd = load<i32>(dExt + (<usize>od << 2));
      for (let oh = 0; oh < outH; oh++) {
        const h0 = load<i32>(hLo + (<usize>oh << 2)), h1 = load<i32>(hHi + (<usize>oh << 2));
        const fdh = fd * load<i32>(hExt + (<usize>oh << 2));
        for (let ow = 0; ow < outW; ow++) {
          const w0 = load<i32>(wLoT + (<usize>ow << 2)), w1 = load<i32>(wHiT + (<usize>ow << 2));
          const divisor = <f32>(fdh * load<i32>(wExt + (<usize>ow << 2)));
          if (backward) {
            const share = load<f32>(src + (o << 2)) / divisor;
            const sv = f32x4.splat(share);
            for (let id = d0; id < d1; id++) {
              for (let ih = h0; ih < h1; ih++) {
                const row = base + ((<usize>(id * inH + ih) * inW) << 2);
                let iw = w0;
                for (; iw + 4 <= w1; iw += 4) {
                  const q = row + (<usize>iw << 2);
                  v128.store(q, f32x4.add(v128.load(q), sv));
                }
                for (; iw < w1; iw++) {
                  const q = row + (<usize>iw << 2);
                  store<f32>(q, load<f32>(q) + share);
                }
              }
            }
          } else {
            // Four partial sums (global pooling sums whole planes), then the remainder.
            let acc = f32x4.splat(0);
            let sum: f32 = 0;
            for (let id = d0; id < d1; id++) {
              for (let ih = h0; ih < h1; ih++) {
                const row = base + ((<usize>(id * inH + ih) * inW) << 2);
                let iw = w0;
                for (; iw + 4 <= w1; iw += 4) acc = f32x4.add(acc, v128.load(row + (<usize>iw << 2)));
                for (; iw < w1; iw++) sum += load<f32>(row + (<usize>iw << 2));
              }
            }
            sum += f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
            store<f32>(dst + (o << 2), sum / divisor);
          }
          o++;
        }
      }
    }
  }
}
