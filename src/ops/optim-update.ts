// The optimisers' in-place updates. They call the backend's fused SGD and Adam kernels from the
// ops layer, like every other kernel call, so optim/ never touches kernels or raw storage.
import type { AdamParams, SgdParams } from '../kernels/kernels.js';
import { kernels } from './record.js';
import type { Tensor } from './tensor.js';

/** θ, and the momentum buffer when given, updated in place by torch.optim.SGD's rule. */
export function sgdUpdate(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, p: SgdParams): void {
  kernels().sgdStep(param.data, grad.data, momentumBuffer ? momentumBuffer.data : null, p);
}

/** θ and the moment estimates m, v updated in place by torch.optim.Adam's (or AdamW's) rule. */
export function adamUpdate(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, p: AdamParams): void {
  kernels().adamStep(param.data, grad.data, m.data, v.data, p);
}
