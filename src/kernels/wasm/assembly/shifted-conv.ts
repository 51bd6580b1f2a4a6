// Forward of a stride-1, undilated, ungrouped convolution over shifted copies of each image
// (shifted-planes.ts): with s(ci, kx)[r·ow + c] = x(ci, r − ph, c + kx − pw),
//   out(co)[q] = bias(co) + Σ_ci Σ_ky Σ_kx w(co, ci, ky, kx) · s(ci, kx)[q + ky·ow],  q = oy·ow + ox,
// so every tap reads one contiguous run of the flattened output plane: no 4-wide row padding
// and output channels in pairs (the direct kernel, direct-conv.ts, computes channels in fours:
// 8 per 6 for LeNet-5's conv1, and 12 columns per 10 for its conv2).
// A step (one tap of one input channel) feeds 8 accumulators (2 channels × 4 position vectors)
// from 4 image vectors and 2 weights: V8 issues a step's loads before its products, and 15
// vector registers hold 14. Threads split the images; each output is one fixed sum whatever
// the split.
import { CONV_BATCH, CONV_C, CONV_CIN, CONV_COUT, CONV_IH, CONV_IW, CONV_KH, CONV_KW, CONV_OH, CONV_OUT, CONV_OW, CONV_PH, CONV_PW, CONV_SCRATCH, CONV_SCRATCH_STRIDE, CONV_W, CONV_X } from '../abi';
import { arg, ptr, splitAt } from './params';
import { madd } from './gemm';
import { shiftPlanes } from './shifted-planes';

// The parameter block: the CONV_* slots of ../abi.ts (stride and dilation 1, one group implied).

// Output positions in blocks of 16, channel pairs, taps (ci, ky, kx), and a shifted plane's
// floats: the kh − 1 rows the taps reach past the positions' blocks.
@inline function blocked(p: usize): i32 { return (arg(p, CONV_OH) * arg(p, CONV_OW) + 15) & ~15; }
@inline function pairs(p: usize): i32 { return (arg(p, CONV_COUT) + 1) / 2; }
@inline function taps(p: usize): i32 { return arg(p, CONV_CIN) * arg(p, CONV_KH) * arg(p, CONV_KW); }
@inline function shiftedPlane(p: usize): i32 { return (arg(p, CONV_KH) - 1) * arg(p, CONV_OW) + blocked(p); }

// Per thread: the shifted planes of one image, the weights as [pair][tap][2] and each tap's
// byte offset in the planes.
export function shiftedConvScratchBytes(p: usize, nt: i32): i32 {
  return (arg(p, CONV_CIN) * arg(p, CONV_KW) * shiftedPlane(p) + pairs(p) * taps(p) * 2 + taps(p)) * 4 + 192;
}

export function shiftedConvTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const x = ptr(p, CONV_X), w = ptr(p, CONV_W), bias = ptr(p, CONV_C), out = ptr(p, CONV_OUT);
  const batch = arg(p, CONV_BATCH), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT);
  const h = arg(p, CONV_IH), wd = arg(p, CONV_IW), oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const kh = arg(p, CONV_KH), kw = arg(p, CONV_KW), ph = arg(p, CONV_PH), pw = arg(p, CONV_PW);
  const n0 = splitAt(batch, parts, part, 1), n1 = splitAt(batch, parts, part + 1, 1);
  if (n1 <= n0) return;
  const np = pairs(p), nt = taps(p), khw = kh * kw, plane = oh * ow, npos = blocked(p);
  const sPlane = <usize>shiftedPlane(p) << 2, rs = <usize>ow << 2, rows = oh + kh - 1;
  const shifted = (ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE) + 63) & ~63;
  const wr = (shifted + <usize>(cin * kw) * sPlane + 63) & ~63;
  const offs = (wr + (<usize>(np * nt * 2) << 2) + 63) & ~63;

  // wr[b][t][j] = w(2b + j, tap t), 0 past cout; offs[t] = tap t's offset in the planes.
  for (let b = 0; b < np; b++) {
    for (let t = 0; t < nt; t++) {
      for (let j = 0; j < 2; j++) {
        const co = 2 * b + j;
        store<f32>(wr + (<usize>((b * nt + t) * 2 + j) << 2), co < cout ? load<f32>(w + (<usize>(co * nt + t) << 2)) : 0);
      }
    }
  }
  for (let t = 0; t < nt; t++) {
    const ci = t / khw, r = t - ci * khw, ky = r / kw, kx = r - ky * kw;
    store<u32>(offs + (<usize>t << 2), <u32>(<usize>(ci * kw + kx) * sPlane + <usize>ky * rs));
  }
  // Zero once: each image rewrites the same cells, whatever lies outside it stays zero.
  memory.fill(shifted, 0, <usize>(cin * kw) * sPlane);

  for (let n = n0; n < n1; n++) {
    shiftPlanes(x + (<usize>(n * cin * h * wd) << 2), shifted, cin, h, wd, ow, rows, kw, ph, pw, sPlane);
    for (let b = 0; b < np; b++) {
      const c0 = 2 * b, two = c0 + 1 < cout;
      const bias0 = f32x4.splat(bias != 0 ? load<f32>(bias + (<usize>c0 << 2)) : 0);
      const bias1 = f32x4.splat(bias != 0 && two ? load<f32>(bias + (<usize>(c0 + 1) << 2)) : 0);
      const o0 = out + (<usize>((n * cout + c0) * plane) << 2), o1 = o0 + (<usize>plane << 2);
      for (let q = 0; q < npos; q += 16) {
        let a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, b0 = bias1, b1 = bias1, b2 = bias1, b3 = bias1;
        const base = shifted + (<usize>q << 2);
        let wk = wr + (<usize>(b * nt * 2) << 2), ot = offs;
        const end = offs + (<usize>nt << 2);
        for (; ot < end; ot += 4, wk += 8) {
          const s = base + <usize>load<u32>(ot);
          const v0 = v128.load(s), v1 = v128.load(s, 16), v2 = v128.load(s, 32), v3 = v128.load(s, 48);
          const e = v128.load32_splat(wk), f = v128.load32_splat(wk, 4);
          a0 = madd(e, v0, a0); b0 = madd(f, v0, b0);
          a1 = madd(e, v1, a1); b1 = madd(f, v1, b1);
          a2 = madd(e, v2, a2); b2 = madd(f, v2, b2);
          a3 = madd(e, v3, a3); b3 = madd(f, v3, b3);
        }
        const left = plane - q;
        storeVectors(o0 + (<usize>q << 2), a0, a1, a2, a3, left);
        if (two) storeVectors(o1 + (<usize>q << 2), b0, b1, b2, b3, left);
      }
    }
  }
}

// The first min(16, left) values of v0 … v3 at o.
@inline function storeVectors(o: usize, v0: v128, v1: v128, v2: v128, v3: v128, left: i32): void {
  if (left >= 16) {
    v128.store(o, v0); v128.store(o, v1, 16); v128.store(o, v2, 32); v128.store(o, v3, 48);
    return;
  }
  storePart(o, v0, left);
  storePart(o + 16, v1, left - 4);
  storePart(o + 32, v2, left - 8);
  storePart(o + 48, v3, left - 12);
}

// The first min(4, n) values of v at o (none for n ≤ 0).
@inline function storePart(o: usize, v: v128, n: i32): void {
  if (n >= 4) { v128.store(o, v); return; }
  if (n > 0) store<f32>(o, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(o, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(o, f32x4.extract_lane(v, 2), 8);
}
