// Weight gradient of a stride-1, undilated, ungrouped convolution computed directly:
//   gw(co, ci, ky, kx) = Σ_n Σ_oy Σ_ox gy(n, co, oy, ox) · x(n, ci, oy + ky − ph, ox + kx − pw)
// With few channels the im2col route writes kh·kw copies of each image and packs them transposed
// for a GEMM whose output is only cout × kh·kw·cin; here the sums run over 4 output positions per
// lane, with no copies but a zero-padded image and output gradient per image, both in cache.
// A unit is (input channel, tap row ky, block of 3 taps kx, 3 output channels): 9 vector
// accumulators, 3 channels × 3 taps, fed by 3 input and 3 gradient vectors per step (9 products
// per 6 loads); a kernel width not a multiple of 3 computes the last block's missing taps into
// accumulators it drops (5×5: 6 taps for 5). Larger tiles spill: 2 × 2 channels × 3 taps
// (12 accumulators) ran 27 ms at 16 → 16, 32², batch 128, against 20 by im2col. Threads split
// the units (in triplesFirst's order); every sum runs in the same order whatever the split
// (images, then rows, then positions, then lanes): results do not depend on the thread count.
import { CONV_BATCH, CONV_C, CONV_CIN, CONV_COUT, CONV_IH, CONV_IW, CONV_KH, CONV_KW, CONV_OH, CONV_OW, CONV_PH, CONV_PW, CONV_SCRATCH, CONV_SCRATCH_STRIDE, CONV_W, CONV_X } from '../abi';
import { arg, ptr, splitAt } from './params';
import { madd } from './gemm';

// The parameter block: the CONV_* slots of ../abi.ts (x at CONV_X, gy at CONV_W, gw at CONV_C;
// stride and dilation 1, one group implied).

// Padded geometry: output rows as 4-wide groups (owp columns), the image with the kh − 1 extra
// rows and the columns the tap blocks reach; output channels rounded up to triples (zero planes).
@inline function rowWidth(p: usize): i32 { return (arg(p, CONV_OW) + 3) & ~3; }
@inline function triples(p: usize): i32 { return (arg(p, CONV_COUT) + 2) / 3; }
@inline function tapBlocks(p: usize): i32 { return (arg(p, CONV_KW) + 2) / 3; }
@inline function paddedRows(p: usize): i32 { return arg(p, CONV_OH) + arg(p, CONV_KH) - 1; }
@inline function paddedCols(p: usize): i32 { return rowWidth(p) + 3 * tapBlocks(p) - 1; }
@inline function units(p: usize): i32 { return arg(p, CONV_CIN) * arg(p, CONV_KH) * tapBlocks(p) * triples(p); }

// The units' order, from the geometry: triples first where the output gradient's padded planes
// outweigh the image's, so that each thread's units (a contiguous range) read only their triples'
// planes of gy and every image plane; else input channels first (each thread reads its input
// channels' planes and every gy plane). A unit's sums do not depend on the order. ResNet-20's
// 3 → 16 stem at batch 128 (3 image planes of 34 × 35 against 18 of 32 × 32): split by input
// channels, each of 2 parts streamed all of gy, and the split run serially on one thread took
// 1.08–1.20× the 1-thread CPU time (best of 20–25, 7 rounds alternating builds, load 8–11);
// by triples first 1.05–1.11× (3.41–3.93 ms against 3.65–4.21).
@inline function triplesFirst(p: usize): bool {
  return 3 * triples(p) * arg(p, CONV_OH) * rowWidth(p) >= arg(p, CONV_CIN) * paddedRows(p) * paddedCols(p);
}
// Unit u's input channel, tap row ky, tap block and triple (ky and the tap block are inner either way).
@inline function unitChannel(p: usize, u: i32): i32 {
  const inner = arg(p, CONV_KH) * tapBlocks(p);
  return triplesFirst(p) ? u / inner % arg(p, CONV_CIN) : u / (inner * triples(p));
}
@inline function unitTriple(p: usize, u: i32): i32 {
  return triplesFirst(p) ? u / (arg(p, CONV_KH) * tapBlocks(p) * arg(p, CONV_CIN)) : u % triples(p);
}
@inline function unitRow(p: usize, u: i32): i32 {
  return triplesFirst(p) ? u / tapBlocks(p) % arg(p, CONV_KH) : u / (tapBlocks(p) * triples(p)) % arg(p, CONV_KH);
}
@inline function unitBlock(p: usize, u: i32): i32 {
  return triplesFirst(p) ? u % tapBlocks(p) : u / triples(p) % tapBlocks(p);
}

// Per thread: the padded image, the padded output gradient and 9 accumulators per unit.
export function directWeightGradScratchBytes(p: usize, nt: i32): i32 {
  const image = arg(p, CONV_CIN) * paddedRows(p) * paddedCols(p), grad = 3 * triples(p) * arg(p, CONV_OH) * rowWidth(p);
  return (image + grad) * 4 + units(p) * 9 * 16 + 192;
}

