// Pooling ops (F.maxPool1d/2d/3d, F.avgPool1d/2d/3d, F.adaptiveAvgPool2d, global pools) with
// PyTorch's output sizes, windows and divisors; the kernels do the work.
import { backendFor } from '../kernels/backend.js';
import { relu } from './activation.js';
import type { PoolParams } from '../kernels/kernels.js';
import { shapeStr } from '../tensor/shape.js';
import { outputSizes, spatialArg, spatialNames, type SpatialArg } from './conv-geometry.js';
import { mean } from './reduce.js';
import { kernels, needsGrad, output, record } from './record.js';
import { reshape } from './shape-ops.js';
import type { Tensor } from './tensor.js';
import { isTracing, traceCall } from './trace.js';

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
    () => `${op}: input ${shapeStr(x.shape)}, kernelSize ${shapeStr(kernelSize)}, stride ${shapeStr(stride)}, padding ${shapeStr(padding)}`,
  );
  return {
    batch: x.shape[0]!, channels: x.shape[1]!, inSize, outSize, kernelSize, stride,
    padBegin: padding, dilation, countIncludePad,
  };
}

// The kernel size alone may come second, its options third, as in PyTorch's F.max_pool2d(x, 2, stride=1):
// F.maxPool2d(x, 2, { stride: 1 }); the options are then validated like any others, never dropped.
type PoolRest<T> = Omit<T, 'kernelSize'> | undefined;

function asOptions<T extends { kernelSize: SpatialArg }>(opts: T | SpatialArg, rest?: Omit<T, 'kernelSize'>): T {
  if (typeof opts === 'number' || Array.isArray(opts)) return { ...rest, kernelSize: opts } as T;
  if (rest !== undefined) throw new Error('pool: options come either as the second argument or after a kernel size, not both');
  return opts as T;
}

// withRelu: a ReLU on the outputs in the same kernel call (maxPoolRelu).
function maxPoolNd(x: Tensor, options: MaxPoolOptions | SpatialArg, rest: PoolRest<MaxPoolOptions>, nd: number, op: string,
  withRelu = false): Tensor {
  const opts = asOptions(options, rest);
  if (isTracing()) return traceCall(op, [x], { ...opts }, () => maxPoolNd(x, opts, undefined, nd, op));
  return batched(x, nd, op, (xb) => {
    const p = poolParams(xb, nd, op, opts, false);
    const device = xb.device;
    const out = output([p.batch, p.channels, ...p.outSize], device);
    if (!needsGrad(xb)) {
      kernels(device).maxPoolForward(xb.storage, out.storage, null, p, withRelu);
      return out;
    }
    // The int32 indices live in backend storage on the same device (no copy in or out).
    const argmax = backendFor(device).allocUninitialized(out.numel());
    kernels(device).maxPoolForward(xb.storage, out.storage, argmax, p, withRelu);
    return record(out, withRelu ? `${op}Relu` : op, [xb], (g, last) => {
      const gx = output(xb.shape, device);
      kernels(device).maxPoolBackward(g.storage, argmax, gx.storage, p, withRelu ? out.storage : null);
      // Only this closure holds the indices (W3: 0.4 MB a step left to the forced collections).
      if (last) argmax.release?.();
      return [gx];
    });
  });
}

function avgPoolNd(x: Tensor, options: AvgPoolOptions | SpatialArg, rest: PoolRest<AvgPoolOptions>, nd: number, op: string): Tensor {
  const opts = asOptions(options, rest);
  if (opts.kernelSize === undefined) throw new Error(`${op}: kernelSize is required`);
  if (isTracing()) return traceCall(op, [x], { ...opts }, () => avgPoolNd(x, opts, undefined, nd, op));
  return batched(x, nd, op, (xb) => {
    const p = poolParams(xb, nd, op, { ...opts, dilation: 1 }, opts.countIncludePad ?? true);
    const device = xb.device;
    const out = output([p.batch, p.channels, ...p.outSize], device);
    kernels(device).avgPoolForward(xb.storage, out.storage, p);
    return record(out, op, [xb], (g) => {
      const gx = output(xb.shape, device);
      kernels(device).avgPoolBackward(g.storage, gx.storage, p);
      return [gx];
    });
  });
}

/**
 * Max over each window of a [N, C, L] (or [C, L]) input; padding counts as −∞.
 * @example F.maxPool1d(x, { kernelSize: 2 })
 */
export const maxPool1d = (x: Tensor, opts: MaxPoolOptions | SpatialArg, rest?: Omit<MaxPoolOptions, 'kernelSize'>): Tensor => maxPoolNd(x, opts, rest, 1, 'maxPool1d');
/**
 * Max over each window of a [N, C, H, W] (or [C, H, W]) input; stride defaults to kernelSize.
 * @example F.maxPool2d(x, { kernelSize: 2 }) // [1, 6, 28, 28] → [1, 6, 14, 14]
 */
