// F.unfold: the lecture's im2col matrix as a differentiable op, PyTorch's F.unfold for 1-D to 3-D.
// It is built from the convolution itself: a grouped conv whose kernels are one-hot (output
// channel c·K + j copies tap j of input channel c), so it runs on every backend, and its gradient
// is the conv's input gradient, i.e. col2im. Copies are exact: each output sums one product by 1.
import { shapeStr } from '../tensor/shape.js';
import { convNd, type ConvOptions } from './conv.js';
import { spatialArg, type SpatialArg } from './conv-geometry.js';
import { tensor } from './creation.js';
import { reshape } from './shape-ops.js';
import type { Tensor } from './tensor.js';

export type UnfoldOptions = Omit<ConvOptions, 'groups'>;

/**
 * Every receptive field of x: [N, C, ...spatial] (1 to 3 spatial dims) as one column of a matrix:
 * the result is [N, C·∏kernelSize, L] with L the number of output positions, row c·K + j holding
 * tap j (row-major over the kernel) of channel c, as PyTorch's `F.unfold`. The lecture's matrix A
 * (one row per window) is its transpose; A·Θ with Θ the flattened kernels is the convolution.
 * @example
 * const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
 * F.unfold(x, 2).shape // [1, 4, 4]: columns [1,2,4,5], [2,3,5,6], [4,5,7,8], [5,6,8,9]
 */
export function unfold(x: Tensor, kernelSize: SpatialArg, opts: UnfoldOptions = {}): Tensor {
  const nd = x.ndim - 2;
  if (nd < 1 || nd > 3) throw new Error(`unfold: expected a 3-D to 5-D input (N, C, ...spatial), got ${shapeStr(x.shape)}`);
  const k = spatialArg(kernelSize, nd, 'unfold', 'kernelSize', 1);
  const channels = x.shape[1]!;
  const taps = k.reduce((a, b) => a * b, 1);
  const oneHot = new Float32Array(channels * taps * taps);
  for (let row = 0; row < channels * taps; row++) oneHot[row * taps + (row % taps)] = 1;
  const weight = tensor(oneHot, [channels * taps, 1, ...k], { device: x.device });
  const y = convNd(x, weight, null, { ...opts, groups: channels }, nd, 'unfold');
  return reshape(y, [y.shape[0]!, channels * taps, y.numel() / (y.shape[0]! * channels * taps)]);
}