export function directWeightGradTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const x = ptr(p, CONV_X), gy = ptr(p, CONV_W), gw = ptr(p, CONV_C);
  const batch = arg(p, CONV_BATCH), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT);
  const h = arg(p, CONV_IH), w = arg(p, CONV_IW), oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const kh = arg(p, CONV_KH), kw = arg(p, CONV_KW), ph = arg(p, CONV_PH), pw = arg(p, CONV_PW);
  const nb = triples(p);
  const u0 = splitAt(units(p), parts, part, 1), u1 = splitAt(units(p), parts, part + 1, 1);
  if (u1 <= u0) return;
  // A thread's units read input channels c0 … c1 − 1 and output channels 3·b0 … 3·b1 − 1.
  const byTriples = triplesFirst(p), b0 = unitTriple(p, u0), b1 = unitTriple(p, u1 - 1) + 1;
  const c0 = byTriples && b1 - b0 > 1 ? 0 : unitChannel(p, u0), c1 = byTriples && b1 - b0 > 1 ? cin : unitChannel(p, u1 - 1) + 1;
  const t0 = byTriples ? b0 : 0, t1 = byTriples ? b1 : nb, co0 = 3 * t0, co1 = min(cout, 3 * t1);
  const owp = rowWidth(p), hp = paddedRows(p), wp = paddedCols(p);
  const xPlane = <usize>(hp * wp) << 2, gPlane = <usize>(oh * owp) << 2, xs = <usize>wp << 2, gs = <usize>owp << 2;
  const img = (ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE) + 63) & ~63;
  const grad = img + <usize>cin * xPlane;
  const acc = (grad + <usize>(3 * nb) * gPlane + 63) & ~63;
  const cols = min(w, wp - pw);
  for (let n = 0; n < batch; n++) {
    // The image's planes c0 … c1 − 1 zero-padded, and the output-gradient planes of triples t0 … t1 − 1.
    memory.fill(img + <usize>c0 * xPlane, 0, <usize>(c1 - c0) * xPlane);
    for (let ci = c0; ci < c1; ci++) {
      const src = x + (<usize>((n * cin + ci) * h) * w << 2), dst = img + <usize>ci * xPlane + (<usize>pw << 2);
      for (let iy = 0; iy < h && iy + ph < hp; iy++) {
        if (cols > 0) memory.copy(dst + <usize>(iy + ph) * xs, src + (<usize>(iy * w) << 2), <usize>cols << 2);
      }
    }
    if (owp != ow || co1 != 3 * t1) memory.fill(grad + <usize>co0 * gPlane, 0, <usize>(3 * (t1 - t0)) * gPlane);
    for (let co = co0; co < co1; co++) {
      const src = gy + (<usize>((n * cout + co) * oh) * ow << 2), dst = grad + <usize>co * gPlane;
      if (owp == ow) memory.copy(dst, src, gPlane);
      else for (let oy = 0; oy < oh; oy++) memory.copy(dst + <usize>oy * gs, src + (<usize>(oy * ow) << 2), <usize>ow << 2);
    }
    for (let u = u0; u < u1; u++) {
      const ci = unitChannel(p, u), ky = unitRow(p, u), kx0 = unitBlock(p, u), b = unitTriple(p, u);
      const a = acc + (<usize>u * 9 << 4);
      // a<j><k>: output channel 3b + j, tap (ky, 3·kx0 + k).
      let a00 = f32x4.splat(0), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00, a20 = a00, a21 = a00, a22 = a00;
      if (n > 0) {
        a00 = v128.load(a); a01 = v128.load(a, 16); a02 = v128.load(a, 32);
        a10 = v128.load(a, 48); a11 = v128.load(a, 64); a12 = v128.load(a, 80);
        a20 = v128.load(a, 96); a21 = v128.load(a, 112); a22 = v128.load(a, 128);
      }
      for (let oy = 0; oy < oh; oy++) {
        const xr = img + <usize>ci * xPlane + <usize>(oy + ky) * xs + (<usize>(3 * kx0) << 2);
        const gr = grad + <usize>(3 * b) * gPlane + <usize>oy * gs;
        for (let o: usize = 0; o < gs; o += 16) {
          const x0 = v128.load(xr + o), x1 = v128.load(xr + o, 4), x2 = v128.load(xr + o, 8);
          let g = v128.load(gr + o);
          a00 = madd(g, x0, a00); a01 = madd(g, x1, a01); a02 = madd(g, x2, a02);
          g = v128.load(gr + gPlane + o);
          a10 = madd(g, x0, a10); a11 = madd(g, x1, a11); a12 = madd(g, x2, a12);
          g = v128.load(gr + 2 * gPlane + o);
          a20 = madd(g, x0, a20); a21 = madd(g, x1, a21); a22 = madd(g, x2, a22);
        }
      }
      v128.store(a, a00); v128.store(a, a01, 16); v128.store(a, a02, 32);
      v128.store(a, a10, 48); v128.store(a, a11, 64); v128.store(a, a12, 80);
      v128.store(a, a20, 96); v128.store(a, a21, 112); v128.store(a, a22, 128);
    }
  }
  // gw(co, ci, ky, 3·kx0 + k) = the lanes of accumulator (co − 3b, k) of unit (ci, ky, kx0, b), summed.
  for (let u = u0; u < u1; u++) {
    const ci = unitChannel(p, u), ky = unitRow(p, u), kx0 = unitBlock(p, u), b = unitTriple(p, u);
    for (let j = 0; j < 3 && 3 * b + j < cout; j++) {
      const dst = gw + (<usize>((((3 * b + j) * cin + ci) * kh + ky) * kw + 3 * kx0) << 2);
      for (let k = 0; k < 3 && 3 * kx0 + k < kw; k++) {
        const v = v128.load(acc + (<usize>(u * 9 + j * 3 + k) << 4));
        store<f32>(dst + (<usize>k << 2), (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) +
          (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3)));
      }
    }
  }
}
