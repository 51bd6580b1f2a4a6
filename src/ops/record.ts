// Glue between operations and the tape: allocate outputs on the active backend, and record a
// backward closure only when some input needs a gradient and grad mode is on.
import { isGradEnabled } from '../autograd/grad-mode.js';
import { activeBackend } from '../kernels/backend.js';
import type { Kernels } from '../kernels/kernels.js';
import { sizeOf } from '../tensor/shape.js';
import { Tensor } from './tensor.js';

export function kernels(): Kernels {
  return activeBackend().kernels;
}

/** A zero-filled tensor on the active backend. */
export function empty(shape: readonly number[]): Tensor {
  return new Tensor(activeBackend().alloc(sizeOf(shape)), shape);
}

/** A tensor with unspecified contents, for an output that the next kernel call writes in full. */
export function output(shape: readonly number[]): Tensor {
  return new Tensor(activeBackend().allocUninitialized(sizeOf(shape)), shape);
}

export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  return isGradEnabled() && inputs.some((t) => t?.requiresGrad === true);
}

/**
 * Marks `out` as produced by `name` from `inputs`; `backward` maps the output's gradient to one
 * gradient (or null) per input, in order. Returns `out`.
 */
export function record(
  out: Tensor, name: string, inputs: Tensor[], backward: (g: Tensor) => (Tensor | null)[],
): Tensor {
  if (needsGrad(...inputs)) {
    out.requiresGrad = true;
    out.node = { name, inputs, backward };
  }
  return out;
}
