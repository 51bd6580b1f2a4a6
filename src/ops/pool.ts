// Pooling ops (F.maxPool1d/2d/3d, F.avgPool1d/2d/3d, F.adaptiveAvgPool2d, global pools) with
// PyTorch's output sizes, windows and divisors; the kernels do the work.
import { activeBackend } from '../kernels/backend.js';
import type { PoolParams } from '../kernels/kernels.js';
import { shapeStr } from '../tensor/shape.js';
import { outputSizes, spatialArg, spatialNames, type SpatialArg } from './conv-geometry.js';
import { mean } from './reduce.js';
import { empty, kernels, needsGrad, output, record } from './record.js';
import { reshape } from './shape-ops.js';
import type { Tensor } from './tensor.js';

export interface MaxPoolOptions {
  kernelSize: SpatialArg;
  /** Defaults to kernelSize. */
  stride?: SpatialArg | null;
  /** Implicit −∞ on both sides; at most kernelSize / 2. */
  padding?: SpatialArg;
  dilation?: SpatialArg;
  ceilMode?: boolean;
}

export interface AvgPoolOptions {
  kernelSize: SpatialArg;
  stride?: SpatialArg | null;
  /** Implicit zeros on both sides; at most kernelSize / 2. */
  padding?: SpatialArg;
  ceilMode?: boolean;
  /** Divide by the window clipped to the padded input (true) or count only real elements. */
  countIncludePad?: boolean;
}

// Pools take (N, C, ...spatial) or unbatched (C, ...spatial), as PyTorch; the latter runs as a
// batch of one.
function batched(x: Tensor, nd: number, op: string, run: (xb: Tensor) => Tensor): Tensor {
  if (x.ndim === nd + 1) {
    const y = run(reshape(x, [1, ...x.shape]));
    return reshape(y, y.shape.slice(1));
  }
  if (x.ndim !== nd + 2) {
    throw new Error(`${op}: expected a ${nd + 2}-D input (N, C, ${spatialNames(nd)}) or ${nd + 1}-D unbatched, got ${shapeStr(x.shape)}`);
  }
  if (x.shape.some((v) => v < 1)) throw new Error(`${op}: input ${shapeStr(x.shape)} has an empty dimension`);
  return run(x);
}

function poolParams(
  x: Tensor, nd: number, op: string,
  o: { kernelSize: SpatialArg; stride?: SpatialArg | null; padding?: SpatialArg; dilation?: SpatialArg; ceilMode?: boolean },
  countIncludePad: boolean,
): PoolParams {
  if (o.kernelSize === undefined) throw new Error(`${op}: kernelSize is required`);
  const kernelSize = spatialArg(o.kernelSize, nd, op, 'kernelSize', 1);
  const stride = spatialArg(o.stride ?? kernelSize, nd, op, 'stride', 1);
  const padding = spatialArg(o.padding ?? 0, nd, op, 'padding', 0);
  const dilation = spatialArg(o.dilation ?? 1, nd, op, 'dilation', 1);
  padding.forEach((p, i) => {
    if (p > kernelSize[i]! / 2) {
      throw new Error(
        `${op}: padding should be at most half of the kernel size (PyTorch's rule), got padding ` +
          `${shapeStr(padding)} for kernelSize ${shapeStr(kernelSize)}`,
      );
    }
  });
  const inSize = x.shape.slice(2);
  const outSize = outputSizes(
    { inSize, kernelSize, stride, padBegin: padding, padEnd: padding, dilation, ceilMode: o.ceilMode ?? false },
    `${op}: input ${shapeStr(x.shape)}, kernelSize ${shapeStr(kernelSize)}, stride ${shapeStr(stride)}, padding ${shapeStr(padding)}`,
  );
  return {
    batch: x.shape[0]!, channels: x.shape[1]!, inSize, outSize, kernelSize, stride,
    padBegin: padding, dilation, countIncludePad,
  };
}

function asOptions<T extends { kernelSize: SpatialArg }>(opts: T | SpatialArg): T {
  return typeof opts === 'number' || Array.isArray(opts) ? ({ kernelSize: opts } as T) : (opts as T);
}

function maxPoolNd(x: Tensor, options: MaxPoolOptions | SpatialArg, nd: number, op: string): Tensor {
  const opts = asOptions(options);
  return batched(x, nd, op, (xb) => {
    const p = poolParams(xb, nd, op, opts, false);
    const out = output([p.batch, p.channels, ...p.outSize]);
    if (!needsGrad(xb)) {
      kernels().maxPoolForward(xb.data, out.data, null, p);
      return out;
    }
    // The indices live in backend storage (WebAssembly memory on wasm: no copy in or out); the
    // Int32 view is taken again after any allocation, which may move the memory.
    const n = out.numel();
    const store = activeBackend().allocUninitialized(n);
    const argmax = () => new Int32Array(store.data.buffer, store.data.byteOffset, n);
    kernels().maxPoolForward(xb.data, out.data, argmax(), p);
    return record(out, op, [xb], (g) => {
      const gx = empty(xb.shape);
      kernels().maxPoolBackward(g.data, argmax(), gx.data, p);
      return [gx];
    });
  });
}

