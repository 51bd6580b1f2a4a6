// Batch normalisation with PyTorch's semantics: batch statistics and an in-place update of the
// running statistics while training, the running statistics in evaluation.
import type { Device } from '../kernels/backend.js';
import type { BatchNormParams } from '../kernels/kernels.js';
import { sameShape, shapeStr, sizeOf } from '../tensor/shape.js';
import { deviceOf, empty, kernels, output, record } from './record.js';
import type { Tensor } from './tensor.js';
import { isTracing, traceCall } from './trace.js';
import { relu } from './activation.js';
import { add } from './elementwise.js';

export interface BatchNormOptions {
  /** Use this batch's statistics (and update the running ones) instead of the running ones. */
  training?: boolean;
  /** Weight of the new batch in the running average: running = (1 − m)·running + m·batch. */
  momentum?: number;
  eps?: number;
}

function checkChannelVector(name: string, t: Tensor | null | undefined, what: string, x: Tensor, channels: number): void {
  if (t && (t.ndim !== 1 || t.shape[0] !== channels)) {
    throw new Error(
      `${name}: ${what} has shape ${shapeStr(t.shape)}, expected [${channels}] ` +
        `(one value per channel of input ${shapeStr(x.shape)}, channels = dim 1)`,
    );
  }
}

/**
 * Normalises each channel of x (N, C, ...spatial) to zero mean and unit variance, then scales by
 * weight and shifts by bias. With `training` it uses the batch's biased variance and updates
 * runningMean/runningVar in place (runningVar with the unbiased variance), as PyTorch does;
 * otherwise it uses the running statistics. Running statistics may be null only when training.
 * @example
 * const rm = zeros([3]), rv = ones([3]);
 * const y = F.batchNorm(x, rm, rv, gamma, beta, { training: true }); // x: [8, 3, 32, 32]
 */
export function batchNorm(
  x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight?: Tensor | null, bias?: Tensor | null,
  { training = false, momentum = 0.1, eps = 1e-5 }: BatchNormOptions = {},
): Tensor {
  if (isTracing()) {
    return traceCall('batchNorm', [x, runningMean, runningVar, weight, bias], { training, momentum, eps },
      () => batchNorm(x, runningMean, runningVar, weight, bias, { training, momentum, eps }));
  }
  const s = statistics('batchNorm', x, runningMean, runningVar, weight, bias, { training, momentum, eps });
  const { p, device, mean, invStd } = s;
  const k = kernels(device);
  const out = output(x.shape, device);
  k.batchNormForward(x.storage, mean.storage, invStd.storage, weight?.storage ?? null, bias?.storage ?? null, out.storage, p);

  const inputs = [x, weight, bias].filter((t): t is Tensor => !!t);
  return record(out, 'batchNorm', inputs, (g) => {
    const [gx, gw, gb] = gradOutputs(x, weight, bias, p.channels, device);
    k.batchNormBackward(
      x.storage, g.storage, mean.storage, invStd.storage, weight?.storage ?? null,
      gx?.storage ?? null, gw?.storage ?? null, gb?.storage ?? null, training, p,
    );
    return [gx, ...(weight ? [gw] : []), ...(bias ? [gb] : [])];
  });
}

/**
 * relu(batchNorm(x) + residual) (residual omitted when null) as one op: one pass over the data
 * forward and one backward instead of three of each, with batchNorm's arguments and semantics.
 * What nn.BatchNorm2d followed by nn.ReLU computes (ResNet's bn→relu and bn→add→relu); the models
 * call it through nn's batchNormRelu. Traced (for export) as the separate ops.
 * @example const y = F.batchNormRelu(x, rm, rv, gamma, beta, shortcut, { training: true });
 */
