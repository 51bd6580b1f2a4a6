// Op tracing for export: while a trace runs, each traced op reports itself once — its name, its
// inputs, its options and its output — instead of the ops it is built from (those run untraced
// inside it). The engine stays ignorant of any file format: io/onnx turns the calls into a graph.
import type { Tensor } from './tensor.js';

/** One op call seen by a trace: `op` is the F name (conv2d, relu, add, ...). */
export interface TracedCall {
  op: string;
  /** Tensor inputs in the op's order; a number is a scalar operand; null an absent optional input. */
  inputs: readonly (Tensor | number | null)[];
  /** The op's options exactly as it was given them. */
  attrs: Readonly<Record<string, unknown>>;
  output: Tensor;
}

let sink: ((call: TracedCall) => void) | null = null;

/** Whether a trace is listening (ops check this first, so untraced runs pay one comparison). */
export function isTracing(): boolean {
  return sink !== null;
}

/** Runs `run` (the op itself) with tracing suspended, then reports the call; returns its output. */
export function traceCall(
  op: string, inputs: readonly (Tensor | number | null | undefined)[], attrs: Readonly<Record<string, unknown>>,
  run: () => Tensor,
): Tensor {
  const report = sink!;
  sink = null;
  let output: Tensor;
  try {
    output = run();
  } finally {
    sink = report;
  }
  report({ op, inputs: inputs.map((t) => t ?? null), attrs, output });
  return output;
}

/** Runs `fn`, reporting every traced op call it makes to `onCall`, in order. */
export function traceOps<T>(onCall: (call: TracedCall) => void, fn: () => T): T {
  const prev = sink;
  sink = onCall;
  try {
    return fn();
  } finally {
    sink = prev;
  }
}
