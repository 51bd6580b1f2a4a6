// The operators striate runs, by ONNX op_type (default domain), and which of their inputs are
// settings rather than data: an initializer feeding only such inputs is a constant, not a
// trainable parameter (batch-norm statistics become buffers).
import { mathOps } from './ops-math.js';
import { nnOps } from './ops-nn.js';
import { shapeOps } from './ops-shape.js';
import { unaryReduceOps } from './ops-unary-reduce.js';
import type { OpRun } from './op-types.js';

export const ONNX_OPS: Readonly<Record<string, OpRun>> = { ...nnOps, ...mathOps, ...shapeOps, ...unaryReduceOps };

/** The opsets of the default domain striate implements (semantics checked per op in the op files). */
export const OPSET_RANGE = { min: 7, max: 21 } as const;

/** Operators unchanged since before OPSET_RANGE.min (the global pools since opset 1, Elu since 6), runnable there too. */
export const SINCE_OPSET_1: ReadonlySet<string> = new Set(['GlobalAveragePool', 'GlobalMaxPool', 'Elu']);

export const SETTING_INPUTS: Readonly<Record<string, readonly number[]>> = {
  Reshape: [1], Unsqueeze: [1], Squeeze: [1], Slice: [1, 2, 3, 4], Pad: [1, 2, 3], Clip: [1, 2], Dropout: [1, 2], Gather: [1],
  ReduceSum: [1], ReduceMean: [1],
};

/** Inputs 3 and 4 of BatchNormalization: running mean and variance. */
export const BUFFER_INPUTS: Readonly<Record<string, readonly number[]>> = { BatchNormalization: [3, 4] };
