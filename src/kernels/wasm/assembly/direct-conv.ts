// Direct 2-D convolution (1-D as H = 1) for stride 1, undilated, ungrouped convolutions with few
// output channels. With 6 or 16 output channels (LeNet-5) each im2col element feeds only that
// many products, so packing it costs more than the products themselves (conv1 ran at 9 GFLOP/s
// through the GEMM); here every input vector is loaded once and feeds 4 output channels.
//   out(co, oy, ox) = bias(co) + Σ_ci Σ_ky Σ_kx w(co, ci, ky, kx) · x(ci, oy + ky − ph, ox + kx − pw)
// Threads split (image, block of 4 output channels) pairs; outputs of different pairs never overlap.
// With CONV_FLIP, filter (co, ci) is w's filter (ci, co) rotated by 180°: the input gradient of a
// stride-1 conv as a conv of the output gradient (see conv-paths.ts).
// The inner step multiplies 4 channels' weights by 2 rows × 4 positions: 8 accumulators, 2 input
// and 4 weight vectors in registers (8 channels × 4 positions needs 17 of the 16: it spilled).
import { CONV_BATCH, CONV_C, CONV_CIN, CONV_COUT, CONV_FLIP, CONV_IH, CONV_IW, CONV_KH, CONV_KW, CONV_OH, CONV_OUT, CONV_OW, CONV_PH, CONV_PW, CONV_SCRATCH, CONV_SCRATCH_STRIDE, CONV_SH, CONV_SW, CONV_W, CONV_X } from '../abi';
import { arg, ptr } from './params';
import { madd } from './gemm';

// The parameter block: the CONV_* slots of ../abi.ts (stride, dilation and groups are implied).

const CB: i32 = 4; // output channels per block

// Padded image geometry: rows −ph … past the last row pair, columns −pw … past the last 4-wide
// group; everything outside the image is zero.
@inline function paddedH(p: usize): i32 { return ((arg(p, CONV_OH) + 1) & ~1) + arg(p, CONV_KH) - 1; }
@inline function paddedW(p: usize): i32 { return ((arg(p, CONV_OW) + 3) & ~3) + arg(p, CONV_KW) - 1; }

// Per thread: one zero-padded image (cin planes) and the weights of all blocks rearranged as
// [block][ci][ky][kx][4 channels].
export function directConvScratchBytes(p: usize, nt: i32): i32 {
  const cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT), khw = arg(p, CONV_KH) * arg(p, CONV_KW);
  const blocks = (cout + CB - 1) / CB;
  return (cin * paddedH(p) * paddedW(p) + blocks * cin * khw * CB) * 4 + 128;
}

