// WebGPU convolution, direct: 1-D to 3-D (lifted to 3-D), any stride, padding, dilation and
// groups, the forward pass and both gradients, each a gather with one thread per element it
// writes, so no two threads ever add into one place and every sum runs in a fixed order. The
// path for layers too thin for implicit GEMM (depthwise, few channels per group; conv.ts chooses).
import type { ConvParams } from '../kernels.js';
import type { Storage } from '../storage.js';
import { GpuContext } from './context.js';
import { buf, elementwiseMain, lift3, PRELUDE, rd, Words, wr } from './wgsl.js';

// Words: 0 N, 1 Cin, 2 Cout, 3 G, 4-6 in, 7-9 out, 10-12 kernel, 13-15 stride, 16-18 pad,
// 19-21 dilation, 22 hasBias, 23 elements this call writes (conv-gemm.ts appends its own).
export function convWords(p: ConvParams, hasBias: boolean, n: number): Words {
  const w = new Words().u(p.batch, p.inChannels, p.outChannels, p.groups);
  for (const [v, fill] of [[p.inSize, 1], [p.outSize, 1], [p.kernelSize, 1], [p.stride, 1], [p.padBegin, 0], [p.dilation, 1]] as const) {
    w.u(...lift3(v, fill));
  }
  return w.u(hasBias ? 1 : 0, n);
}

export const GEOMETRY = /* wgsl */ `
fn inSz(d: u32) -> u32 { return P[4u + d]; }
fn outSz(d: u32) -> u32 { return P[7u + d]; }
fn kSz(d: u32) -> u32 { return P[10u + d]; }
// The input coordinate that output o and tap k read along axis d (stride, padding, dilation); may be outside.
fn inAt(d: u32, o: u32, k: u32) -> i32 { return i32(o * P[13u + d] + k * P[19u + d]) - i32(P[16u + d]); }
fn outside(d: u32, i: i32) -> bool { return i < 0 || i >= i32(inSz(d)); }
`;

const FORWARD = PRELUDE + GEOMETRY + buf(1, 'X', false) + buf(2, 'W', false) + buf(3, 'Bias', false) + buf(4, 'Y', true) +
  elementwiseMain(`
  if (i >= P[23]) { return; }
  let Cin = P[1]; let Cout = P[2];
  let cinG = Cin / P[3]; let coutG = Cout / P[3];
  let ow = i % outSz(2u); let oh = (i / outSz(2u)) % outSz(1u); let od = (i / (outSz(2u) * outSz(1u))) % outSz(0u);
  let co = (i / (outSz(0u) * outSz(1u) * outSz(2u))) % Cout;
  let n = i / (outSz(0u) * outSz(1u) * outSz(2u) * Cout);
  let ci0 = (co / coutG) * cinG;
  let inPlane = inSz(0u) * inSz(1u) * inSz(2u);
  let taps = kSz(0u) * kSz(1u) * kSz(2u);
  var acc = 0.0;
  for (var c = 0u; c < cinG; c = c + 1u) {
    let xBase = (n * Cin + ci0 + c) * inPlane;
    let wBase = (co * cinG + c) * taps;
    for (var kd = 0u; kd < kSz(0u); kd = kd + 1u) {
      let id = inAt(0u, od, kd);
      if (outside(0u, id)) { continue; }
      for (var kh = 0u; kh < kSz(1u); kh = kh + 1u) {
        let ih = inAt(1u, oh, kh);
        if (outside(1u, ih)) { continue; }
        let row = xBase + (u32(id) * inSz(1u) + u32(ih)) * inSz(2u);
        let wRow = wBase + (kd * kSz(1u) + kh) * kSz(2u);
        for (var kw = 0u; kw < kSz(2u); kw = kw + 1u) {
          let iw = inAt(2u, ow, kw);
          if (outside(2u, iw)) { continue; }
          acc = acc + X[row + u32(iw)] * W[wRow + kw];
        }
      }
    }
  }
  if (P[22] == 1u) { acc = acc + Bias[co]; }
  Y[i] = acc;`);

// One thread per input element: the outputs that read it through tap k sit at
// o = (i + pad − k·dilation) / stride, where that division is exact and in range.
const BACKWARD_INPUT = PRELUDE + GEOMETRY + buf(1, 'GY', false) + buf(2, 'W', false) + buf(3, 'GX', true) +
  elementwiseMain(`
  if (i >= P[23]) { return; }
  let Cin = P[1]; let Cout = P[2];
  let cinG = Cin / P[3]; let coutG = Cout / P[3];
  let iw = i % inSz(2u); let ih = (i / inSz(2u)) % inSz(1u); let id = (i / (inSz(2u) * inSz(1u))) % inSz(0u);
  let ci = (i / (inSz(0u) * inSz(1u) * inSz(2u))) % Cin;
  let n = i / (inSz(0u) * inSz(1u) * inSz(2u) * Cin);
  let grp = ci / cinG; let cl = ci % cinG;
  let outPlane = outSz(0u) * outSz(1u) * outSz(2u);
  let taps = kSz(0u) * kSz(1u) * kSz(2u);
  var acc = 0.0;
  for (var c = 0u; c < coutG; c = c + 1u) {
    let co = grp * coutG + c;
    let yBase = (n * Cout + co) * outPlane;
    let wBase = (co * cinG + cl) * taps;
    for (var kd = 0u; kd < kSz(0u); kd = kd + 1u) {
      let td = i32(id + P[16]) - i32(kd * P[19]);
      if (td < 0 || td % i32(P[13]) != 0) { continue; }
      let od = u32(td) / P[13];
      if (od >= outSz(0u)) { continue; }
      for (var kh = 0u; kh < kSz(1u); kh = kh + 1u) {
        let th = i32(ih + P[17]) - i32(kh * P[20]);
        if (th < 0 || th % i32(P[14]) != 0) { continue; }
        let oh = u32(th) / P[14];
        if (oh >= outSz(1u)) { continue; }
        for (var kw = 0u; kw < kSz(2u); kw = kw + 1u) {
          let tw = i32(iw + P[18]) - i32(kw * P[21]);
          if (tw < 0 || tw % i32(P[15]) != 0) { continue; }
          let ow = u32(tw) / P[15];
          if (ow >= outSz(2u)) { continue; }
          acc = acc + GY[yBase + (od * outSz(1u) + oh) * outSz(2u) + ow] * W[wBase + (kd * kSz(1u) + kh) * kSz(2u) + kw];
        }
      }
    }
  }
  GX[i] = acc;`);

