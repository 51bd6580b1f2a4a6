// The optimisers' in-place updates. They call the backend's fused SGD and Adam kernels from the
// ops layer, like every other kernel call, so optim/ never touches kernels or raw storage.
import type { AdamParams, SgdParams } from '../kernels/kernels.js';
import { deviceOf, kernels } from './record.js';
import type { Tensor } from './tensor.js';

/** θ, and the momentum buffer when given, updated in place by torch.optim.SGD's rule. */
export function sgdUpdate(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, p: SgdParams): void {
  kernels(deviceOf('SGD.step', param, grad, momentumBuffer)).sgdStep(param.storage, grad.storage, momentumBuffer?.storage ?? null, p);
  param.markWritten();
  momentumBuffer?.markWritten();
}

/** θ and the moment estimates m, v updated in place by torch.optim.Adam's (or AdamW's) rule. */
export function adamUpdate(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, p: AdamParams): void {
  kernels(deviceOf('Adam.step', param, grad, m, v)).adamStep(param.storage, grad.storage, m.storage, v.storage, p);
  for (const t of [param, m, v]) t.markWritten();
}
