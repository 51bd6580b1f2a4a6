// The `F` namespace of API.md: every functional operation in one place.
import { flatten as flattenDims } from './shape-ops.js';
import type { Tensor } from './tensor.js';

export { relu, leakyRelu, elu, sigmoid, tanh, clamp } from './activation.js';
export { take, concat } from './take.js';
export { softmax, logSoftmax } from './softmax.js';
export { crossEntropy, mseLoss, l2Penalty } from './loss.js';
export { linear, dropout } from './linear.js';
export { batchNorm, batchNormRelu } from './batch-norm.js';
export { conv1d, conv2d, conv3d } from './conv.js';
export { convTranspose1d, convTranspose2d, convTranspose3d } from './conv-transpose.js';
export { pad } from './pad.js';
export { unfold } from './unfold.js';
export type { ConvEpilogue, ConvOptions } from './conv.js';
export type { ConvTransposeOptions } from './conv-transpose.js';
export type { ConvPadding, SpatialArg } from './conv-geometry.js';
export type { PadOptions } from './pad.js';
export type { PadMode } from '../kernels/kernels.js';
export type { MaxPoolOptions, AvgPoolOptions } from './pool.js';
export type { BatchNormOptions } from './batch-norm.js';
export type { UnfoldOptions } from './unfold.js';
export type { Reduction } from './loss.js';
export {
  maxPool1d, maxPool2d, maxPool3d, avgPool1d, avgPool2d, avgPool3d, adaptiveAvgPool2d, globalAvgPool, globalMaxPool,
} from './pool.js';

/** Flattens every dimension from startDim on (default 1 keeps the batch). */
export const flatten = (x: Tensor, startDim = 1): Tensor => flattenDims(x, startDim);
