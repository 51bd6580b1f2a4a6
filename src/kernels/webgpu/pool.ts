// WebGPU pooling, 1-D to 3-D lifted to 3-D. Max pooling keeps the reference's rules (padding is
// −∞, NaN wins, the last NaN's index is kept); its backward pass is a gather over the windows
// that can hold each input, in the reference's order. Average and adaptive average pooling take
// their windows from the reference's host-side tables (bounds and divisor factors per dim),
// passed with the parameters, plus per input index the range of windows that cover it.
import type { AdaptivePoolParams, PoolParams } from '../kernels.js';
import { adaptiveTables, avgTables, type WindowTable } from '../ref/pool.js';
import type { Storage } from '../storage.js';
import { GpuContext } from './context.js';
import { buf, elementwiseMain, FLOAT_BITS, lift3, PRELUDE, rd, Words, wr } from './wgsl.js';

// Words: 0 planes, 1-3 in, 4-6 out, 7-9 kernel, 10-12 stride, 13-15 pad, 16-18 dilation,
// 19 withArgmax, 20 elements this call writes, 21 the ReLU after the pool (forward: on the
// outputs; backward: only where its output Y > 0).
function maxWords(p: PoolParams, withArgmax: boolean, n: number, relu: boolean): ArrayBuffer {
  const w = new Words().u(p.batch * p.channels);
  for (const [v, fill] of [[p.inSize, 1], [p.outSize, 1], [p.kernelSize, 1], [p.stride, 1], [p.padBegin, 0], [p.dilation, 1]] as const) {
    w.u(...lift3(v, fill));
  }
  return w.u(withArgmax ? 1 : 0, n, relu ? 1 : 0).buffer();
}

const MAX_FORWARD = PRELUDE + FLOAT_BITS + buf(1, 'X', false) + buf(2, 'Y', true) + buf(3, 'Arg', true, 'i32') +
  elementwiseMain(`
  if (i >= P[20]) { return; }
  let ow = i % P[6]; let oh = (i / P[6]) % P[5]; let od = (i / (P[6] * P[5])) % P[4];
  let plane = i / (P[4] * P[5] * P[6]);
  let xBase = plane * P[1] * P[2] * P[3];
  var best = negInf();
  var arg = -1;
  for (var kd = 0u; kd < P[7]; kd = kd + 1u) {
    let id = i32(od * P[10] + kd * P[16]) - i32(P[13]);
    if (id < 0 || id >= i32(P[1])) { continue; }
    for (var kh = 0u; kh < P[8]; kh = kh + 1u) {
      let ih = i32(oh * P[11] + kh * P[17]) - i32(P[14]);
      if (ih < 0 || ih >= i32(P[2])) { continue; }
      let row = (id * i32(P[2]) + ih) * i32(P[3]);
      for (var kw = 0u; kw < P[9]; kw = kw + 1u) {
        let iw = i32(ow * P[12] + kw * P[18]) - i32(P[15]);
        if (iw < 0 || iw >= i32(P[3])) { continue; }
        let v = X[xBase + u32(row + iw)];
        if (v > best || isNan(v)) { best = v; arg = row + iw; }
      }
    }
  }
  if (P[21] == 1u && !(best > 0.0)) { best = 0.0; }
  Y[i] = best;
  if (P[19] == 1u) { Arg[i] = arg; }`);