// Weight gradient in two passes, so the batch adds parallelism (a layer's weights alone are too
// few threads to fill a GPU): one thread per (image, weight element) sums that image's output
// positions into a partial, then one thread per weight element adds the partials in image order.
const BACKWARD_WEIGHT_PARTIAL = PRELUDE + GEOMETRY + buf(1, 'X', false) + buf(2, 'GY', false) + buf(3, 'Part', true) +
  elementwiseMain(`
  if (i >= P[23]) { return; }
  let Cin = P[1]; let Cout = P[2];
  let cinG = Cin / P[3]; let coutG = Cout / P[3];
  let taps = kSz(0u) * kSz(1u) * kSz(2u);
  let wi = i % (Cout * cinG * taps);
  let n = i / (Cout * cinG * taps);
  let kw = wi % kSz(2u); let kh = (wi / kSz(2u)) % kSz(1u); let kd = (wi / (kSz(2u) * kSz(1u))) % kSz(0u);
  let cl = (wi / taps) % cinG;
  let co = wi / (taps * cinG);
  let ci = (co / coutG) * cinG + cl;
  let xBase = (n * Cin + ci) * inSz(0u) * inSz(1u) * inSz(2u);
  let yBase = (n * Cout + co) * outSz(0u) * outSz(1u) * outSz(2u);
  var acc = 0.0;
  for (var od = 0u; od < outSz(0u); od = od + 1u) {
    let id = inAt(0u, od, kd);
    if (outside(0u, id)) { continue; }
    for (var oh = 0u; oh < outSz(1u); oh = oh + 1u) {
      let ih = inAt(1u, oh, kh);
      if (outside(1u, ih)) { continue; }
      let row = xBase + (u32(id) * inSz(1u) + u32(ih)) * inSz(2u);
      let yRow = yBase + (od * outSz(1u) + oh) * outSz(2u);
      for (var ow = 0u; ow < outSz(2u); ow = ow + 1u) {
        let iw = inAt(2u, ow, kw);
        if (outside(2u, iw)) { continue; }
        acc = acc + X[row + u32(iw)] * GY[yRow + ow];
      }
    }
  }
  Part[i] = acc;`);

// P[0] partials of P[23] values each, added in order (the images here, conv-gemm.ts's splits).
export const BACKWARD_WEIGHT_SUM = PRELUDE + buf(1, 'Part', false) + buf(2, 'GW', true) + elementwiseMain(`
  if (i >= P[23]) { return; }
  var acc = 0.0;
  for (var n = 0u; n < P[0]; n = n + 1u) { acc = acc + Part[n * P[23] + i]; }
  GW[i] = acc;`);

export function convForwardDirect(ctx: GpuContext, x: Storage, w: Storage, bias: Storage | null, out: Storage, p: ConvParams): void {
  const n = p.batch * p.outChannels * p.outSize.reduce((a, b) => a * b, 1);
  const b = bias ? rd(bias) : { buffer: ctx.dummy };
  ctx.run(FORWARD, convWords(p, bias !== null, n).buffer(), [rd(x), rd(w), b, wr(out)], GpuContext.grid(n));
}

export function convBackwardInputDirect(ctx: GpuContext, gy: Storage, w: Storage, gx: Storage, p: ConvParams): void {
  const n = p.batch * p.inChannels * p.inSize.reduce((a, b) => a * b, 1);
  ctx.run(BACKWARD_INPUT, convWords(p, false, n).buffer(), [rd(gy), rd(w), wr(gx)], GpuContext.grid(n));
}

export function convBackwardWeightDirect(ctx: GpuContext, x: Storage, gy: Storage, gw: Storage, p: ConvParams): void {
  const n = p.outChannels * (p.inChannels / p.groups) * p.kernelSize.reduce((a, b) => a * b, 1);
  const partial = ctx.cache.take(p.batch * n);
  ctx.run(BACKWARD_WEIGHT_PARTIAL, convWords(p, false, p.batch * n).buffer(), [rd(x), rd(gy), wr(partial)], GpuContext.grid(p.batch * n));
  ctx.run(BACKWARD_WEIGHT_SUM, convWords(p, false, n).buffer(), [rd(partial), wr(gw)], GpuContext.grid(n));
}
