// WebGPU batch normalisation over (N, C, S). Statistics and the backward sums take one workgroup
// per channel: 256 threads stride over the N·S values and reduce in workgroup memory (two passes
// for the variance, as the reference: the one-pass form cancels when |mean| ≫ std).
import type { BatchNormParams, BatchNormStatsParams } from '../kernels.js';
import type { Storage } from '../storage.js';
import { GpuContext } from './context.js';
import { buf, elementwiseMain, PRELUDE, rd, Words, wr } from './wgsl.js';

// Words: batch, channels, spatial, then per kernel: hasWeight, hasBias / training, wantGx, wantGw, wantGb.
const REDUCE = /* wgsl */ `
var<workgroup> red: array<f32, 256>;
fn reduceSum(t: u32, v: f32) -> f32 {
  red[t] = v;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) {
    if (t < s) { red[t] = red[t] + red[t + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
`;
// The j-th of channel c's N·S values.
const AT = /* wgsl */ `fn at(c: u32, j: u32) -> u32 { let S = P[2]; return ((j / S) * P[1] + c) * S + j % S; }
`;

const STATS = PRELUDE + AT + REDUCE + buf(1, 'X', false) + buf(2, 'Mean', true) + buf(3, 'Var', true) + /* wgsl */ `
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let c = wg.x; let t = lid.x;
  let count = P[0] * P[2];
  var s = 0.0;
  for (var j = t; j < count; j = j + 256u) { s = s + X[at(c, j)]; }
  let m = reduceSum(t, s) / f32(count);
  var ss = 0.0;
  for (var j = t; j < count; j = j + 256u) { let d = X[at(c, j)] - m; ss = ss + d * d; }
  let v = reduceSum(t, ss) / f32(count);
  if (t == 0u) { Mean[c] = m; Var[c] = v; }
}`;

// Words: channels, eps, training, momentum, unbias, hasRunning.
const FINISH = PRELUDE + buf(1, 'Mean', true) + buf(2, 'Var', false) + buf(3, 'InvStd', true) + buf(4, 'RM', true) +
  buf(5, 'RV', true) + elementwiseMain(`
  if (i >= P[0]) { return; }
  let eps = pf(1u); let mom = pf(3u);
  if (P[2] == 1u) {
    InvStd[i] = 1.0 / sqrt(Var[i] + eps);
    if (P[5] == 1u) {
      RM[i] = (1.0 - mom) * RM[i] + mom * Mean[i];
      RV[i] = (1.0 - mom) * RV[i] + mom * Var[i] * pf(4u);
    }
  } else {
    Mean[i] = RM[i];
    InvStd[i] = 1.0 / sqrt(RV[i] + eps);
  }`);

// Words: batch, channels, spatial, hasWeight, hasBias, hasResidual, relu.
const FORWARD = PRELUDE + buf(1, 'X', false) + buf(2, 'Mean', false) + buf(3, 'InvStd', false) + buf(4, 'Wt', false) +
  buf(5, 'Bs', false) + buf(6, 'Y', true) + buf(7, 'Res', false) + elementwiseMain(`
  if (i >= P[0] * P[1] * P[2]) { return; }
  let c = (i / P[2]) % P[1];
  // (x − mean)·scale + bias, not x·scale + shift: in f32 the folded form cancels when |mean| ≫ std.
  let scale = InvStd[c] * select(1.0, Wt[c], P[3] == 1u);
  var v = (X[i] - Mean[c]) * scale + select(0.0, Bs[c], P[4] == 1u);
  if (P[5] == 1u) { v = v + Res[i]; }
  if (P[6] == 1u) { v = select(0.0, v, v > 0.0); }
  Y[i] = v;`);

// The fused ReLU's backward: G = gy·[y > 0], batch norm's incoming gradient. Words: size.
const RELU_MASK = PRELUDE + buf(1, 'Y', false) + buf(2, 'GY', false) + buf(3, 'G', true) + elementwiseMain(`
  if (i >= P[0]) { return; }
  G[i] = select(0.0, GY[i], Y[i] > 0.0);`);