function avgPoolNd(x: Tensor, options: AvgPoolOptions | SpatialArg, nd: number, op: string): Tensor {
  const opts = asOptions(options);
  if (opts.kernelSize === undefined) throw new Error(`${op}: kernelSize is required`);
  return batched(x, nd, op, (xb) => {
    const p = poolParams(xb, nd, op, { ...opts, dilation: 1 }, opts.countIncludePad ?? true);
    const out = output([p.batch, p.channels, ...p.outSize]);
    kernels().avgPoolForward(xb.data, out.data, p);
    return record(out, op, [xb], (g) => {
      const gx = empty(xb.shape);
      kernels().avgPoolBackward(g.data, gx.data, p);
      return [gx];
    });
  });
}

/**
 * Max over each window of a [N, C, L] (or [C, L]) input; padding counts as −∞.
 * @example F.maxPool1d(x, { kernelSize: 2 })
 */
export const maxPool1d = (x: Tensor, opts: MaxPoolOptions | SpatialArg): Tensor => maxPoolNd(x, opts, 1, 'maxPool1d');
/**
 * Max over each window of a [N, C, H, W] (or [C, H, W]) input; stride defaults to kernelSize.
 * @example F.maxPool2d(x, { kernelSize: 2 }) // [1, 6, 28, 28] → [1, 6, 14, 14]
 */
export const maxPool2d = (x: Tensor, opts: MaxPoolOptions | SpatialArg): Tensor => maxPoolNd(x, opts, 2, 'maxPool2d');
/** Max over each window of a [N, C, D, H, W] input. @example F.maxPool3d(v, { kernelSize: 2 }) */
export const maxPool3d = (x: Tensor, opts: MaxPoolOptions | SpatialArg): Tensor => maxPoolNd(x, opts, 3, 'maxPool3d');

/** Mean over each window of a [N, C, L] input. @example F.avgPool1d(x, { kernelSize: 3, stride: 1, padding: 1 }) */
export const avgPool1d = (x: Tensor, opts: AvgPoolOptions | SpatialArg): Tensor => avgPoolNd(x, opts, 1, 'avgPool1d');
/**
 * Mean over each window of a [N, C, H, W] input; the divisor follows PyTorch (countIncludePad,
 * ceilMode). @example F.avgPool2d(x, { kernelSize: 2 })
 */
export const avgPool2d = (x: Tensor, opts: AvgPoolOptions | SpatialArg): Tensor => avgPoolNd(x, opts, 2, 'avgPool2d');
/** Mean over each window of a [N, C, D, H, W] input. @example F.avgPool3d(v, { kernelSize: 2 }) */
export const avgPool3d = (x: Tensor, opts: AvgPoolOptions | SpatialArg): Tensor => avgPoolNd(x, opts, 3, 'avgPool3d');

/**
 * Average pooling to a fixed output size, whatever the input size: window i covers
 * [floor(i·in/out), ceil((i+1)·in/out)) as in PyTorch. `null` keeps that input dim.
 * @example F.adaptiveAvgPool2d(x, [7, 7]) // [N, 512, 13, 13] → [N, 512, 7, 7]
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  const op = 'adaptiveAvgPool2d';
  return batched(x, 2, op, (xb) => {
    const inSize = xb.shape.slice(2);
    const requested = typeof outputSize === 'number' ? [outputSize, outputSize] : Array.from(outputSize);
    const outSize = spatialArg(requested.map((v, i) => v ?? inSize[i]!), 2, op, 'outputSize', 1);
    const p = { batch: xb.shape[0]!, channels: xb.shape[1]!, inSize, outSize };
    const out = empty([p.batch, p.channels, ...outSize]);
    kernels().adaptiveAvgPoolForward(xb.data, out.data, p);
    return record(out, op, [xb], (g) => {
      const gx = empty(xb.shape);
      kernels().adaptiveAvgPoolBackward(g.data, gx.data, p);
      return [gx];
    });
  });
}

function checkGlobal(x: Tensor, op: string): void {
  if (x.ndim < 3) throw new Error(`${op}: expected (N, C, ...spatial) with at least one spatial dim, got ${shapeStr(x.shape)}`);
}

/**
 * Mean over all spatial dims, keeping them as size 1: [N, C, ...spatial] → [N, C, 1, ...].
 * @example F.globalAvgPool(x) // [8, 512, 7, 7] → [8, 512, 1, 1]
 */
export function globalAvgPool(x: Tensor): Tensor {
  checkGlobal(x, 'globalAvgPool');
  return mean(x, x.shape.slice(2).map((_, i) => i + 2), true);
}

/**
 * Max over all spatial dims, keeping them as size 1: [N, C, ...spatial] → [N, C, 1, ...].
 * @example F.globalMaxPool(x) // [8, 64, 100] → [8, 64, 1]
 */
export function globalMaxPool(x: Tensor): Tensor {
  checkGlobal(x, 'globalMaxPool');
  const [n, c] = [x.shape[0]!, x.shape[1]!];
  const spatial = x.numel() / Math.max(1, n * c);
  // Any number of spatial dims: one window over the flattened plane.
  const pooled = maxPool1d(reshape(x, [n, c, spatial]), { kernelSize: spatial });
  return reshape(pooled, [n, c, ...x.shape.slice(2).map(() => 1)]);
}