export const maxPool2d = (x: Tensor, opts: MaxPoolOptions | SpatialArg, rest?: Omit<MaxPoolOptions, 'kernelSize'>): Tensor => maxPoolNd(x, opts, rest, 2, 'maxPool2d');
/** Max over each window of a [N, C, D, H, W] input. @example F.maxPool3d(v, { kernelSize: 2 }) */
export const maxPool3d = (x: Tensor, opts: MaxPoolOptions | SpatialArg, rest?: Omit<MaxPoolOptions, 'kernelSize'>): Tensor => maxPoolNd(x, opts, rest, 3, 'maxPool3d');

/**
 * relu(maxPoolNd(x)) as one op, for nn's MaxPool followed by ReLU (nn/fused.ts): the ReLU runs on
 * the pool's fresh outputs in its kernel call and its mask in the pool's backward. LeNet-5 at
 * batch 64, 1 thread: two ReLU ops a step fewer (their kernels 10 + 5 µs forward, 9 + 3 backward),
 * the pools' calls 3–8 µs longer each way, 0.8 MB less storage a step (BENCHMARKS.md). Under a
 * trace, the two ops.
 */
export function maxPoolRelu(x: Tensor, nd: 1 | 2 | 3, opts: MaxPoolOptions): Tensor {
  const op = `maxPool${nd}d`;
  return isTracing() ? relu(maxPoolNd(x, opts, undefined, nd, op)) : maxPoolNd(x, opts, undefined, nd, op, true);
}

/** Mean over each window of a [N, C, L] input. @example F.avgPool1d(x, { kernelSize: 3, stride: 1, padding: 1 }) */
export const avgPool1d = (x: Tensor, opts: AvgPoolOptions | SpatialArg, rest?: Omit<AvgPoolOptions, 'kernelSize'>): Tensor => avgPoolNd(x, opts, rest, 1, 'avgPool1d');
/**
 * Mean over each window of a [N, C, H, W] input; the divisor follows PyTorch (countIncludePad,
 * ceilMode). @example F.avgPool2d(x, { kernelSize: 2 })
 */
export const avgPool2d = (x: Tensor, opts: AvgPoolOptions | SpatialArg, rest?: Omit<AvgPoolOptions, 'kernelSize'>): Tensor => avgPoolNd(x, opts, rest, 2, 'avgPool2d');
/** Mean over each window of a [N, C, D, H, W] input. @example F.avgPool3d(v, { kernelSize: 2 }) */
export const avgPool3d = (x: Tensor, opts: AvgPoolOptions | SpatialArg, rest?: Omit<AvgPoolOptions, 'kernelSize'>): Tensor => avgPoolNd(x, opts, rest, 3, 'avgPool3d');

/**
 * Average pooling to a fixed output size, whatever the input size: window i covers
 * [floor(i·in/out), ceil((i+1)·in/out)) as in PyTorch. `null` keeps that input dim.
 * @example F.adaptiveAvgPool2d(x, [7, 7]) // [N, 512, 13, 13] → [N, 512, 7, 7]
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  const op = 'adaptiveAvgPool2d';
  if (isTracing()) return traceCall(op, [x], { outputSize }, () => adaptiveAvgPool2d(x, outputSize));
  return batched(x, 2, op, (xb) => {
    const inSize = xb.shape.slice(2);
    const requested = typeof outputSize === 'number' ? [outputSize, outputSize] : Array.from(outputSize);
    const outSize = spatialArg(requested.map((v, i) => v ?? inSize[i]!), 2, op, 'outputSize', 1);
    const p = { batch: xb.shape[0]!, channels: xb.shape[1]!, inSize, outSize };
    const device = xb.device;
    const out = output([p.batch, p.channels, ...outSize], device);
    kernels(device).adaptiveAvgPoolForward(xb.storage, out.storage, p);
    return record(out, op, [xb], (g) => {
      const gx = output(xb.shape, device);
      kernels(device).adaptiveAvgPoolBackward(g.storage, gx.storage, p);
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
  if (isTracing()) return traceCall('globalAvgPool', [x], {}, () => globalAvgPool(x));
  return mean(x, x.shape.slice(2).map((_, i) => i + 2), true);
}

/**
 * Max over all spatial dims, keeping them as size 1: [N, C, ...spatial] → [N, C, 1, ...].
 * @example F.globalMaxPool(x) // [8, 64, 100] → [8, 64, 1]
 */
export function globalMaxPool(x: Tensor): Tensor {
  checkGlobal(x, 'globalMaxPool');
  if (isTracing()) return traceCall('globalMaxPool', [x], {}, () => globalMaxPool(x));
  const [n, c] = [x.shape[0]!, x.shape[1]!];
  const spatial = x.numel() / Math.max(1, n * c);
  // Any number of spatial dims: one window over the flattened plane.
  const pooled = maxPool1d(reshape(x, [n, c, spatial]), { kernelSize: spatial });
  return reshape(pooled, [n, c, ...x.shape.slice(2).map(() => 1)]);
}