// One thread per input element: the windows whose taps can land on it, in output order.
const MAX_BACKWARD = PRELUDE + buf(1, 'GY', false) + buf(2, 'Arg', false, 'i32') + buf(3, 'GX', true) + buf(4, 'Y', false) + /* wgsl */ `
fn firstOut(i: u32, d: u32) -> u32 {
  // smallest o with o·s − p + (k − 1)·dil ≥ i
  let t = i32(i + P[13u + d]) - i32((P[7u + d] - 1u) * P[16u + d]);
  if (t <= 0) { return 0u; }
  return (u32(t) + P[10u + d] - 1u) / P[10u + d];
}
fn lastOut(i: u32, d: u32) -> u32 {
  // one past the largest o with o·s − p ≤ i
  return min((i + P[13u + d]) / P[10u + d] + 1u, P[4u + d]);
}
` + elementwiseMain(`
  if (i >= P[20]) { return; }
  let iw = i % P[3]; let ih = (i / P[3]) % P[2]; let id = (i / (P[3] * P[2])) % P[1];
  let plane = i / (P[1] * P[2] * P[3]);
  let me = i32((id * P[2] + ih) * P[3] + iw);
  let yBase = plane * P[4] * P[5] * P[6];
  var acc = 0.0;
  for (var od = firstOut(id, 0u); od < lastOut(id, 0u); od = od + 1u) {
    for (var oh = firstOut(ih, 1u); oh < lastOut(ih, 1u); oh = oh + 1u) {
      for (var ow = firstOut(iw, 2u); ow < lastOut(iw, 2u); ow = ow + 1u) {
        let o = yBase + (od * P[5] + oh) * P[6] + ow;
        if (Arg[o] == me && (P[21] == 0u || Y[o] > 0.0)) { acc = acc + GY[o]; }
      }
    }
  }
  GX[i] = acc;`);

export function maxPoolForward(ctx: GpuContext, x: Storage, out: Storage, argmax: Storage | null, p: PoolParams,
  relu = false): void {
  const n = p.batch * p.channels * p.outSize.reduce((a, b) => a * b, 1);
  const arg = argmax ? wr(argmax) : { buffer: ctx.dummy, write: true };
  ctx.run(MAX_FORWARD, maxWords(p, argmax !== null, n, relu), [rd(x), wr(out), arg], GpuContext.grid(n));
}

export function maxPoolBackward(ctx: GpuContext, gy: Storage, argmax: Storage, gx: Storage, p: PoolParams,
  y: Storage | null = null): void {
  const n = p.batch * p.channels * p.inSize.reduce((a, b) => a * b, 1);
  ctx.run(MAX_BACKWARD, maxWords(p, true, n, y !== null), [rd(gy), rd(argmax), wr(gx), y ? rd(y) : { buffer: ctx.dummy, write: false }],
    GpuContext.grid(n));
}

// Words: 0 planes, 1-3 in, 4-6 out, 7 elements, then per dim d the offset of its table
// (8 + d), each table: lo[out], hi[out], extent[out], coverLo[in], coverHi[in].
function windowWords(planes: number, inSize: readonly number[], outSize: readonly number[], T: WindowTable[], n: number): ArrayBuffer {
  const inS = lift3(inSize, 1), outS = lift3(outSize, 1);
  const w = new Words().u(planes, ...inS, ...outS, n);
  const offsets: number[] = [];
  let at = 11;
  for (let d = 0; d < 3; d++) {
    offsets.push(at);
    at += 3 * outS[d]! + 2 * inS[d]!;
  }
  w.u(...offsets);
  T.forEach((t, d) => {
    w.u(...t.lo, ...t.hi, ...t.extent);
    // Windows only move forward with o, so the ones covering input index i form a range.
    const lo = new Array<number>(inS[d]!).fill(0), hi = new Array<number>(inS[d]!).fill(0);
    for (let i = 0; i < inS[d]!; i++) {
      let a = 0;
      while (a < outS[d]! && t.hi[a]! <= i) a++;
      let b = a;
      while (b < outS[d]! && t.lo[b]! <= i) b++;
      lo[i] = a;
      hi[i] = Math.max(a, b);
    }
    w.u(...lo, ...hi);
  });
  return w.buffer();
}