export function directConvTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const x = ptr(p, CONV_X), w = ptr(p, CONV_W), bias = ptr(p, CONV_C), out = ptr(p, CONV_OUT);
  const batch = arg(p, CONV_BATCH), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT);
  const h = arg(p, CONV_IH), wd = arg(p, CONV_IW), oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const kh = arg(p, CONV_KH), kw = arg(p, CONV_KW), ph = arg(p, CONV_PH), pw = arg(p, CONV_PW);
  const blocks = (cout + CB - 1) / CB;
  const units = batch * blocks;
  const u0 = part * units / parts, u1 = (part + 1) * units / parts;
  if (u1 <= u0) return;
  const hp = paddedH(p), wp = paddedW(p), khw = kh * kw;
  const img = (ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE) + 63) & ~63;
  const wr = img + ((<usize>cin * hp * wp * 4 + 63) & ~63);

  // Weights: wr[b][ci][k][j] = filter (b·4 + j, ci) tap k, 0 past cout.
  const flip = arg(p, CONV_FLIP) != 0;
  for (let b = 0; b < blocks; b++) {
    for (let ci = 0; ci < cin; ci++) {
      for (let k = 0; k < khw; k++) {
        const dst = wr + (<usize>((b * cin + ci) * khw + k) * CB) * 4;
        for (let j = 0; j < CB; j++) {
          const co = b * CB + j;
          const at = flip ? (ci * cout + co) * khw + khw - 1 - k : (co * cin + ci) * khw + k;
          store<f32>(dst + (<usize>j << 2), co < cout ? load<f32>(w + (<usize>at << 2)) : 0);
        }
      }
    }
  }

  let loaded = -1;
  for (let u = u0; u < u1; u++) {
    const n = u / blocks, b = u - n * blocks;
    if (n != loaded) {
      // The image, zero-padded: rows and columns outside it read as zeros, no bounds checks.
      memory.fill(img, 0, <usize>cin * hp * wp * 4);
      for (let ci = 0; ci < cin; ci++) {
        for (let iy = 0; iy < h; iy++) {
          const py = iy + ph;
          if (py >= hp) break;
          const n0 = min(wd, wp - pw);
          if (n0 > 0) {
            memory.copy(img + (<usize>((ci * hp + py) * wp + pw) << 2), x + (<usize>(((n * cin + ci) * h + iy) * wd) << 2),
              <usize>n0 << 2);
          }
        }
      }
      loaded = n;
    }
    const c0 = b * CB, nc = min(CB, cout - c0);
    const wb = wr + (<usize>(b * cin * khw * CB) << 2);
    const rs = <usize>wp << 2;
    const plane = <usize>(oh * ow) << 2;
    for (let oy = 0; oy < oh; oy += 2) {
      const two = oy + 1 < oh;
      for (let ox = 0; ox < ow; ox += 4) {
        let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        let wk = wb;
        for (let ci = 0; ci < cin; ci++) {
          for (let ky = 0; ky < kh; ky++) {
            let q = img + (<usize>((ci * hp + oy + ky) * wp + ox) << 2);
            for (let kx = 0; kx < kw; kx++) {
              const v = v128.load(q), u = v128.load(q + rs);
              let c = v128.load32_splat(wk);
              a0 = madd(c, v, a0); b0 = madd(c, u, b0);
              c = v128.load32_splat(wk, 4);
              a1 = madd(c, v, a1); b1 = madd(c, u, b1);
              c = v128.load32_splat(wk, 8);
              a2 = madd(c, v, a2); b2 = madd(c, u, b2);
              c = v128.load32_splat(wk, 12);
              a3 = madd(c, v, a3); b3 = madd(c, u, b3);
              q += 4;
              wk += CB * 4;
            }
          }
        }
        const o = out + (<usize>(((n * cout + c0) * oh + oy) * ow + ox) << 2);
        const lanes = min(4, ow - ox);
        const o2 = o + (<usize>ow << 2);
        storeRow(o, a0, bias, c0, lanes);
        if (two) storeRow(o2, b0, bias, c0, lanes);
        if (nc > 1) { storeRow(o + plane, a1, bias, c0 + 1, lanes); if (two) storeRow(o2 + plane, b1, bias, c0 + 1, lanes); }
        if (nc > 2) { storeRow(o + 2 * plane, a2, bias, c0 + 2, lanes); if (two) storeRow(o2 + 2 * plane, b2, bias, c0 + 2, lanes); }
        if (nc > 3) { storeRow(o + 3 * plane, a3, bias, c0 + 3, lanes); if (two) storeRow(o2 + 3 * plane, b3, bias, c0 + 3, lanes); }
      }
    }
  }
}

// Stores the first `lanes` values of acc (+ bias[co] when there is a bias) at o.
@inline function storeRow(o: usize, acc: v128, bias: usize, co: i32, lanes: i32): void {
  storeLanes(o, bias != 0 ? f32x4.add(acc, v128.load32_splat(bias + (<usize>co << 2))) : acc, lanes);
}

// Depthwise convolution (groups = channels, one filter per channel: image filters, MobileNet
// blocks), stride 1 or 2 across, undilated. Through the GEMM each group is a 1-row product that
// packs 9 values per output for 9 products (1–4 GFLOP/s); here a plane is padded once and every
// output row pair takes one weight splat per two input vectors. Threads split the planes.
export function depthwiseScratchBytes(p: usize, nt: i32): i32 {
  return dwPaddedH(p) * dwPaddedW(p) * 4 + 128;
}

