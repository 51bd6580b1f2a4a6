// WebGPU optimiser updates with PyTorch's rules (the reference's formulas), one thread per element.
import type { AdamParams, SgdParams } from '../kernels.js';
import type { Storage } from '../storage.js';
import { GpuContext } from './context.js';
import { buf, elementwiseMain, PRELUDE, rd, Words, wr } from './wgsl.js';

// Words: n, lr, momentum, dampening, nesterov, weightDecay, firstStep, hasBuffer.
const SGD = PRELUDE + buf(1, 'W', true) + buf(2, 'G', false) + buf(3, 'Buf', true) + elementwiseMain(`
  if (i >= P[0]) { return; }
  let mom = pf(2u); let wd = pf(5u);
  var g = G[i];
  if (wd != 0.0) { g = g + wd * W[i]; }
  if (mom != 0.0 && P[7] == 1u) {
    var b = g;
    if (P[6] == 0u) { b = mom * Buf[i] + (1.0 - pf(3u)) * g; }
    Buf[i] = b;
    g = select(b, g + mom * b, P[4] == 1u);
  }
  W[i] = W[i] - pf(1u) * g;`);

// Words: n, lr, beta1, beta2, eps, weightDecay, decoupled, stepSize, bc2Sqrt.
const ADAM = PRELUDE + buf(1, 'W', true) + buf(2, 'G', false) + buf(3, 'M', true) + buf(4, 'V', true) + elementwiseMain(`
  if (i >= P[0]) { return; }
  let lr = pf(1u); let b1 = pf(2u); let b2 = pf(3u); let wd = pf(5u);
  var g = G[i];
  var w = W[i];
  if (wd != 0.0) {
    if (P[6] == 1u) { w = w * (1.0 - lr * wd); } else { g = g + wd * w; }
  }
  let m = b1 * M[i] + (1.0 - b1) * g;
  let v = b2 * V[i] + (1.0 - b2) * g * g;
  M[i] = m;
  V[i] = v;
  W[i] = w - (pf(7u) * m) / (sqrt(v) / pf(8u) + pf(4u));`);

export function sgdStep(ctx: GpuContext, param: Storage, grad: Storage, buf: Storage | null, p: SgdParams): void {
  const n = param.size;
  const w = new Words().u(n).f(p.lr, p.momentum, p.dampening).u(p.nesterov ? 1 : 0).f(p.weightDecay)
    .u(p.firstStep ? 1 : 0, buf ? 1 : 0);
  ctx.run(SGD, w.buffer(), [wr(param), rd(grad), buf ? wr(buf) : { buffer: ctx.scratch(1)[0]!, write: true }], GpuContext.grid(n));
}

export function adamStep(ctx: GpuContext, param: Storage, grad: Storage, m: Storage, v: Storage, p: AdamParams): void {
  const n = param.size;
  const stepSize = p.lr / (1 - Math.pow(p.beta1, p.step));
  const bc2Sqrt = Math.sqrt(1 - Math.pow(p.beta2, p.step));
  const w = new Words().u(n).f(p.lr, p.beta1, p.beta2, p.eps, p.weightDecay).u(p.decoupled ? 1 : 0).f(stepSize, bc2Sqrt);
  ctx.run(ADAM, w.buffer(), [wr(param), rd(grad), wr(m), wr(v)], GpuContext.grid(n));
}
