// Gradient clipping, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_: in place on .grad.
import type { Tensor } from '../ops/tensor.js';

/**
 * Scales all gradients together so their global L2 norm is at most maxNorm; returns the norm
 * before clipping (NaN/Infinity if some gradient is not finite).
 * @example const norm = clipGradNorm(model.parameters(), 1.0);
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): number {
  if (!(maxNorm > 0)) throw new Error(`clipGradNorm: maxNorm must be positive, got ${maxNorm}`);
  const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  let sq = 0;
  for (const g of grads) for (const v of g.data) sq += v * v;
  const norm = Math.sqrt(sq);
  const scale = maxNorm / (norm + 1e-6);
  if (scale < 1) for (const g of grads) { const d = g.data; for (let i = 0; i < d.length; i++) d[i] = d[i]! * scale; }
  return norm;
}

/**
 * Clamps every gradient element to [−clipValue, clipValue].
 * @example clipGradValue(model.parameters(), 0.5);
 */
export function clipGradValue(params: Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue > 0)) throw new Error(`clipGradValue: clipValue must be positive, got ${clipValue}`);
  for (const p of params) {
    const d = p.grad?.data;
    if (!d) continue;
    for (let i = 0; i < d.length; i++) d[i] = Math.min(clipValue, Math.max(-clipValue, d[i]!));
  }
}
