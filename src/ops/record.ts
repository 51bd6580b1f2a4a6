// Glue between operations, devices and the tape: find the device an op runs on, allocate outputs
// there, and record a backward closure only when some input needs a gradient and grad mode is on.
import { releaseAfterBackward } from '../autograd/engine.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { backendFor, type Device } from '../kernels/backend.js';
import type { Kernels } from '../kernels/kernels.js';
import { isRecording, recordingKernels } from './kernel-record.js';
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

/** The kernels that compute on `device` (logged while a forward is recorded: kernel-record.ts). */
export function kernels(device: Device): Kernels {
  return recordingKernels(backendFor(device).kernels);
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
  out: Tensor, name: string, inputs: Tensor[], backward: (g: Tensor, last: boolean) => (Tensor | null)[],
): Tensor {
  if (needsGrad(...inputs)) {
    out.requiresGrad = true;
    out.node = { name, inputs, backward };
  }
  return out;
}

/**
 * `t`, made by an op and read since by the one op it was made for and nothing else (no caller, no
 * other node holds it): freed now without gradients, else by backward once its node has run
 * (autograd/engine.ts releaseAfterBackward). A tensor without a node is left to the collector:
 * a node that does not require its gradient may still hold it.
 */
export function releaseConsumed(t: Tensor): void {
  if (!isGradEnabled()) {
    if (!isRecording()) t.storage.release?.();
  }
  else if (t.node) releaseAfterBackward(t);
}
