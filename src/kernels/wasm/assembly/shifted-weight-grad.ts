// Weight gradient of a stride-1, undilated, ungrouped convolution over shifted copies of the image
// (shifted-planes.ts):
//   gw(co, ci, ky, kx) = Σ_n Σ_q gy(n, co, q) · s(n, ci, kx)[q + ky·ow],  q = oy·ow + ox,
// where s(n, ci, kx) is the zero-padded image plane shifted left by kx and cut to ow columns: its
// rows have the output gradient's stride and every tap's sum runs over one contiguous run of
// oh·ow positions: no 4-wide row padding and no tap block tied to a kernel row (the direct kernel,
// direct-weight-grad.ts, computes 12 columns per 10 and 6 taps per 5 for LeNet-5's conv2, 1.62×
// its products; here 28 taps per 25, 1.12×). The copies cost kw planes per input channel and
// image, a few thousand values against the hundreds of thousands of products.
// A unit is (input channel, block of 4 taps in row-major order, pair of output channels): 8 vector
// accumulators fed by 2 gradient and 4 image vectors per step. V8 issues a step's loads before its
// products, so loads + accumulators must stay within its 15 vector registers: 2 channels × 5 taps
// (17) spilled two accumulators and ran 1.7× slower per product. Threads split the units; every
// sum runs in the same order whatever the split (images, then positions, then lanes).
import { CONV_BATCH, CONV_C, CONV_CIN, CONV_COUT, CONV_IH, CONV_IW, CONV_KH, CONV_KW, CONV_OH, CONV_OW, CONV_PH, CONV_PW, CONV_SCRATCH, CONV_SCRATCH_STRIDE, CONV_W, CONV_X } from '../abi';
import { arg, ptr, splitAt } from './params';
import { madd } from './gemm';
import { shiftPlanes } from './shifted-planes';

// The parameter block: the CONV_* slots of ../abi.ts (x at CONV_X, gy at CONV_W, gw at CONV_C;
// stride and dilation 1, one group implied).

const TB: i32 = 4; // taps per unit

// Positions per image rounded up to whole vectors (the gradient's tail is zero there), tap
// blocks, output-channel pairs, and a shifted plane's floats: the rows the taps reach, plus a
// vector past them for the positions' rounding.
@inline function positions(p: usize): i32 { return (arg(p, CONV_OH) * arg(p, CONV_OW) + 3) & ~3; }
@inline function tapBlocks(p: usize): i32 { return (arg(p, CONV_KH) * arg(p, CONV_KW) + TB - 1) / TB; }
@inline function pairs(p: usize): i32 { return (arg(p, CONV_COUT) + 1) / 2; }
@inline function shiftedPlane(p: usize): i32 { return (arg(p, CONV_OH) + arg(p, CONV_KH) - 1) * arg(p, CONV_OW) + 4; }
@inline function units(p: usize): i32 { return arg(p, CONV_CIN) * tapBlocks(p) * pairs(p); }

// Per thread: the shifted planes of every (input channel, kx), the output gradient with whole
// vectors and an even channel count, and per unit 8 accumulators and its 6 streams' offsets.
export function shiftedWeightGradScratchBytes(p: usize, nt: i32): i32 {
  const planes = arg(p, CONV_CIN) * arg(p, CONV_KW) * shiftedPlane(p), grad = 2 * pairs(p) * positions(p);
  return (planes + grad) * 4 + units(p) * (2 * TB * 16 + 6 * 4) + 192;
}

