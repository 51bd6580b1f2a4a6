// WebGPU softmax / logSoftmax along one dim (one thread per row, max subtracted) and the NLL
// gather that cross-entropy builds on; class indices are int32 slots.
import type { NllParams, SoftmaxParams } from '../kernels.js';
import type { Storage } from '../storage.js';
import { GpuContext } from './context.js';
import { buf, elementwiseMain, FLOAT_BITS, PRELUDE, rd, Words, wr } from './wgsl.js';

// Words: outer, size, inner, log.
const ROW = /* wgsl */ `
  if (i >= P[0] * P[2]) { return; }
  let size = P[1]; let inner = P[2];
  let base = (i / inner) * size * inner + i % inner;`;

const FORWARD = PRELUDE + FLOAT_BITS + buf(1, 'X', false) + buf(2, 'Y', true) + elementwiseMain(`${ROW}
  var mx = negInf();
  for (var s = 0u; s < size; s = s + 1u) { mx = max(mx, X[base + s * inner]); }
  var sum = 0.0;
  for (var s = 0u; s < size; s = s + 1u) { sum = sum + exp(X[base + s * inner] - mx); }
  let logSum = log(sum);
  for (var s = 0u; s < size; s = s + 1u) {
    let j = base + s * inner;
    if (P[3] == 1u) { Y[j] = X[j] - mx - logSum; } else { Y[j] = exp(X[j] - mx) / sum; }
  }`);

// softmax: gx = y · (gy − Σ gy·y);  logSoftmax: gx = gy − exp(y) · Σ gy
const BACKWARD = PRELUDE + buf(1, 'Yv', false) + buf(2, 'GY', false) + buf(3, 'GX', true) + elementwiseMain(`${ROW}
  let isLog = P[3] == 1u;
  var dot = 0.0;
  for (var s = 0u; s < size; s = s + 1u) {
    let j = base + s * inner;
    dot = dot + select(GY[j] * Yv[j], GY[j], isLog);
  }
  for (var s = 0u; s < size; s = s + 1u) {
    let j = base + s * inner;
    GX[j] = select(Yv[j] * (GY[j] - dot), GY[j] - exp(Yv[j]) * dot, isLog);
  }`);

function words(p: SoftmaxParams): ArrayBuffer {
  return new Words().u(p.outer, p.size, p.inner, p.log ? 1 : 0).buffer();
}

export function softmaxForward(ctx: GpuContext, x: Storage, out: Storage, p: SoftmaxParams): void {
  ctx.run(FORWARD, words(p), [rd(x), wr(out)], GpuContext.grid(p.outer * p.inner));
}

export function softmaxBackward(ctx: GpuContext, y: Storage, gy: Storage, gx: Storage, p: SoftmaxParams): void {
  ctx.run(BACKWARD, words(p), [rd(y), rd(gy), wr(gx)], GpuContext.grid(p.outer * p.inner));
}

// Words: batch, classes.
const NLL_FORWARD = PRELUDE + buf(1, 'LP', false) + buf(2, 'T', false, 'i32') + buf(3, 'L', true) + elementwiseMain(`
  if (i >= P[0]) { return; }
  L[i] = -LP[i * P[1] + u32(T[i])];`);

const NLL_BACKWARD = PRELUDE + buf(1, 'GL', false) + buf(2, 'T', false, 'i32') + buf(3, 'GX', true) + elementwiseMain(`
  if (i >= P[0] * P[1]) { return; }
  let n = i / P[1];
  GX[i] = select(0.0, -GL[n], u32(T[n]) == i % P[1]);`);

export function nllForward(ctx: GpuContext, logp: Storage, target: Storage, loss: Storage, p: NllParams): void {
  ctx.run(NLL_FORWARD, new Words().u(p.batch, p.classes).buffer(), [rd(logp), rd(target), wr(loss)], GpuContext.grid(p.batch));
}

export function nllBackward(ctx: GpuContext, gLoss: Storage, target: Storage, gx: Storage, p: NllParams): void {
  ctx.run(NLL_BACKWARD, new Words().u(p.batch, p.classes).buffer(), [rd(gLoss), rd(target), wr(gx)],
    GpuContext.grid(p.batch * p.classes));
}