const WINDOW_FNS = /* wgsl */ `
fn lo(d: u32, o: u32) -> u32 { return P[P[8u + d] + o]; }
fn hi(d: u32, o: u32) -> u32 { return P[P[8u + d] + P[4u + d] + o]; }
fn extent(d: u32, o: u32) -> f32 { return f32(P[P[8u + d] + 2u * P[4u + d] + o]); }
fn coverLo(d: u32, i: u32) -> u32 { return P[P[8u + d] + 3u * P[4u + d] + i]; }
fn coverHi(d: u32, i: u32) -> u32 { return P[P[8u + d] + 3u * P[4u + d] + P[1u + d] + i]; }
`;

const AVG_FORWARD = PRELUDE + WINDOW_FNS + buf(1, 'X', false) + buf(2, 'Y', true) + elementwiseMain(`
  if (i >= P[7]) { return; }
  let ow = i % P[6]; let oh = (i / P[6]) % P[5]; let od = (i / (P[6] * P[5])) % P[4];
  let plane = i / (P[4] * P[5] * P[6]);
  let xBase = plane * P[1] * P[2] * P[3];
  var acc = 0.0;
  for (var id = lo(0u, od); id < hi(0u, od); id = id + 1u) {
    for (var ih = lo(1u, oh); ih < hi(1u, oh); ih = ih + 1u) {
      let row = xBase + (id * P[2] + ih) * P[3];
      for (var iw = lo(2u, ow); iw < hi(2u, ow); iw = iw + 1u) { acc = acc + X[row + iw]; }
    }
  }
  Y[i] = acc / (extent(0u, od) * extent(1u, oh) * extent(2u, ow));`);

const AVG_BACKWARD = PRELUDE + WINDOW_FNS + buf(1, 'GY', false) + buf(2, 'GX', true) + elementwiseMain(`
  if (i >= P[7]) { return; }
  let iw = i % P[3]; let ih = (i / P[3]) % P[2]; let id = (i / (P[3] * P[2])) % P[1];
  let plane = i / (P[1] * P[2] * P[3]);
  let yBase = plane * P[4] * P[5] * P[6];
  var acc = 0.0;
  for (var od = coverLo(0u, id); od < coverHi(0u, id); od = od + 1u) {
    for (var oh = coverLo(1u, ih); oh < coverHi(1u, ih); oh = oh + 1u) {
      for (var ow = coverLo(2u, iw); ow < coverHi(2u, iw); ow = ow + 1u) {
        let o = yBase + (od * P[5] + oh) * P[6] + ow;
        acc = acc + GY[o] / (extent(0u, od) * extent(1u, oh) * extent(2u, ow));
      }
    }
  }
  GX[i] = acc;`);

function windows(ctx: GpuContext, src: Storage, dst: Storage, planes: number, inSize: readonly number[],
  outSize: readonly number[], T: WindowTable[], backward: boolean): void {
  const n = planes * (backward ? inSize : outSize).reduce((a, b) => a * b, 1);
  ctx.run(backward ? AVG_BACKWARD : AVG_FORWARD, windowWords(planes, inSize, outSize, T, n), [rd(src), wr(dst)], GpuContext.grid(n));
}

export function avgPoolForward(ctx: GpuContext, x: Storage, out: Storage, p: PoolParams): void {
  windows(ctx, x, out, p.batch * p.channels, p.inSize, p.outSize, avgTables(p), false);
}

export function avgPoolBackward(ctx: GpuContext, gy: Storage, gx: Storage, p: PoolParams): void {
  windows(ctx, gy, gx, p.batch * p.channels, p.inSize, p.outSize, avgTables(p), true);
}

export function adaptiveAvgPoolForward(ctx: GpuContext, x: Storage, out: Storage, p: AdaptivePoolParams): void {
  windows(ctx, x, out, p.batch * p.channels, p.inSize, p.outSize, adaptiveTables(p), false);
}

export function adaptiveAvgPoolBackward(ctx: GpuContext, gy: Storage, gx: Storage, p: AdaptivePoolParams): void {
  windows(ctx, gy, gx, p.batch * p.channels, p.inSize, p.outSize, adaptiveTables(p), true);
}
