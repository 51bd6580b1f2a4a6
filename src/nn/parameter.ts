// A Parameter is a tensor that a Module owns and trains: the type is what marks it, as in PyTorch.
import { Tensor } from '../ops/tensor.js';

/**
 * A leaf tensor registered as a module's learnable weight. Assigning one to a field of a Module
 * registers it under the field's name (`parameters()`, `stateDict()` find it); plain Tensors in
 * fields are not registered, so intermediate values and constants never leak into a state dict.
 * It shares storage with the tensor it wraps.
 * @example this.scale = new nn.Parameter(ones([channels]));
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    super(data.storage, data.shape, requiresGrad);
  }
}
