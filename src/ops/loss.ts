// Losses: cross-entropy on class indices, mean squared error, and the lecture's L2 penalty.
import { shapeStr, sameShape } from '../tensor/shape.js';
import { mul, square, sub } from './elementwise.js';
import { backendFor } from '../kernels/backend.js';
import { checkHostAccess } from './kernel-record.js';
import { kernels, output, record } from './record.js';
import { mean, sum } from './reduce.js';
import { logSoftmax } from './softmax.js';
import type { Tensor } from './tensor.js';

export type Reduction = 'mean' | 'sum' | 'none';

function reduce(losses: Tensor, reduction: Reduction, op: string): Tensor {
  switch (reduction) {
    case 'mean': return mean(losses);
    case 'sum': return sum(losses);
    case 'none': return losses;
    default: throw new Error(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
}

function classIndices(target: ArrayLike<number>, batch: number, classes: number): Int32Array {
  if (target.length !== batch) {
    throw new Error(`crossEntropy: ${target.length} targets for a batch of ${batch} (logits [${batch}, ${classes}])`);
  }
  const out = new Int32Array(batch);
  for (let i = 0; i < batch; i++) {
    const t = target[i]!;
    if (!Number.isInteger(t) || t < 0 || t >= classes) {
      throw new Error(`crossEntropy: target ${i} is ${t}, expected a class index in [0, ${classes - 1}]`);
    }
    out[i] = t;
  }
  return out;
}

/**
 * Softmax cross-entropy: −log softmax(logits)[target], averaged over the batch by default.
 * @example const loss = F.crossEntropy(model.forward(x), [3, 1, 4]);
 */
export function crossEntropy(
  logits: Tensor, target: ArrayLike<number>, { reduction = 'mean' }: { reduction?: Reduction } = {},
): Tensor {
  if (logits.ndim !== 2) throw new Error(`crossEntropy: logits must be [N, C], got ${shapeStr(logits.shape)}`);
  const [batch, classes] = logits.shape as [number, number];
  const device = logits.device;
  const backend = backendFor(device);
  // The class indices as int32 slots in storage on the logits' device.
  const idx = backend.allocUninitialized(batch);
  checkHostAccess('class indices from the host');
  backend.write(idx, classIndices(target, batch, classes));
  const logp = logSoftmax(logits, 1);
  const p = { batch, classes };
  const losses = output([batch], device);
  kernels(device).nllForward(logp.storage, idx, losses.storage, p);
  record(losses, 'nll', [logp], (g) => {
    const gx = output(logp.shape, device);
    kernels(device).nllBackward(g.storage, idx, gx.storage, p);
    return [gx];
  });
  return reduce(losses, reduction, 'crossEntropy');
}

/** (input − target)², averaged by default. */
export function mseLoss(input: Tensor, target: Tensor, { reduction = 'mean' }: { reduction?: Reduction } = {}): Tensor {
  if (!sameShape(input.shape, target.shape)) {
    throw new Error(`mseLoss: input ${shapeStr(input.shape)} and target ${shapeStr(target.shape)} must have the same shape`);
  }
  return reduce(square(sub(input, target)), reduction, 'mseLoss');
}

/**
 * The lecture's L2 term λ/(2m)·Σθ² over the tensors given (pass weights, not biases).
 * @example const loss = F.crossEntropy(out, y).add(F.l2Penalty(weights, 1e-3, batchSize));
 */
export function l2Penalty(params: Tensor[], lambda: number, m: number): Tensor {
  if (!(m > 0)) throw new Error(`l2Penalty: m (the number of examples) must be positive, got ${m}`);
  if (params.length === 0) throw new Error('l2Penalty: no tensors given');
  let total = sum(square(params[0]!));
  for (const p of params.slice(1)) total = total.add(sum(square(p)));
  return mul(total, lambda / (2 * m));
}