export function shiftedWeightGradTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const x = ptr(p, CONV_X), gy = ptr(p, CONV_W), gw = ptr(p, CONV_C);
  const batch = arg(p, CONV_BATCH), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT);
  const h = arg(p, CONV_IH), w = arg(p, CONV_IW), oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const kh = arg(p, CONV_KH), kw = arg(p, CONV_KW), ph = arg(p, CONV_PH), pw = arg(p, CONV_PW);
  const np = pairs(p), per = tapBlocks(p) * np, taps = kh * kw;
  const u0 = splitAt(units(p), parts, part, 1), u1 = splitAt(units(p), parts, part + 1, 1);
  if (u1 <= u0) return;
  // Units are ordered (input channel, tap block, pair): a thread's units read input channels
  // c0 … c1 − 1.
  const c0 = u0 / per, c1 = (u1 - 1) / per + 1;
  const rows = oh + kh - 1, sPlane = <usize>shiftedPlane(p) << 2, rs = <usize>ow << 2;
  const gPlane = <usize>positions(p) << 2, used = <usize>(oh * ow) << 2;
  const shifted = (ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE) + 63) & ~63;
  const grad = (shifted + <usize>(cin * kw) * sPlane + 63) & ~63;
  const acc = (grad + <usize>(2 * np) * gPlane + 63) & ~63;
  // Per unit, the byte offsets of its 4 taps' first positions in the shifted planes and of its
  // 2 gradient planes (taps past the kernel read tap 0 and are dropped).
  const streams = acc + (<usize>units(p) * 2 * TB << 4);
  for (let u = u0; u < u1; u++) {
    const ci = u / per, r = u - ci * per, blk = r / np, b = r - blk * np;
    const at = streams + (<usize>(u - u0) * 6 << 2);
    for (let k = 0; k < TB; k++) {
      const t = TB * blk + k < taps ? TB * blk + k : 0, ky = t / kw, kx = t - ky * kw;
      store<u32>(at + (<usize>k << 2), <u32>(<usize>(ci * kw + kx) * sPlane + <usize>ky * rs));
    }
    store<u32>(at, <u32>(<usize>(2 * b) * gPlane), 16);
    store<u32>(at, <u32>(<usize>(2 * b + 1) * gPlane), 20);
  }
  // The output gradient is read in place where its planes are whole vectors in whole pairs (both
  // of LeNet-5's convs: their copies were 0.02–0.04 ms of each pass at batch 64, 1 thread, with
  // the products skipped, bench/im2col-convs.ts --only W3).
  const inPlace = gPlane == used && (cout & 1) == 0;
  // This part's channels' shifted planes, zeroed once: every image rewrites the same cells.
  memory.fill(shifted + <usize>(c0 * kw) * sPlane, 0, <usize>((c1 - c0) * kw) * sPlane);
  for (let n = 0; n < batch; n++) {
    shiftPlanes(x + (<usize>((n * cin + c0) * h * w) << 2), shifted + <usize>(c0 * kw) * sPlane, c1 - c0, h, w, ow, rows, kw,
      ph, pw, sPlane);
    const g = inPlace ? gy + <usize>(n * cout) * used : grad;
    // Else a copy of it; each plane's tail and an odd count's last plane zero.
    for (let co = 0; co < select(0, 2 * np, inPlace); co++) {
      const dst = grad + <usize>co * gPlane, have = co < cout ? used : 0;
      if (have != 0) memory.copy(dst, gy + <usize>(n * cout + co) * used, used);
      memory.fill(dst + have, 0, gPlane - have);
    }
    for (let u = u0; u < u1; u++) {
      const a = acc + (<usize>u * 2 * TB << 4), at = streams + (<usize>(u - u0) * 6 << 2);
      // a<j><k>: output channel 2b + j, tap 4·blk + k.
      let a00 = f32x4.splat(0), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
      if (n > 0) {
        a00 = v128.load(a); a01 = v128.load(a, 16); a02 = v128.load(a, 32); a03 = v128.load(a, 48);
        a10 = v128.load(a, 64); a11 = v128.load(a, 80); a12 = v128.load(a, 96); a13 = v128.load(a, 112);
      }
      // The six streams advance as pointers from the table's offsets: with addresses computed
      // from the unit inside the loop, V8 redid the unit's divisions on every step.
      let s0 = shifted + load<u32>(at), s1 = shifted + load<u32>(at, 4), s2 = shifted + load<u32>(at, 8);
      let s3 = shifted + load<u32>(at, 12), g0 = g + load<u32>(at, 16), g1 = g + load<u32>(at, 20);
      const end = g1;
      for (; g0 < end; g0 += 16, g1 += 16, s0 += 16, s1 += 16, s2 += 16, s3 += 16) {
        const y0 = v128.load(g0), y1 = v128.load(g1);
        const v0 = v128.load(s0), v1 = v128.load(s1), v2 = v128.load(s2), v3 = v128.load(s3);
        a00 = madd(y0, v0, a00); a10 = madd(y1, v0, a10);
        a01 = madd(y0, v1, a01); a11 = madd(y1, v1, a11);
        a02 = madd(y0, v2, a02); a12 = madd(y1, v2, a12);
        a03 = madd(y0, v3, a03); a13 = madd(y1, v3, a13);
      }
      v128.store(a, a00); v128.store(a, a01, 16); v128.store(a, a02, 32); v128.store(a, a03, 48);
      v128.store(a, a10, 64); v128.store(a, a11, 80); v128.store(a, a12, 96); v128.store(a, a13, 112);
    }
  }
  // gw(co, ci, t) = the lanes of accumulator (co − 2b, t − 4·blk) of unit (ci, blk, b), summed.
  for (let u = u0; u < u1; u++) {
    const ci = u / per, r = u - ci * per, blk = r / np, b = r - blk * np;
    for (let j = 0; j < 2 && 2 * b + j < cout; j++) {
      for (let k = 0; k < TB && TB * blk + k < taps; k++) {
        const v = v128.load(acc + (<usize>(u * 2 * TB + j * TB + k) << 4));
        store<f32>(gw + (<usize>(((2 * b + j) * cin + ci) * taps + TB * blk + k) << 2),
          (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3)));
      }
    }
  }
}

