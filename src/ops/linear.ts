// Dense layer and dropout: y = x·Wᵀ + b, and inverted dropout.
import { dropThreshold } from '../kernels/ref/dropout.js';
import { getGlobalRng } from '../tensor/rng.js';
import { shapeStr } from '../tensor/shape.js';
import { add, mul } from './elementwise.js';
import { deviceOf, empty, kernels, output, record, releaseConsumed } from './record.js';
import { reshape } from './shape-ops.js';
import type { Tensor } from './tensor.js';
import { isTracing, traceCall } from './trace.js';

/** y = x·Wᵀ + b with W: [out, in] as PyTorch stores it. @example F.linear(x, fc.weight, fc.bias) */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (isTracing()) return traceCall('linear', [x, weight, bias], {}, () => linear(x, weight, bias));
  if (weight.ndim !== 2 || x.ndim < 1 || x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new Error(
      `linear: input ${shapeStr(x.shape)} does not fit weight ${shapeStr(weight.shape)} ` +
        `(the last input dimension must equal in_features = weight.shape[1])`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new Error(`linear: bias ${shapeStr(bias.shape)} must be [${weight.shape[0]}] for weight ${shapeStr(weight.shape)}`);
  }
  // A 2-D input needs no reshape: two view nodes fewer, and an output that is not a view, which a
  // Sequential may free once the next layer has read it (nn/private-activations.ts).
  const flat = x.ndim === 2;
  const y = denseProduct(flat ? x : reshape(x, [-1, weight.shape[1]!]), weight);
  if (!bias) return flat ? y : reshape(y, [...x.shape.slice(0, -1), weight.shape[0]!]);
  const out = add(y, bias);
  // The product is read by the add alone, whose backward does not read it.
  releaseConsumed(y);
  return flat ? out : reshape(out, [...x.shape.slice(0, -1), weight.shape[0]!]);
}

// y: (m, out) = x: (m, in) · Wᵀ with W: (out, in) read in place (gemm's transB), never copied:
// the dense layers of AlexNet/VGG hold tens of millions of weights.
function denseProduct(x: Tensor, w: Tensor): Tensor {
  const [m, k] = x.shape as [number, number];
  const n = w.shape[0]!;
  const device = deviceOf('linear', x, w);
  const out = output([m, n], device);
  const K = kernels(device);
  K.gemm(x.storage, w.storage, out.storage, { m, n, k, transA: false, transB: true, accumulate: false });
  return record(out, 'linear', [x, w], (g) => {
    const gx = x.requiresGrad ? empty(x.shape, device) : null;
    const gw = w.requiresGrad ? empty(w.shape, device) : null;
    // gx = g · W, gW = gᵀ · x
    if (gx) K.gemm(g.storage, w.storage, gx.storage, { m, n: k, k: n, transA: false, transB: false, accumulate: false });
    if (gw) K.gemm(g.storage, x.storage, gw.storage, { m: n, n: k, k: m, transA: true, transB: false, accumulate: false });
    return [gx, gw];
  });
}

/**
 * Zeroes each element with probability p and scales the rest by 1/(1−p) while training;
 * the identity otherwise.
 */
export function dropout(x: Tensor, { p = 0.5, training = true }: { p?: number; training?: boolean } = {}): Tensor {
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout: probability p must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  // The mask is drawn on x's device by a counter-based generator whose key comes from the global
  // one: the same mask on every device for a seed, and no transfer from the host.
  const rng = getGlobalRng();
  const mask = output(x.shape, x.device);
  kernels(x.device).dropoutMask(mask.storage, {
    size: mask.numel(), key: [rng.nextUint32(), rng.nextUint32()], threshold: dropThreshold(p), scale: p === 1 ? 0 : 1 / (1 - p),
  });
  return mul(x, mask);
}
