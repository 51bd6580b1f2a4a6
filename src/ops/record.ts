// Glue between operations, devices and the tape: find the device an op runs on, allocate outputs
// there, and record a backward closure only when some input needs a gradient and grad mode is on.
import { isGradEnabled } from '../autograd/grad-mode.js';
import { backendFor, type Device } from '../kernels/backend.js';
import type { Kernels } from '../kernels/kernels.js';
import { shapeStr, sizeOf } from '../tensor/shape.js';
import { Tensor } from './tensor.js';

/** The device all of an op's tensor inputs share; throws naming both devices when they differ. */
export function deviceOf(op: string, ...inputs: (Tensor | null | undefined)[]): Device {
  let first: Tensor | null = null;
  for (const t of inputs) {
    if (!t) continue;
    if (!first) first = t;
    else if (t.device !== first.device) {
      throw new Error(
        `${op}: expected all tensors on the same device, got one on '${first.device}' ${shapeStr(first.shape)} ` +
          `and one on '${t.device}' ${shapeStr(t.shape)} (move one with .to('${first.device}'))`,
      );
    }
  }
  return first?.device ?? 'cpu';
}

/** The kernels that compute on `device`. */
export function kernels(device: Device): Kernels {
  return backendFor(device).kernels;
}

/** A zero-filled tensor on `device`. */
export function empty(shape: readonly number[], device: Device): Tensor {
  return new Tensor(backendFor(device).alloc(sizeOf(shape)), shape);
}

/** A tensor with unspecified contents, for an output that the next kernel call writes in full. */
export function output(shape: readonly number[], device: Device): Tensor {
  return new Tensor(backendFor(device).allocUninitialized(sizeOf(shape)), shape);
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
