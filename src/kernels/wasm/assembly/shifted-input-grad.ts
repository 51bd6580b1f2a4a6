// Input gradient of a stride-1, undilated, ungrouped convolution as the adjoint of the shifted
// copies (shifted-planes.ts): the forward reads x(ci, r − ph, c + kx − pw) as
// s(ci, kx)[r·ow + c], so
//   ds(ci, kx)[p] = Σ_co Σ_ky w(co, ci, ky, kx) · gy(co)[p − ky·ow]   (gy flattened, zero outside)
//   gx(ci, r − ph, c + kx − pw) = Σ_kx ds(ci, kx)[r·ow + c]           (within the image)
// Each ds sum runs over contiguous gradient vectors: no column padding and, with the kernel rows
// trimmed per block of positions to those that reach the gradient, almost none of the zero
// products a padded transposed conv computes (LeNet-5's conv2, 16 → 6 at 10² → 14²: 1.96× its
// products by the direct kernel, which is why that conv stayed on im2col).
// A step feeds 8 accumulators (4 (ci, kx) pairs × 2 position vectors) from 2 gradient vectors and
// 4 weights: V8 issues a step's loads before its products, and 15 vector registers hold 14.
// Threads split the images; each image's sums run in one fixed order whatever the split.
import { CONV_BATCH, CONV_C, CONV_CIN, CONV_COUT, CONV_IH, CONV_IW, CONV_KH, CONV_KW, CONV_OH, CONV_OW, CONV_PH, CONV_PW, CONV_SCRATCH, CONV_SCRATCH_STRIDE, CONV_W, CONV_X } from '../abi';
import { arg, ptr, splitAt } from './params';
import { madd } from './gemm';

// The parameter block: the CONV_* slots of ../abi.ts (gy at CONV_X, w at CONV_W, gx at CONV_C;
// stride and dilation 1, one group implied).

// (ci, kx) pairs in blocks of 4; ds positions (oh + kh − 1 rows of ow) in blocks of 8; a padded
// gradient plane: kh − 1 zero rows, the gradient, kh − 1 zero rows and the blocks' overhang.
@inline function pairBlocks(p: usize): i32 { return (arg(p, CONV_CIN) * arg(p, CONV_KW) + 3) / 4; }
@inline function dsLength(p: usize): i32 { return ((arg(p, CONV_OH) + arg(p, CONV_KH) - 1) * arg(p, CONV_OW) + 7) & ~7; }
@inline function gradLength(p: usize): i32 {
  return ((arg(p, CONV_OH) + 2 * arg(p, CONV_KH) - 2) * arg(p, CONV_OW) + 11) & ~3;
}

// Per thread: the rearranged weights, the padded gradient planes and one block of pairs' ds.
export function shiftedInputGradScratchBytes(p: usize, nt: i32): i32 {
  const blocks = pairBlocks(p), cout = arg(p, CONV_COUT), kh = arg(p, CONV_KH);
  return (blocks * cout * kh * 4 + cout * gradLength(p) + 4 * dsLength(p)) * 4 + 192;
}