// Double-float arithmetic (a value as hi + lo, Dekker and Knuth): with few values per channel
// the input gradient is a small difference of large terms (two values: gy − mean − x̂·mean(gy·x̂)
// is the rounding noise of 1 − x̂², about eps/var), so f32 alone loses every digit the
// reference keeps in float64.
const DOUBLE_FLOAT = /* wgsl */ `
fn quickTwoSum(a: f32, b: f32) -> vec2<f32> { let s = a + b; return vec2<f32>(s, b - (s - a)); }
fn twoSum(a: f32, b: f32) -> vec2<f32> {
  let s = a + b; let bb = s - a;
  return vec2<f32>(s, (a - (s - bb)) + (b - bb));
}
fn split(a: f32) -> vec2<f32> { let c = 4097.0 * a; let hi = c - (c - a); return vec2<f32>(hi, a - hi); }
fn twoProd(a: f32, b: f32) -> vec2<f32> {
  let p = a * b; let A = split(a); let B = split(b);
  return vec2<f32>(p, ((A.x * B.x - p) + A.x * B.y + A.y * B.x) + A.y * B.y);
}
fn dfAdd(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> { let s = twoSum(a.x, b.x); return quickTwoSum(s.x, s.y + a.y + b.y); }
fn dfMul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> { let p = twoProd(a.x, b.x); return quickTwoSum(p.x, p.y + a.x * b.y + a.y * b.x); }
fn dfDiv(a: vec2<f32>, b: f32) -> vec2<f32> {
  let q = a.x / b; let p = twoProd(q, b);
  return quickTwoSum(q, ((a.x - p.x) - p.y + a.y) / b);
}
var<workgroup> redHi: array<f32, 256>;
var<workgroup> redLo: array<f32, 256>;
fn reduceDf(t: u32, v: vec2<f32>) -> vec2<f32> {
  redHi[t] = v.x; redLo[t] = v.y;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) {
    if (t < s) {
      let r = dfAdd(vec2<f32>(redHi[t], redLo[t]), vec2<f32>(redHi[t + s], redLo[t + s]));
      redHi[t] = r.x; redLo[t] = r.y;
    }
    workgroupBarrier();
  }
  let r = vec2<f32>(redHi[0], redLo[0]);
  workgroupBarrier();
  return r;
}
`;

const BACKWARD = PRELUDE + AT + DOUBLE_FLOAT + buf(1, 'X', false) + buf(2, 'GY', false) + buf(3, 'Mean', false) +
  buf(4, 'InvStd', false) + buf(5, 'Wt', false) + buf(6, 'GX', true) + buf(7, 'GW', true) + buf(8, 'GB', true) + /* wgsl */ `
fn xhat(k: u32, m: f32, is: f32) -> vec2<f32> { return dfMul(twoSum(X[k], -m), vec2<f32>(is, 0.0)); }

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let c = wg.x; let t = lid.x;
  let count = P[0] * P[2];
  let m = Mean[c]; let is = InvStd[c];
  var s1 = vec2<f32>(0.0, 0.0); var s2 = vec2<f32>(0.0, 0.0);
  for (var j = t; j < count; j = j + 256u) {
    let k = at(c, j);
    let gv = vec2<f32>(GY[k], 0.0);
    s1 = dfAdd(s1, gv);
    s2 = dfAdd(s2, dfMul(gv, xhat(k, m, is)));
  }
  let sumGy = reduceDf(t, s1);
  let sumGyXhat = reduceDf(t, s2);
  if (t == 0u) {
    if (P[6] == 1u) { GW[c] = sumGyXhat.x + sumGyXhat.y; }
    if (P[7] == 1u) { GB[c] = sumGy.x + sumGy.y; }
  }
  if (P[5] == 0u) { return; }
  let k = is * select(1.0, Wt[c], P[3] == 1u);
  let training = P[4] == 1u;
  let zero = vec2<f32>(0.0, 0.0);
  let meanGy = select(zero, dfDiv(sumGy, f32(count)), training);
  let meanGyXhat = select(zero, dfDiv(sumGyXhat, f32(count)), training);
  for (var j = t; j < count; j = j + 256u) {
    let q = at(c, j);
    let v = dfAdd(dfAdd(vec2<f32>(GY[q], 0.0), -meanGy), -dfMul(xhat(q, m, is), meanGyXhat));
    GX[q] = k * (v.x + v.y);
  }
}`;

