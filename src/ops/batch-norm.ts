// Batch normalisation with PyTorch's semantics: batch statistics and an in-place update of the
// running statistics while training, the running statistics in evaluation.
import type { BatchNormParams } from '../kernels/kernels.js';
import { shapeStr, sizeOf } from '../tensor/shape.js';
import { deviceOf, empty, kernels, output, record } from './record.js';
import type { Tensor } from './tensor.js';
import { isTracing, traceCall } from './trace.js';

export interface BatchNormOptions {
  /** Use this batch's statistics (and update the running ones) instead of the running ones. */
  training?: boolean;
  /** Weight of the new batch in the running average: running = (1 − m)·running + m·batch. */
  momentum?: number;
  eps?: number;
}

function checkChannelVector(t: Tensor | null | undefined, what: string, x: Tensor, channels: number): void {
  if (t && (t.ndim !== 1 || t.shape[0] !== channels)) {
    throw new Error(
      `batchNorm: ${what} has shape ${shapeStr(t.shape)}, expected [${channels}] ` +
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
  if (x.ndim < 2 || x.ndim > 5) {
    throw new Error(`batchNorm: input ${shapeStr(x.shape)} must be (N, C), (N, C, L), (N, C, H, W) or (N, C, D, H, W)`);
  }
  const channels = x.shape[1]!;
  checkChannelVector(runningMean, 'runningMean', x, channels);
  checkChannelVector(runningVar, 'runningVar', x, channels);
  checkChannelVector(weight, 'weight', x, channels);
  checkChannelVector(bias, 'bias', x, channels);
  if (!(eps > 0)) throw new Error(`batchNorm: eps must be positive, got ${eps}`);
  if (!(momentum >= 0 && momentum <= 1)) throw new Error(`batchNorm: momentum must be in [0, 1], got ${momentum}`);
  if ((runningMean === null) !== (runningVar === null)) {
    throw new Error('batchNorm: pass both runningMean and runningVar, or neither');
  }
  const p: BatchNormParams = { batch: x.shape[0]!, channels, spatial: sizeOf(x.shape.slice(2)) };
  const count = p.batch * p.spatial;
  if (!training && (!runningMean || !runningVar)) {
    throw new Error('batchNorm: evaluation (training: false) needs runningMean and runningVar');
  }
  if (training && count <= 1) {
    throw new Error(`batchNorm: expected more than 1 value per channel when training, got input ${shapeStr(x.shape)}`);
  }

  const device = deviceOf('batchNorm', x, runningMean, runningVar, weight, bias);
  const k = kernels(device);
  const mean = empty([channels], device);
  const invStd = empty([channels], device);
  const variance = empty([channels], device);
  const out = output(x.shape, device);
  if (training) k.batchNormStats(x.storage, mean.storage, variance.storage, p);
  k.batchNormFinishStats(mean.storage, variance.storage, invStd.storage, runningMean?.storage ?? null,
    runningVar?.storage ?? null, { channels, eps, training, momentum, count });
  if (training) for (const t of [runningMean, runningVar]) t?.markWritten();
  k.batchNormForward(x.storage, mean.storage, invStd.storage, weight?.storage ?? null, bias?.storage ?? null, out.storage, p);

  const inputs = [x, weight, bias].filter((t): t is Tensor => !!t);
  return record(out, 'batchNorm', inputs, (g) => {
    const gx = x.requiresGrad ? empty(x.shape, device) : null;
    const gw = weight?.requiresGrad ? empty([channels], device) : null;
    const gb = bias?.requiresGrad ? empty([channels], device) : null;
    k.batchNormBackward(
      x.storage, g.storage, mean.storage, invStd.storage, weight?.storage ?? null,
      gx?.storage ?? null, gw?.storage ?? null, gb?.storage ?? null, training, p,
    );
    const grads = [gx];
    if (weight) grads.push(gw);
    if (bias) grads.push(gb);
    return grads;
  });
}
