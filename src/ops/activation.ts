// Activation functions, each one element-wise kernel with its derivative.
import { unaryOp } from './elementwise.js';
import type { Tensor } from './tensor.js';

/** max(0, x). @example F.relu(tensor([-1, 2], [2])) // [0, 2] */
export const relu = (x: Tensor): Tensor => unaryOp('relu', x);
/** x for x > 0, slope·x otherwise. */
export const leakyRelu = (x: Tensor, slope = 0.01): Tensor => unaryOp('leakyRelu', x, slope);
/** x for x > 0, alpha·(eˣ − 1) otherwise. */
export const elu = (x: Tensor, alpha = 1): Tensor => unaryOp('elu', x, alpha);
/** 1 / (1 + e⁻ˣ). */
export const sigmoid = (x: Tensor): Tensor => unaryOp('sigmoid', x);
export const tanh = (x: Tensor): Tensor => unaryOp('tanh', x);