export function batchNormStats(ctx: GpuContext, x: Storage, mean: Storage, variance: Storage, p: BatchNormParams): void {
  ctx.run(STATS, new Words().u(p.batch, p.channels, p.spatial).buffer(), [rd(x), wr(mean), wr(variance)], [p.channels, 1, 1]);
}

export function batchNormFinishStats(ctx: GpuContext, mean: Storage, variance: Storage, invStd: Storage,
  runningMean: Storage | null, runningVar: Storage | null, p: BatchNormStatsParams): void {
  const running = runningMean !== null && runningVar !== null;
  const w = new Words().u(p.channels).f(p.eps).u(p.training ? 1 : 0).f(p.momentum, p.count / (p.count - 1)).u(running ? 1 : 0);
  // Absent running statistics are distinct scratch buffers: a buffer may be bound writable only once.
  const [s1, s2] = ctx.scratch(2);
  const rm = running ? wr(runningMean) : { buffer: s1!, write: true };
  const rv = running ? wr(runningVar) : { buffer: s2!, write: true };
  ctx.run(FINISH, w.buffer(), [wr(mean), rd(variance), wr(invStd), rm, rv], GpuContext.grid(p.channels));
}

export function batchNormForward(ctx: GpuContext, x: Storage, mean: Storage, invStd: Storage, weight: Storage | null,
  bias: Storage | null, out: Storage, p: BatchNormParams): void {
  batchNormReluForward(ctx, x, mean, invStd, weight, bias, null, out, p, false);
}

export function batchNormReluForward(ctx: GpuContext, x: Storage, mean: Storage, invStd: Storage, weight: Storage | null,
  bias: Storage | null, residual: Storage | null, out: Storage, p: BatchNormParams, relu = true): void {
  const w = new Words().u(p.batch, p.channels, p.spatial, weight ? 1 : 0, bias ? 1 : 0, residual ? 1 : 0, relu ? 1 : 0);
  const absent = { buffer: ctx.dummy };
  ctx.run(FORWARD, w.buffer(), [rd(x), rd(mean), rd(invStd), weight ? rd(weight) : absent, bias ? rd(bias) : absent,
    wr(out), residual ? rd(residual) : absent], GpuContext.grid(p.batch * p.channels * p.spatial));
}

// Two dispatches: the ReLU's mask into gResidual (or a temporary), then batch norm's backward on
// it. One kernel would bind 10 storage buffers, more than the adapters striate asks for allow.
export function batchNormReluBackward(ctx: GpuContext, x: Storage, y: Storage | null, gy: Storage, mean: Storage,
  invStd: Storage, weight: Storage | null, bias: Storage | null, gx: Storage | null, gWeight: Storage | null,
  gBias: Storage | null, gResidual: Storage | null, training: boolean, p: BatchNormParams): void {
  const size = p.batch * p.channels * p.spatial;
  const g = gResidual ?? ctx.cache.take(size);
  // Without y (no residual), the forward's output again, into a temporary.
  let out = y;
  if (!out) {
    out = ctx.cache.take(size);
    batchNormReluForward(ctx, x, mean, invStd, weight, bias, null, out, p);
  }
  ctx.run(RELU_MASK, new Words().u(size).buffer(), [rd(out), rd(gy), wr(g)], GpuContext.grid(size));
  batchNormBackward(ctx, x, g, mean, invStd, weight, gx, gWeight, gBias, training, p);
}

export function batchNormBackward(ctx: GpuContext, x: Storage, gy: Storage, mean: Storage, invStd: Storage,
  weight: Storage | null, gx: Storage | null, gWeight: Storage | null, gBias: Storage | null, training: boolean,
  p: BatchNormParams): void {
  const w = new Words().u(p.batch, p.channels, p.spatial, weight ? 1 : 0, training ? 1 : 0, gx ? 1 : 0, gWeight ? 1 : 0, gBias ? 1 : 0);
  // Absent outputs are distinct scratch buffers: a buffer may be bound writable only once.
  const [s1, s2, s3] = ctx.scratch(3);
  ctx.run(BACKWARD, w.buffer(), [rd(x), rd(gy), rd(mean), rd(invStd), weight ? rd(weight) : { buffer: ctx.dummy },
    gx ? wr(gx) : { buffer: s1!, write: true }, gWeight ? wr(gWeight) : { buffer: s2!, write: true },
    gBias ? wr(gBias) : { buffer: s3!, write: true }], [p.channels, 1, 1]);
}