export function batchNormRelu(
  x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null,
  residual: Tensor | null, { training = false, momentum = 0.1, eps = 1e-5 }: BatchNormOptions = {},
): Tensor {
  if (isTracing()) {
    const y = batchNorm(x, runningMean, runningVar, weight, bias, { training, momentum, eps });
    return relu(residual ? add(y, residual) : y);
  }
  if (residual && !sameShape(residual.shape, x.shape)) {
    throw new Error(`batchNormRelu: residual has shape ${shapeStr(residual.shape)}, expected the input's ${shapeStr(x.shape)}`);
  }
  const s = statistics('batchNormRelu', x, runningMean, runningVar, weight, bias, { training, momentum, eps }, residual);
  const { p, device, mean, invStd } = s;
  const k = kernels(device);
  const out = output(x.shape, device);
  k.batchNormReluForward(x.storage, mean.storage, invStd.storage, weight?.storage ?? null, bias?.storage ?? null,
    residual?.storage ?? null, out.storage, p);

  const inputs = [x, weight, bias, residual].filter((t): t is Tensor => !!t);
  return record(out, 'batchNormRelu', inputs, (g) => {
    const [gx, gw, gb] = gradOutputs(x, weight, bias, p.channels, device);
    const gr = residual?.requiresGrad ? output(x.shape, device) : null;
    // Without a residual, y is the forward's on x and the statistics: a backend may recompute it.
    k.batchNormReluBackward(
      x.storage, residual ? out.storage : null, g.storage, mean.storage, invStd.storage, weight?.storage ?? null,
      bias?.storage ?? null, gx?.storage ?? null, gw?.storage ?? null, gb?.storage ?? null, gr?.storage ?? null, training, p,
    );
    return [gx, ...(weight ? [gw] : []), ...(bias ? [gb] : []), ...(residual ? [gr] : [])];
  });
}

// The gradient tensors batch norm's backward writes: null where that input needs none.
function gradOutputs(x: Tensor, weight: Tensor | null | undefined, bias: Tensor | null | undefined, channels: number,
  device: Device): (Tensor | null)[] {
  return [
    x.requiresGrad ? output(x.shape, device) : null,
    weight?.requiresGrad ? output([channels], device) : null,
    bias?.requiresGrad ? output([channels], device) : null,
  ];
}

// Checks the arguments, then computes the per-channel mean and 1/std the normalisation uses (and
// updates the running statistics when training).
function statistics(
  name: string, x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null | undefined,
  bias: Tensor | null | undefined, { training, momentum, eps }: Required<BatchNormOptions>, residual: Tensor | null = null,
): { p: BatchNormParams; device: Device; mean: Tensor; invStd: Tensor } {
  if (x.ndim < 2 || x.ndim > 5) {
    throw new Error(`${name}: input ${shapeStr(x.shape)} must be (N, C), (N, C, L), (N, C, H, W) or (N, C, D, H, W)`);
  }
  const channels = x.shape[1]!;
  checkChannelVector(name, runningMean, 'runningMean', x, channels);
  checkChannelVector(name, runningVar, 'runningVar', x, channels);
  checkChannelVector(name, weight, 'weight', x, channels);
  checkChannelVector(name, bias, 'bias', x, channels);
  if (!(eps > 0)) throw new Error(`${name}: eps must be positive, got ${eps}`);
  if (!(momentum >= 0 && momentum <= 1)) throw new Error(`${name}: momentum must be in [0, 1], got ${momentum}`);
  if ((runningMean === null) !== (runningVar === null)) {
    throw new Error(`${name}: pass both runningMean and runningVar, or neither`);
  }
  const p: BatchNormParams = { batch: x.shape[0]!, channels, spatial: sizeOf(x.shape.slice(2)) };
  const count = p.batch * p.spatial;
  if (!training && (!runningMean || !runningVar)) {
    throw new Error(`${name}: evaluation (training: false) needs runningMean and runningVar`);
  }
  if (training && count <= 1) {
    throw new Error(`${name}: expected more than 1 value per channel when training, got input ${shapeStr(x.shape)}`);
  }

  const device = deviceOf(name, x, runningMean, runningVar, weight, bias, residual);
  const k = kernels(device);
  const mean = empty([channels], device);
  const invStd = empty([channels], device);
  const variance = empty([channels], device);
  if (training) k.batchNormStats(x.storage, mean.storage, variance.storage, p);
  k.batchNormFinishStats(mean.storage, variance.storage, invStd.storage, runningMean?.storage ?? null,
    runningVar?.storage ?? null, { channels, eps, training, momentum, count });
  if (training) for (const t of [runningMean, runningVar]) t?.markWritten();
  return { p, device, mean, invStd };
}
