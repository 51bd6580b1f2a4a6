// Activation functions, each one element-wise kernel with its derivative.
import { add, sub, unaryOp } from './elementwise.js';
import { kernels } from './record.js';
import type { Tensor } from './tensor.js';
import { isTracing, traceCall } from './trace.js';

/** max(0, x). @example F.relu(tensor([-1, 2], [2])) // [0, 2] */
export const relu = (x: Tensor): Tensor => unaryOp('relu', x);
/**
 * max(0, x) written over x itself, recording nothing: for inference paths that have just made x
 * and hold it alone (nn's fused evaluation, see nn/fused.ts). Counts as a write of x.
 */
export function reluInPlace(x: Tensor): Tensor {
  kernels(x.device).unary('relu', x.storage, x.storage, 0);
  x.markWritten();
  return x;
}

/** x for x > 0, slope·x otherwise. */
export const leakyRelu = (x: Tensor, slope = 0.01): Tensor => unaryOp('leakyRelu', x, slope);
/** x for x > 0, alpha·(eˣ − 1) otherwise. */
export const elu = (x: Tensor, alpha = 1): Tensor => unaryOp('elu', x, alpha);
/** 1 / (1 + e⁻ˣ). */
export const sigmoid = (x: Tensor): Tensor => unaryOp('sigmoid', x);
export const tanh = (x: Tensor): Tensor => unaryOp('tanh', x);

/**
 * min(max(x, lo), hi), either bound optional (ReLU6 is clamp(x, 0, 6)); where lo > hi every
 * value becomes hi, as in PyTorch and ONNX. Built from relu, so the gradient is 1 strictly
 * between the bounds and 0 outside.
 * @example F.clamp(tensor([-1, 3, 9], [3]), 0, 6) // [0, 3, 6]
 */
export function clamp(x: Tensor, lo?: number, hi?: number): Tensor {
  if (isTracing()) return traceCall('clamp', [x], { lo, hi }, () => clamp(x, lo, hi));
  // x + relu(lo - x) and y - relu(y - hi) return the input unchanged between the bounds (no
  // rounding through lo or hi, which would erase values far smaller than the bounds).
  let y = x;
  if (lo !== undefined) y = add(y, relu(sub(lo, y)));
  if (hi !== undefined) y = sub(y, relu(sub(y, hi)));
  return y;
}
