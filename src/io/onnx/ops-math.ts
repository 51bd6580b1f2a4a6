// ONNX's element-wise arithmetic (numpy broadcasting), activations and (log-)softmax.
import * as F from '../../ops/functional.js';
import { add, div, mul, sub } from '../../ops/elementwise.js';
import { reshape } from '../../ops/shape-ops.js';
import type { Tensor } from '../../ops/tensor.js';
import { intsOf, type OnnxValue, type OpContext, type OpRun } from './op-types.js';

function need(v: OnnxValue | null | undefined, i: number, ctx: OpContext): OnnxValue {
  if (!v) throw new Error(`${ctx.what}: input ${i} is required`);
  return v;
}

/** An op whose output keeps the first input's dtype. */
function sameType(fn: (ins: OnnxValue[], ctx: OpContext) => Tensor, arity: number): OpRun {
  return (ins, ctx) => {
    const vs = Array.from({ length: arity }, (_, i) => need(ins[i], i, ctx));
    return [{ t: fn(vs, ctx), dtype: vs[0]!.dtype }];
  };
}

const binary = (fn: (a: Tensor, b: Tensor) => Tensor): OpRun => sameType(([a, b]) => fn(a!.t, b!.t), 2);
const unary = (fn: (x: Tensor, ctx: OpContext) => Tensor): OpRun => sameType(([x], ctx) => fn(x!.t, ctx), 1);

/** Before opset 13 (log-)softmax flattens to 2-D at `axis` (default 1); from 13 on it is per axis (default −1). */
function softmaxOf(log: boolean): OpRun {
  const fn = log ? F.logSoftmax : F.softmax;
  return unary((x, ctx) => {
    const legacy = ctx.opset < 13;
    let axis = ctx.attrs.int('axis', legacy ? 1 : -1);
    if (axis < 0) axis += x.ndim;
    if (axis < 0 || axis >= Math.max(x.ndim, 1)) throw new Error(`${ctx.what}: axis ${ctx.attrs.int('axis', 0)} is outside the ${x.ndim} dims`);
    if (!legacy) return fn(x, axis);
    const outer = x.shape.slice(0, axis).reduce((s, v) => s * v, 1);
    return reshape(fn(reshape(x, [outer, x.numel() / Math.max(outer, 1)]), 1), x.shape);
  });
}

const clip: OpRun = (ins, ctx) => {
  const x = need(ins[0], 0, ctx);
  const lo = ctx.opset >= 11 ? intsOf(ins[1])?.[0] : ctx.attrs.has('min') ? ctx.attrs.float('min', 0) : undefined;
  const hi = ctx.opset >= 11 ? intsOf(ins[2])?.[0] : ctx.attrs.has('max') ? ctx.attrs.float('max', 0) : undefined;
  return [{ t: F.clamp(x.t, lo, hi), dtype: x.dtype }];
};

export const mathOps = {
  Add: binary(add), Sub: binary(sub), Mul: binary(mul), Div: binary(div),
  Relu: unary(F.relu), Sigmoid: unary(F.sigmoid), Tanh: unary(F.tanh),
  LeakyRelu: unary((x, ctx) => F.leakyRelu(x, ctx.attrs.float('alpha', 0.01))),
  Clip: clip, Softmax: softmaxOf(false), LogSoftmax: softmaxOf(true),
} satisfies Record<string, OpRun>;
