// Element-wise arithmetic with broadcasting, and the unary maps (exp, log, activations, ...).
import type { BinaryOp, UnaryOp } from '../kernels/kernels.js';
import { broadcastShapes, broadcastStrides, sameShape, shapeStr } from '../tensor/shape.js';
import { deviceOf, kernels, output, record } from './record.js';
import { sumToShape } from './reduce.js';
import { scalarTensor } from './creation.js';
import type { Tensor } from './tensor.js';
import { isTracing, traceCall } from './trace.js';

export type Operand = Tensor | number;

// A number becomes a scalar on the other operand's device.
function asTensor(v: Operand, other: Operand): Tensor {
  return typeof v === 'number' ? scalarTensor(v, typeof other === 'number' ? 'cpu' : other.device) : v;
}

/** Raw broadcast kernel call, no autograd. */
function compute(op: BinaryOp, a: Tensor, b: Tensor, name: string): Tensor {
  const device = deviceOf(name, a, b);
  const shape = broadcastShapes(a.shape, b.shape, name);
  const out = output(shape, device);
  kernels(device).binary(op, a.storage, b.storage, out.storage, {
    shape,
    aStrides: broadcastStrides(a.shape, shape),
    bStrides: broadcastStrides(b.shape, shape),
  });
  return out;
}

// Each binary op's gradient pair, written with the other ops; sumToShape undoes broadcasting.
type BinaryGrad = (g: Tensor, a: Tensor, b: Tensor, out: Tensor) => [Tensor | null, Tensor | null];
const binaryGrads: Record<BinaryOp, BinaryGrad> = {
  add: (g) => [g, g],
  sub: (g) => [g, neg(g)],
  mul: (g, a, b) => [mul(g, b), mul(g, a)],
  div: (g, _a, b, out) => [div(g, b), neg(div(mul(g, out), b))],
  pow: (g, a, b, out) => [mul(g, mul(b, pow(a, sub(b, 1)))), mul(g, mul(out, log(a)))],
};

function binaryOp(op: BinaryOp, x: Operand, y: Operand): Tensor {
  if (isTracing()) return traceCall(op, [x, y], {}, () => binaryOp(op, x, y));
  const a = asTensor(x, y);
  const b = asTensor(y, x);
  const out = compute(op, a, b, op);
  return record(out, op, [a, b], (g) => {
    const [ga, gb] = binaryGrads[op](g, a, b, out);
    return [
      ga && a.requiresGrad ? sumToShape(ga, a.shape) : null,
      gb && b.requiresGrad ? sumToShape(gb, b.shape) : null,
    ];
  });
}

/** a + b with broadcasting. @example add(tensor([1, 2], [2]), 1) // [2, 3] */
export const add = (a: Operand, b: Operand): Tensor => binaryOp('add', a, b);
export const sub = (a: Operand, b: Operand): Tensor => binaryOp('sub', a, b);
export const mul = (a: Operand, b: Operand): Tensor => binaryOp('mul', a, b);
export const div = (a: Operand, b: Operand): Tensor => binaryOp('div', a, b);
export const pow = (a: Operand, b: Operand): Tensor => binaryOp('pow', a, b);

/** Adds b into a's storage in place (no autograd): gradient accumulation. Shapes must match. */
export function addInPlace(a: Tensor, b: Tensor): void {
  if (!sameShape(a.shape, b.shape)) throw new Error(`addInPlace: cannot add ${shapeStr(b.shape)} into ${shapeStr(a.shape)} in place (shapes must match)`);
  const strides = broadcastStrides(a.shape, a.shape);
  kernels(deviceOf('addInPlace', a, b)).binary('add', a.storage, b.storage, a.storage, { shape: a.shape, aStrides: strides, bStrides: strides });
  a.markWritten();
}

/** y = op(x) element-wise; `param` is the slope of leakyRelu or the alpha of elu. */
export function unaryOp(op: UnaryOp, x: Tensor, param = 0): Tensor {
  if (isTracing()) return traceCall(op, [x], { param }, () => unaryOp(op, x, param));
  const device = x.device;
  const out = output(x.shape, device);
  kernels(device).unary(op, x.storage, out.storage, param);
  return record(out, op, [x], (g) => {
    const gx = output(x.shape, device);
    kernels(device).unaryBackward(op, x.storage, out.storage, g.storage, gx.storage, param);
    return [gx];
  });
}

export const neg = (x: Tensor): Tensor => unaryOp('neg', x);
export const exp = (x: Tensor): Tensor => unaryOp('exp', x);
export const log = (x: Tensor): Tensor => unaryOp('log', x);
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', x);
export const abs = (x: Tensor): Tensor => unaryOp('abs', x);
export const square = (x: Tensor): Tensor => unaryOp('square', x);
