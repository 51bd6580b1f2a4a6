// Optimiser updates with PyTorch's exact rules (torch.optim.SGD / Adam / AdamW, single-tensor path).
import type { AdamParams, SgdParams } from '../kernels.js';

export function sgdStep(param: Float32Array, grad: Float32Array, buf: Float32Array | null, p: SgdParams): void {
  for (let i = 0; i < param.length; i++) {
    let g = grad[i]!;
    if (p.weightDecay !== 0) g += p.weightDecay * param[i]!;
    if (p.momentum !== 0 && buf) {
      const b = p.firstStep ? g : p.momentum * buf[i]! + (1 - p.dampening) * g;
      buf[i] = b;
      g = p.nesterov ? g + p.momentum * b : b;
    }
    param[i] = param[i]! - p.lr * g;
  }
}

export function adamStep(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, p: AdamParams): void {
  const bc1 = 1 - Math.pow(p.beta1, p.step);
  const bc2 = 1 - Math.pow(p.beta2, p.step);
  const stepSize = p.lr / bc1;
  const bc2Sqrt = Math.sqrt(bc2);
  for (let i = 0; i < param.length; i++) {
    let g = grad[i]!;
    if (p.weightDecay !== 0) {
      if (p.decoupled) param[i] = param[i]! * (1 - p.lr * p.weightDecay);
      else g += p.weightDecay * param[i]!;
    }
    const mi = p.beta1 * m[i]! + (1 - p.beta1) * g;
    const vi = p.beta2 * v[i]! + (1 - p.beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] = param[i]! - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + p.eps);
  }
}
