// ONNX's remaining element-wise maps (what striate's export emits for F's unary ops) and the
// ReduceMean/ReduceSum reductions, whose axes moved from an attribute to an input (ReduceSum at
// opset 13, ReduceMean at 18).
import * as F from '../../ops/functional.js';
import { unaryOp } from '../../ops/elementwise.js';
import { mean, sum } from '../../ops/reduce.js';
import type { Tensor } from '../../ops/tensor.js';
import type { UnaryOp } from '../../kernels/kernels.js';
import { intsOf, type OpContext, type OpRun } from './op-types.js';

function unary(fn: (x: Tensor, ctx: OpContext) => Tensor): OpRun {
  return (ins, ctx) => {
    const x = ins[0];
    if (!x) throw new Error(`${ctx.what}: input 0 is required`);
    return [{ t: fn(x.t, ctx), dtype: x.dtype }];
  };
}

const map = (op: UnaryOp): OpRun => unary((x) => unaryOp(op, x));

function reduce(fn: typeof mean, axesInputSince: number): OpRun {
  return (ins, ctx) => {
    const x = ins[0];
    if (!x) throw new Error(`${ctx.what}: input 0 is required`);
    const axes = ctx.opset >= axesInputSince ? intsOf(ins[1]) : ctx.attrs.ints('axes');
    const keepDim = ctx.attrs.int('keepdims', 1) === 1;
    if (!axes || axes.length === 0) {
      // No axes: every dim, unless noop_with_empty_axes asks for the input unchanged.
      if (ctx.attrs.int('noop_with_empty_axes', 0) === 1) return [x];
      return [{ t: fn(x.t, x.t.shape.map((_, i) => i), keepDim), dtype: x.dtype }];
    }
    for (const a of axes) {
      if (a < -x.t.ndim || a >= x.t.ndim) throw new Error(`${ctx.what}: axis ${a} is outside the ${x.t.ndim} dims`);
    }
    return [{ t: fn(x.t, axes, keepDim), dtype: x.dtype }];
  };
}

export const unaryReduceOps = {
  Elu: unary((x, ctx) => F.elu(x, ctx.attrs.float('alpha', 1))),
  Neg: map('neg'), Exp: map('exp'), Log: map('log'), Sqrt: map('sqrt'), Abs: map('abs'), Reciprocal: map('reciprocal'),
  ReduceMean: reduce(mean, 18), ReduceSum: reduce(sum, 13),
} satisfies Record<string, OpRun>;
