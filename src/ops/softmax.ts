// Softmax and logSoftmax along a dimension (max-subtracted, so large logits do not overflow).
import type { SoftmaxParams } from '../kernels/kernels.js';
import { normalizeDim, sizeOf } from '../tensor/shape.js';
import { kernels, output, record } from './record.js';
import type { Tensor } from './tensor.js';
import { isTracing, traceCall } from './trace.js';

function softmaxOp(x: Tensor, dim: number, log: boolean): Tensor {
  const name = log ? 'logSoftmax' : 'softmax';
  if (isTracing()) return traceCall(name, [x], { dim }, () => softmaxOp(x, dim, log));
  const d = normalizeDim(dim, x.ndim, name);
  const p: SoftmaxParams = {
    outer: sizeOf(x.shape.slice(0, d)),
    size: x.shape[d] ?? 1,
    inner: sizeOf(x.shape.slice(d + 1)),
    log,
  };
  const device = x.device;
  const out = output(x.shape, device);
  kernels(device).softmaxForward(x.storage, out.storage, p);
  return record(out, name, [x], (g) => {
    const gx = output(x.shape, device);
    kernels(device).softmaxBackward(out.storage, g.storage, gx.storage, p);
    return [gx];
  });
}

/** exp(x) / Σ exp(x) along `dim`. @example F.softmax(logits, 1) */
export const softmax = (x: Tensor, dim: number): Tensor => softmaxOp(x, dim, false);
/** log(softmax(x)) computed stably as x − max − log Σ exp(x − max). */
export const logSoftmax = (x: Tensor, dim: number): Tensor => softmaxOp(x, dim, true);