// Padded plane: rows for an even number of output rows, columns for whole 4-wide groups plus
// the second vector a stride-2 load reads.
@inline function dwPaddedH(p: usize): i32 { return (((arg(p, CONV_OH) + 1) & ~1) - 1) * arg(p, CONV_SH) + arg(p, CONV_KH); }
@inline function dwPaddedW(p: usize): i32 { return ((arg(p, CONV_OW) + 3) & ~3) * arg(p, CONV_SW) + arg(p, CONV_KW) + 4; }

export function depthwiseConvTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const x = ptr(p, CONV_X), w = ptr(p, CONV_W), bias = ptr(p, CONV_C), out = ptr(p, CONV_OUT);
  const batch = arg(p, CONV_BATCH), ch = arg(p, CONV_CIN);
  const h = arg(p, CONV_IH), wd = arg(p, CONV_IW), oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const kh = arg(p, CONV_KH), kw = arg(p, CONV_KW), sh = arg(p, CONV_SH), sw = arg(p, CONV_SW), ph = arg(p, CONV_PH), pw = arg(p, CONV_PW);
  const planes = batch * ch;
  const q0 = part * planes / parts, q1 = (part + 1) * planes / parts;
  const hp = dwPaddedH(p), wp = dwPaddedW(p);
  const pad = (ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE) + 63) & ~63;
  const rs = <usize>wp << 2;
  for (let q = q0; q < q1; q++) {
    const c = q % ch;
    memory.fill(pad, 0, <usize>hp * rs);
    const src = x + (<usize>(q * h * wd) << 2);
    const n0 = min(wd, wp - pw);
    for (let iy = 0; iy < min(h, hp - ph); iy++) {
      memory.copy(pad + <usize>(iy + ph) * rs + (<usize>pw << 2), src + (<usize>(iy * wd) << 2), <usize>n0 << 2);
    }
    const wc = w + (<usize>(c * kh * kw) << 2);
    const bv = f32x4.splat(bias != 0 ? load<f32>(bias + (<usize>c << 2)) : 0);
    const o = out + (<usize>(q * oh * ow) << 2);
    for (let oy = 0; oy < oh; oy += 2) {
      const two = oy + 1 < oh;
      const r0 = pad + <usize>(oy * sh) * rs, r1 = r0 + <usize>sh * rs;
      for (let ox = 0; ox < ow; ox += 4) {
        let a = bv, b = bv;
        const xo = <usize>(ox * sw) << 2;
        for (let ky = 0; ky < kh; ky++) {
          const u0 = r0 + <usize>ky * rs + xo, u1 = r1 + <usize>ky * rs + xo;
          const wk = wc + (<usize>(ky * kw) << 2);
          for (let kx = 0; kx < kw; kx++) {
            const t = v128.load32_splat(wk + (<usize>kx << 2));
            const e = <usize>kx << 2;
            let v: v128, u: v128;
            if (sw == 1) {
              v = v128.load(u0 + e);
              u = v128.load(u1 + e);
            } else {
              v = i32x4.shuffle(v128.load(u0 + e), v128.load(u0 + e, 16), 0, 2, 4, 6);
              u = i32x4.shuffle(v128.load(u1 + e), v128.load(u1 + e, 16), 0, 2, 4, 6);
            }
            a = madd(t, v, a);
            b = madd(t, u, b);
          }
        }
        const lanes = min(4, ow - ox);
        const dst = o + (<usize>(oy * ow + ox) << 2);
        storeLanes(dst, a, lanes);
        if (two) storeLanes(dst + (<usize>ow << 2), b, lanes);
      }
    }
  }
}

// The first `lanes` values of v at o.
@inline function storeLanes(o: usize, v: v128, lanes: i32): void {
  if (lanes == 4) {
    v128.store(o, v);
    return;
  }
  store<f32>(o, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(o, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(o, f32x4.extract_lane(v, 2), 8);
}
