// A function's kernel calls, recorded so that they can be made again (nn/recorded-forward.ts).
// Kernels are pure functions of their storages and parameters (kernels/kernels.ts), so the same
// calls on the same storages compute the function again for new values in its input's storage,
// without the JavaScript of the modules, ops and tensors that chose them. While recording, a
// storage that an op would free stays allocated (a later call of the list may use it: the calls'
// arguments hold it), and touching values on the host throws (a replay would not repeat that),
// but for constants: a tensor's values written on the host as it is made (x.mul(2) makes one),
// which the calls' arguments keep and which kernels only read (kernels overwrite their outputs, so
// every value a replay computes comes from the input and such constants).
import { backendFor } from '../kernels/backend.js';
import { makeCall, type KernelCall, type Kernels } from '../kernels/kernels.js';
import type { Device } from '../kernels/storage.js';

export type { KernelCall } from '../kernels/kernels.js';

/** What a recorded function did: its result and its kernel calls. */
export interface KernelRecording<T> {
  readonly result: T;
  readonly calls: readonly KernelCall[];
}

interface Recording {
  who: string;
  calls: KernelCall[];
  logging: Map<Kernels, Kernels>;
}
let active: Recording | null = null;
let makingConstant = 0;

/**
 * fn's result and every kernel call it made, in order; `who` names the caller in errors.
 * @example const { result, calls } = recordKernelCalls('recordForward', () => model.forward(x))
 */
export function recordKernelCalls<T>(who: string, fn: () => T): KernelRecording<T> {
  if (active) throw new Error(`${who}: cannot record while ${active.who} is recording`);
  const rec: Recording = active = { who, calls: [], logging: new Map() };
  try {
    return { result: fn(), calls: rec.calls };
  } finally {
    active = null;
  }
}

/** Makes the recorded calls again, in order. */
export function replayKernelCalls(calls: readonly KernelCall[]): void {
  for (const call of calls) makeCall(call);
}

/**
 * A function that makes `calls` (recorded on `device`'s kernels) again: the backend's own replay
 * where it has one (Backend.compile, which makes them once now), else replayKernelCalls.
 */
export function compileKernelCalls(device: Device, calls: readonly KernelCall[]): () => void {
  const compiled = backendFor(device).compile?.(calls);
  return compiled ?? (() => replayKernelCalls(calls));
}

/** K itself, or while recording a stand-in that logs each call and then makes it. */
export function recordingKernels(K: Kernels): Kernels {
  if (!active) return K;
  let logged = active.logging.get(K);
  if (!logged) active.logging.set(K, logged = logCalls(K, active.calls));
  return logged;
}

// A proxy, not a copy of K's own properties: a backend's kernels may live on a prototype.
function logCalls(K: Kernels, calls: KernelCall[]): Kernels {
  return new Proxy(K, {
    get(target, name) {
      const kernel: unknown = Reflect.get(target, name);
      if (typeof kernel !== 'function') return kernel;
      return (...args: unknown[]) => {
        calls.push({ kernels: target, name: name as keyof Kernels, args });
        return (kernel as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** Whether kernel calls are being recorded (then storages stay allocated: see above). */
export function isRecording(): boolean {
  return active !== null;
}

/** Throws while recording: values were about to be read or written on the host (`what` did). */
export function checkHostAccess(what: string): void {
  if (active && makingConstant === 0) {
    throw new Error(`${active.who}: the recorded function touched tensor values on the host (${what}); ` +
      `a replay makes only its kernel calls and would not repeat that`);
  }
}

/** fill(), which writes the values of a tensor being made (a constant), allowed while recording. */
export function fillingConstant<T>(fill: () => T): T {
  makingConstant++;
  try {
    return fill();
  } finally {
    makingConstant--;
  }
}