export function shiftedInputGradTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const gy = ptr(p, CONV_X), w = ptr(p, CONV_W), gx = ptr(p, CONV_C);
  const batch = arg(p, CONV_BATCH), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT);
  const h = arg(p, CONV_IH), wd = arg(p, CONV_IW), oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const kh = arg(p, CONV_KH), kw = arg(p, CONV_KW), ph = arg(p, CONV_PH), pw = arg(p, CONV_PW);
  const n0 = splitAt(batch, parts, part, 1), n1 = splitAt(batch, parts, part + 1, 1);
  if (n1 <= n0) return;
  const blocks = pairBlocks(p), pairs = cin * kw, rows = oh + kh - 1, plane = oh * ow;
  const dsLen = dsLength(p), gLen = gradLength(p), rs = <usize>ow << 2;
  const wr = (ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE) + 63) & ~63;
  const grad = (wr + (<usize>(blocks * cout * kh * 4) << 2) + 63) & ~63;
  const ds = (grad + (<usize>(cout * gLen) << 2) + 63) & ~63;

  // wr[b][co][ky][j] = w(co, ci, ky, kx) for pair 4b + j = ci·kw + kx, 0 past the last pair.
  for (let b = 0; b < blocks; b++) {
    for (let co = 0; co < cout; co++) {
      for (let ky = 0; ky < kh; ky++) {
        const dst = wr + (<usize>(((b * cout + co) * kh + ky) * 4) << 2);
        for (let j = 0; j < 4; j++) {
          const m = 4 * b + j, ci = m / kw, kx = m - ci * kw;
          store<f32>(dst + (<usize>j << 2), m < pairs ? load<f32>(w + (<usize>(((co * cin + ci) * kh + ky) * kw + kx) << 2)) : 0);
        }
      }
    }
  }
  // The gradient planes' zero borders; each image copies only its values between them.
  memory.fill(grad, 0, <usize>(cout * gLen) << 2);
  const front = <usize>((kh - 1) * ow) << 2;

  for (let n = n0; n < n1; n++) {
    for (let co = 0; co < cout; co++) {
      memory.copy(grad + (<usize>(co * gLen) << 2) + front, gy + (<usize>((n * cout + co) * plane) << 2), <usize>plane << 2);
    }
    memory.fill(gx + (<usize>(n * cin * h * wd) << 2), 0, <usize>(cin * h * wd) << 2);
    for (let b = 0; b < blocks; b++) {
      const dsPlane = <usize>dsLen << 2;
      for (let p0 = 0; p0 < dsLen; p0 += 8) {
        // Kernel rows whose term reaches the gradient at one of positions p0 … p0 + 7.
        const kyLo = p0 + ow - plane <= 0 ? 0 : (p0 + ow - plane) / ow, kyHi = min(kh - 1, (p0 + 7) / ow);
        let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        if (kyLo <= kyHi) {
          const span = kyHi - kyLo + 1;
          for (let co = 0; co < cout; co++) {
            let q = grad + (<usize>(co * gLen + p0 + (kh - 1 - kyLo) * ow) << 2);
            let wk = wr + (<usize>(((b * cout + co) * kh + kyLo) * 4) << 2);
            for (let k = 0; k < span; k++, q -= rs, wk += 16) {
              const y0 = v128.load(q), y1 = v128.load(q, 16);
              const c0 = v128.load32_splat(wk), c1 = v128.load32_splat(wk, 4);
              const c2 = v128.load32_splat(wk, 8), c3 = v128.load32_splat(wk, 12);
              a0 = madd(c0, y0, a0); b0 = madd(c0, y1, b0);
              a1 = madd(c1, y0, a1); b1 = madd(c1, y1, b1);
              a2 = madd(c2, y0, a2); b2 = madd(c2, y1, b2);
              a3 = madd(c3, y0, a3); b3 = madd(c3, y1, b3);
            }
          }
        }
        const o = ds + (<usize>p0 << 2);
        v128.store(o, a0); v128.store(o, b0, 16);
        v128.store(o + dsPlane, a1); v128.store(o + dsPlane, b1, 16);
        v128.store(o + 2 * dsPlane, a2); v128.store(o + 2 * dsPlane, b2, 16);
        v128.store(o + 3 * dsPlane, a3); v128.store(o + 3 * dsPlane, b3, 16);
      }
      // gx(n, ci, r − ph, c + kx − pw) += ds(ci, kx)[r][c] for this block's pairs, rows and columns
      // within the image, while its ds is in the first-level cache (blocks and pairs in order, so
      // each gx still sums its kx in order). Summed after all the blocks, from 32 planes of ds
      // (18 KiB for LeNet-5's conv2, which with the gradient planes and weights outgrew the
      // 32 KiB cache), and with scalar row tails (addRow), the kernel's work outside its products
      // took 0.19–0.27 ms at batch 64, 1 thread; now 0.14–0.17 (of 0.82–0.87 in all; CPU time,
      // bench/im2col-convs.ts --only W3 with the products skipped, busy machine).
      for (let m = 4 * b; m < min(4 * b + 4, pairs); m++) {
        const ci = m / kw, kx = m - ci * kw;
        const cLo = max(0, pw - kx), cHi = min(ow, wd + pw - kx);
        if (cHi <= cLo) continue;
        const src = ds + (<usize>((m - 4 * b) * dsLen + cLo) << 2);
        const dst = gx + (<usize>((n * cin + ci) * h * wd + cLo + kx - pw) << 2);
        for (let r = max(0, ph); r < min(rows, h + ph); r++) {
          addRow(dst + (<usize>((r - ph) * wd) << 2), src + <usize>r * rs, cHi - cLo);
        }
      }
    }
  }
}

// dst[0 … len) += src[0 … len), in vectors: the last one ends at len and is summed before the
// others are stored, so where it overlaps them it stores the same sums (no scalar tail: rows of
// ten in LeNet-5's conv2).
@inline function addRow(dst: usize, src: usize, len: i32): void {
  if (len < 4) {
    for (let i = 0; i < len; i++) {
      const o = <usize>i << 2;
      store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
    }
    return;
  }
  const last = <usize>(len - 4) << 2;
  const tail = f32x4.add(v128.load(dst + last), v128.load(src + last));
  for (let o: usize = 0; o < last; o += 16) v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  v128.store(dst + last, tail);
}
