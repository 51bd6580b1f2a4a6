// Dense layer and dropout: y = x·Wᵀ + b, and inverted dropout.
import { getGlobalRng } from '../tensor/rng.js';
import { shapeStr } from '../tensor/shape.js';
import { add, mul } from './elementwise.js';
import { matmul } from './matmul.js';
import { empty } from './record.js';
import { transpose } from './shape-ops.js';
import type { Tensor } from './tensor.js';

/** y = x·Wᵀ + b with W: [out, in] as PyTorch stores it. @example F.linear(x, fc.weight, fc.bias) */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.ndim !== 2 || x.ndim < 1 || x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new Error(
      `linear: input ${shapeStr(x.shape)} does not fit weight ${shapeStr(weight.shape)} ` +
        `(the last input dimension must equal in_features = weight.shape[1])`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new Error(`linear: bias ${shapeStr(bias.shape)} must be [${weight.shape[0]}] for weight ${shapeStr(weight.shape)}`);
  }
  const y = matmul(x, transpose(weight, 0, 1));
  return bias ? add(y, bias) : y;
}

/**
 * Zeroes each element with probability p and scales the rest by 1/(1−p) while training;
 * the identity otherwise.
 */
export function dropout(x: Tensor, { p = 0.5, training = true }: { p?: number; training?: boolean } = {}): Tensor {
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout: probability p must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  const mask = empty(x.shape);
  const rng = getGlobalRng();
  const m = mask.data;
  const keep = p === 1 ? 0 : 1 / (1 - p);
  for (let i = 0; i < m.length; i++) m[i] = rng.uniform() < p ? 0 : keep;
  return mul(x, mask);
}
