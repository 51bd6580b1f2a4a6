// Gradient clipping, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_: on .grad. On the CPU
// the values change in place; on a GPU the clipped gradients are computed there (no read back)
// and replace .grad.
import { clamp } from '../ops/activation.js';
import { add, div, mul, unaryOp } from '../ops/elementwise.js';
import { sum } from '../ops/reduce.js';
import { gradOf, type Tensor } from '../ops/tensor.js';

// Read with gradOf: clipping changes them in place and keeps none (zeroGrad may still free them).
const gradsOf = (params: Iterable<Tensor>): Tensor[] => [...params].map(gradOf).filter((g): g is Tensor => g !== null);

function checkMaxNorm(op: string, maxNorm: number): void {
  if (!(maxNorm > 0)) throw new Error(`${op}: maxNorm must be positive, got ${maxNorm}`);
}

/**
 * Scales all gradients together so their global L2 norm is at most maxNorm; returns the norm
 * before clipping (NaN/Infinity if some gradient is not finite). CPU gradients only: on a GPU,
 * clipGradNormOnDevice does the same without reading back.
 * @example const norm = clipGradNorm(model.parameters(), 1.0);
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): number {
  checkMaxNorm('clipGradNorm', maxNorm);
  const grads = gradsOf(params);
  const onDevice = grads.find((g) => g.device !== 'cpu');
  if (onDevice) {
    throw new Error(`clipGradNorm: gradients on '${onDevice.device}' would have to be read back; ` +
      'use clipGradNormOnDevice(params, maxNorm), which returns the norm as a tensor there (await norm.itemAsync())');
  }
  let sq = 0;
  for (const g of grads) for (const v of g.data) sq += v * v;
  const norm = Math.sqrt(sq);
  const scale = maxNorm / (norm + 1e-6);
  if (scale < 1) for (const g of grads) { const d = g.data; for (let i = 0; i < d.length; i++) d[i] = d[i]! * scale; }
  return norm;
}

/**
 * clipGradNorm on the gradients' device, for GPU training: the norm is summed there in float32
 * and the gradients scaled by min(1, maxNorm / (norm + 1e-6)) there, as PyTorch does; returns the
 * norm before clipping as a one-element tensor on that device (null when no parameter has a
 * gradient), so nothing waits for the GPU.
 * @example const norm = clipGradNormOnDevice(model.parameters(), 1.0); // later: await norm?.itemAsync()
 */
export function clipGradNormOnDevice(params: Iterable<Tensor>, maxNorm: number): Tensor | null {
  checkMaxNorm('clipGradNormOnDevice', maxNorm);
  const holders = [...params].filter((p) => gradOf(p) !== null);
  const grads = holders.map((p) => gradOf(p)!);
  if (grads.length === 0) return null;
  let sq: Tensor | null = null;
  for (const g of grads) {
    const s = sum(mul(g, g));
    sq = sq ? add(sq, s) : s;
  }
  const norm = unaryOp('sqrt', sq!);
  const scale = clamp(div(maxNorm, add(norm, 1e-6)), undefined, 1);
  holders.forEach((p, i) => { p.grad = mul(grads[i]!, scale); });
  return norm;
}

/**
 * Clamps every gradient element to [−clipValue, clipValue].
 * @example clipGradValue(model.parameters(), 0.5);
 */
export function clipGradValue(params: Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue > 0)) throw new Error(`clipGradValue: clipValue must be positive, got ${clipValue}`);
  for (const p of params) {
    const g = gradOf(p);
    if (!g) continue;
    if (g.device !== 'cpu') {
      p.grad = clamp(g, -clipValue, clipValue);
      continue;
    }
    const d = g.data;
    for (let i = 0; i < d.length; i++) d[i] = Math.min(clipValue, Math.max(-clipValue, d[i]!));
  }
}
