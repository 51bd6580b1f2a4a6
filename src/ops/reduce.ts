// Sums and means over dimensions, and the broadcast/reduce pair (expand ↔ sumToShape) that
// carries gradients across broadcasting.
import { broadcastShapes, broadcastStrides, contiguousStrides, normalizeDim, sameShape, shapeStr, sizeOf } from '../tensor/shape.js';
import { mul } from './elementwise.js';
import { empty, kernels, record } from './record.js';
import type { Tensor } from './tensor.js';
import { isTracing, traceCall } from './trace.js';

function sumKernel(x: Tensor, keptShape: readonly number[]): Tensor {
  const out = empty(keptShape, x.device);
  const strides = contiguousStrides(keptShape);
  kernels(x.device).sumTo(x.storage, out.storage, {
    shape: x.shape,
    outStrides: x.shape.map((d, i) => (keptShape[i] === 1 && d !== 1 ? 0 : strides[i]!)),
  });
  return out;
}

/** Broadcasts x to `shape` (a copy), as PyTorch's expand; gradients are summed back. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const target = broadcastShapes(x.shape, shape, 'expand');
  if (!sameShape(target, shape)) {
    throw new Error(`expand: cannot expand ${shapeStr(x.shape)} to ${shapeStr(shape)}`);
  }
  if (sameShape(x.shape, shape)) return x;
  const out = empty(shape, x.device);
  kernels(x.device).stridedCopy(x.storage, out.storage, { shape, strides: broadcastStrides(x.shape, shape) });
  return record(out, 'expand', [x], (g) => [sumToShape(g, x.shape)]);
}

/** Sums g over the dimensions that broadcasting added or stretched, giving `shape`. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.shape.length - shape.length;
  const kept = g.shape.map((d, i) => (i < lead ? 1 : shape[i - lead]!));
  const summed = sumKernel(g, kept);
  const out = record(summed, 'sumToShape', [g], (gg) => [expand(gg.reshape(kept), g.shape)]);
  return out.reshape(shape);
}

function reduceDims(x: Tensor, dim: number | number[] | undefined, op: string): Set<number> {
  if (dim === undefined) return new Set(x.shape.map((_, i) => i));
  const dims = Array.isArray(dim) ? dim : [dim];
  return new Set(dims.map((d) => normalizeDim(d, x.ndim, op)));
}

/** Sum over `dim` (all dims when omitted). @example x.sum(1, true) */
export function sum(x: Tensor, dim?: number | number[], keepDim = false): Tensor {
  if (isTracing()) return traceCall('sum', [x], { dim, keepDim }, () => sum(x, dim, keepDim));
  const dims = reduceDims(x, dim, 'sum');
  const kept = x.shape.map((d, i) => (dims.has(i) ? 1 : d));
  const out = record(sumKernel(x, kept), 'sum', [x], (g) => [expand(g.reshape(kept), x.shape)]);
  return keepDim ? out : out.reshape(x.shape.filter((_, i) => !dims.has(i)));
}

/** Mean over `dim` (all dims when omitted). */
export function mean(x: Tensor, dim?: number | number[], keepDim = false): Tensor {
  if (isTracing()) return traceCall('mean', [x], { dim, keepDim }, () => mean(x, dim, keepDim));
  const dims = reduceDims(x, dim, 'mean');
  const count = sizeOf(x.shape.filter((_, i) => dims.has(i)));
  return mul(sum(x, dim, keepDim), 1 / count);
}
