// Views and layout changes: reshape/flatten share storage (tensors are always contiguous);
// permute/transpose copy through strides.
import { checkShape, contiguousStrides, normalizeDim, sameShape, shapeStr, sizeOf } from '../tensor/shape.js';
import { deviceOf, empty, kernels, output, record } from './record.js';
import { Tensor } from './tensor.js';
import { isTracing, traceCall } from './trace.js';

/** Same data, new shape; one entry may be -1 and is inferred. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  if (isTracing()) return traceCall('reshape', [x], { shape }, () => reshape(x, shape));
  const free = shape.indexOf(-1);
  const known = sizeOf(shape.filter((_, i) => i !== free));
  const resolved = shape.slice();
  if (free >= 0) {
    if (shape.lastIndexOf(-1) !== free || known === 0 || x.numel() % known !== 0) {
      throw new Error(`reshape: cannot reshape ${shapeStr(x.shape)} (${x.numel()} elements) to ${shapeStr(shape)}`);
    }
    resolved[free] = x.numel() / known;
  }
  checkShape(resolved, 'reshape');
  if (sizeOf(resolved) !== x.numel()) {
    throw new Error(
      `reshape: cannot reshape ${shapeStr(x.shape)} (${x.numel()} elements) to ${shapeStr(shape)} (${sizeOf(resolved)} elements)`,
    );
  }
  const out = new Tensor(x.storage, resolved);
  return record(out, 'reshape', [x], (g) => [reshape(g, x.shape)]);
}

/** Flattens dims startDim..endDim into one. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim(startDim, x.ndim, 'flatten');
  const e = normalizeDim(endDim, x.ndim, 'flatten');
  if (s > e) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim} for shape ${shapeStr(x.shape)}`);
  const merged = sizeOf(x.shape.slice(s, e + 1));
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** Reorders dimensions: out.shape[i] = x.shape[perm[i]]. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  if (isTracing()) return traceCall('permute', [x], { perm }, () => permute(x, perm));
  const dims = perm.map((d) => normalizeDim(d, x.ndim, 'permute'));
  if (dims.length !== x.ndim || new Set(dims).size !== x.ndim) {
    throw new Error(`permute: [${perm.join(', ')}] is not a permutation of the ${x.ndim} dims of ${shapeStr(x.shape)}`);
  }
  const inStrides = contiguousStrides(x.shape);
  const shape = dims.map((d) => x.shape[d]!);
  const device = x.device;
  const out = empty(shape, device);
  kernels(device).stridedCopy(x.storage, out.storage, { shape, strides: dims.map((d) => inStrides[d]!) });
  const inverse = new Array<number>(dims.length);
  dims.forEach((d, i) => (inverse[d] = i));
  return record(out, 'permute', [x], (g) => [permute(g, inverse)]);
}

/** Swaps two dimensions. */
export function transpose(x: Tensor, d0: number, d1: number): Tensor {
  const perm = x.shape.map((_, i) => i);
  const a = normalizeDim(d0, x.ndim, 'transpose');
  const b = normalizeDim(d1, x.ndim, 'transpose');
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim + 1, 'unsqueeze');
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const d = normalizeDim(dim, x.ndim, 'squeeze');
  return x.shape[d] === 1 ? reshape(x, x.shape.filter((_, i) => i !== d)) : x;
}

/** A copy of x's values in new storage on the same device, outside any graph. */
export function clone(x: Tensor): Tensor {
  const out = output(x.shape, deviceOf('clone', x));
  copyValues(x, out);
  return out;
}

/** Writes src's values into dst's storage (same shape and device), outside any graph: PyTorch's dst.copy_(src). */
export function copyInPlace(dst: Tensor, src: Tensor): void {
  if (!sameShape(dst.shape, src.shape)) throw new Error(`copyInPlace: cannot copy ${shapeStr(src.shape)} into ${shapeStr(dst.shape)} (shapes must match)`);
  deviceOf('copyInPlace', dst, src);
  copyValues(src, dst);
  dst.markWritten();
}

function copyValues(src: Tensor, dst: Tensor): void {
  kernels(src.device).stridedCopy(src.storage, dst.storage, { shape: src.shape, strides: contiguousStrides(src.shape) });
}
