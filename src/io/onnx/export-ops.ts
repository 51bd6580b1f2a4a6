// One traced op call to ONNX nodes (opsets 13 to 17): each F op maps to the ONNX operator with
// the same semantics, its options resolved exactly as the op resolves them.
import { resolvePadding, spatialArg, type ConvPadding, type SpatialArg } from '../../ops/conv-geometry.js';
import type { TracedCall } from '../../ops/trace.js';
import type { Tensor } from '../../ops/tensor.js';
import { normalizeDim, shapeStr } from '../../tensor/shape.js';
import type { GraphBuilder } from './export-graph.js';

export interface EmitContext {
  g: GraphBuilder;
  /** The value name of input i of the call ('' for an absent optional input). */
  input(i: number): string;
  dynamicBatch: boolean;
}

type Emitter = (call: TracedCall, ctx: EmitContext) => string;

const tensorIn = (call: TracedCall, i: number): Tensor => call.inputs[i] as Tensor;

function opError(call: TracedCall, why: string): Error {
  return new Error(`exportOnnx: ${call.op} on input ${shapeStr(tensorIn(call, 0).shape)}: ${why}`);
}

/** Spatial rank of a batched (N, C, ...spatial) input; unbatched inputs are not exported. */
function spatialRank(call: TracedCall, nd: number): number {
  if (tensorIn(call, 0).ndim !== nd + 2) throw opError(call, `expected a batched ${nd + 2}-D input (N, C, ...) to export`);
  return nd;
}

const rankOf = (op: string): number => Number(/([123])d$/.exec(op)?.[1] ?? 2);

// Conv and ConvTranspose share their attributes (ConvTranspose adds output_padding); both take
// F's padding forms, resolved to begin/end as the op resolves them.
function convNode(opType: string, extra: (nd: number) => Record<string, number[]>): Emitter {
  return (call, { g, input }) => {
    const w = tensorIn(call, 1);
    const nd = spatialRank(call, w.ndim - 2);
    const a = call.attrs as { stride?: SpatialArg; dilation?: SpatialArg; groups?: number; padding?: ConvPadding };
    const kernel = w.shape.slice(2);
    const strides = spatialArg(a.stride ?? 1, nd, call.op, 'stride', 1);
    const dilations = spatialArg(a.dilation ?? 1, nd, call.op, 'dilation', 1);
    const pad = resolvePadding(a.padding ?? 0, nd, call.op, kernel, dilations, strides);
    const inputs = call.inputs[2] ? [input(0), input(1), input(2)] : [input(0), input(1)];
    return g.node(opType, inputs, {
      kernel_shape: kernel, strides, dilations, pads: [...pad.begin, ...pad.end], group: a.groups ?? 1, ...extra(nd),
    });
  };
}

const conv = convNode('Conv', () => ({}));
const convTranspose: Emitter = (call, ctx) => convNode('ConvTranspose', (nd) => ({
  output_padding: spatialArg((call.attrs as { outputPadding?: SpatialArg }).outputPadding ?? 0, nd, call.op, 'outputPadding', 0),
}))(call, ctx);

function poolWindow(call: TracedCall): { nd: number; attrs: Record<string, number[] | number> } {
  const nd = spatialRank(call, rankOf(call.op));
  const a = call.attrs as { kernelSize: SpatialArg; stride?: SpatialArg | null; padding?: SpatialArg; ceilMode?: boolean };
  const kernel = spatialArg(a.kernelSize, nd, call.op, 'kernelSize', 1);
  const pads = spatialArg(a.padding ?? 0, nd, call.op, 'padding', 0);
  return {
    nd,
    attrs: {
      kernel_shape: kernel,
      strides: spatialArg(a.stride ?? kernel, nd, call.op, 'stride', 1),
      pads: [...pads, ...pads],
      ceil_mode: a.ceilMode ? 1 : 0,
    },
  };
}

const maxPool: Emitter = (call, { g, input }) => {
  const { nd, attrs } = poolWindow(call);
  const dilations = spatialArg((call.attrs as { dilation?: SpatialArg }).dilation ?? 1, nd, call.op, 'dilation', 1);
  return g.node('MaxPool', [input(0)], { ...attrs, dilations });
};

const avgPool: Emitter = (call, { g, input }) => {
  const { attrs } = poolWindow(call);
  const countIncludePad = (call.attrs as { countIncludePad?: boolean }).countIncludePad ?? true;
  return g.node('AveragePool', [input(0)], { ...attrs, count_include_pad: countIncludePad ? 1 : 0 });
};

// Exact when every output cell averages an equal window (the input size a multiple of the output's).
const adaptiveAvgPool: Emitter = (call, { g, input }) => {
  spatialRank(call, 2);
  const inSize = tensorIn(call, 0).shape.slice(2);
  const outSize = call.output.shape.slice(2);
  if (outSize.every((o) => o === 1)) return g.node('GlobalAveragePool', [input(0)]);
  if (inSize.some((s, i) => s % outSize[i]! !== 0)) {
    throw opError(call, `output size ${shapeStr(outSize)} does not divide the input size ${shapeStr(inSize)}, ` +
      'so its windows differ in size and no ONNX AveragePool computes it (export at an input size where it divides)');
  }
  const window = inSize.map((s, i) => s / outSize[i]!);
  return g.node('AveragePool', [input(0)], { kernel_shape: window, strides: window });
};

const gemmOrMatMul: Emitter = (call, { g, input }) => {
  const x = tensorIn(call, 0);
  const hasBias = call.inputs[2] !== null;
  if (x.ndim === 2) return g.node('Gemm', hasBias ? [input(0), input(1), input(2)] : [input(0), input(1)], { transB: 1 });
  const y = g.node('MatMul', [input(0), g.node('Transpose', [input(1)], { perm: [1, 0] })]);
  return hasBias ? g.node('Add', [y, input(2)]) : y;
};

const batchNorm: Emitter = (call, { g, input }) => {
  const a = call.attrs as { training: boolean; eps: number };
  if (a.training) throw opError(call, 'batch norm with batch statistics (training: true) has no fixed ONNX form; export in eval mode');
  if (!call.inputs[1] || !call.inputs[2]) throw opError(call, 'batch norm without running statistics cannot be exported');
  const channels = tensorIn(call, 0).shape[1]!;
  const fill = (v: number): string => g.floatInitializer(`${g.scope}/${v === 1 ? 'ones' : 'zeros'}`, new Float32Array(channels).fill(v), [channels]);
  const scale = call.inputs[3] ? input(3) : fill(1);
  const bias = call.inputs[4] ? input(4) : fill(0);
  return g.node('BatchNormalization', [input(0), scale, bias, input(1), input(2)], { epsilon: { float: a.eps } });
};

const unary = (opType: string, alpha = false): Emitter => (call, { g, input }) =>
  g.node(opType, [input(0)], alpha ? { alpha: { float: (call.attrs as { param: number }).param } } : {});

const binary = (opType: string): Emitter => (_call, { g, input }) => g.node(opType, [input(0), input(1)]);

const clip: Emitter = (call, { g, input }) => {
  const { lo, hi } = call.attrs as { lo?: number; hi?: number };
  const bound = (v?: number): string => (v === undefined ? '' : g.scalarConstant(v));
  return g.node('Clip', [input(0), bound(lo), bound(hi)]);
};

const softmax = (opType: string): Emitter => (call, { g, input }) =>
  g.node(opType, [input(0)], { axis: normalizeDim((call.attrs as { dim: number }).dim, tensorIn(call, 0).ndim, call.op) });

// The target shape as traced, with the batch dimension as 0 ("copy it from the input") so that
// the graph takes any batch size.
const reshape: Emitter = (call, { g, input, dynamicBatch }) => {
  const inShape = tensorIn(call, 0).shape;
  const target = call.output.shape.slice();
  if (dynamicBatch) {
    if (target[0] !== inShape[0]) {
      throw opError(call, `the reshape to ${shapeStr(target)} moves the batch dimension; export with dynamicBatch: false`);
    }
    target[0] = 0;
  }
  return g.node('Reshape', [input(0), g.int64Constant('shape', target)]);
};

const transpose: Emitter = (call, { g, input }) => {
  const x = tensorIn(call, 0);
  return g.node('Transpose', [input(0)], { perm: (call.attrs as { perm: number[] }).perm.map((d) => normalizeDim(d, x.ndim, call.op)) });
};

// F.pad lists (before, after) pairs last dim first and may leave leading dims out; ONNX wants
// every dim's begin, then every dim's end.
const pad: Emitter = (call, { g, input }) => {
  const { pads, mode, value } = call.attrs as { pads: number[]; mode: string; value: number };
  const nd = tensorIn(call, 0).ndim;
  const begin = new Array<number>(nd).fill(0);
  const end = new Array<number>(nd).fill(0);
  for (let i = 0; i < pads.length / 2; i++) {
    begin[nd - 1 - i] = pads[2 * i]!;
    end[nd - 1 - i] = pads[2 * i + 1]!;
  }
  const onnxMode = mode === 'replicate' ? 'edge' : mode;
  const inputs = [input(0), g.int64Constant('pads', [...begin, ...end])];
  if (mode === 'constant') inputs.push(g.scalarConstant(value));
  return g.node('Pad', inputs, { mode: onnxMode });
};

const concat: Emitter = (call, { g, input }) =>
  g.node('Concat', call.inputs.map((_, i) => input(i)), { axis: (call.attrs as { dim: number }).dim });

function reduceAxes(call: TracedCall): { axes: number[]; keepdims: number } {
  const { dim, keepDim } = call.attrs as { dim?: number | number[]; keepDim: boolean };
  const x = tensorIn(call, 0);
  const dims = dim === undefined ? x.shape.map((_, i) => i) : (Array.isArray(dim) ? dim : [dim]);
  return { axes: dims.map((d) => normalizeDim(d, x.ndim, call.op)), keepdims: keepDim ? 1 : 0 };
}

// Opsets 13 to 17: ReduceSum takes the axes as an input, ReduceMean as an attribute.
const reduceSum: Emitter = (call, { g, input }) => {
  const { axes, keepdims } = reduceAxes(call);
  return g.node('ReduceSum', [input(0), g.int64Constant('axes', axes)], { keepdims });
};

const reduceMean: Emitter = (call, { g, input }) => {
  const { axes, keepdims } = reduceAxes(call);
  return g.node('ReduceMean', [input(0)], { axes, keepdims });
};

const EMITTERS: Readonly<Record<string, Emitter>> = {
  conv1d: conv, conv2d: conv, conv3d: conv,
  convTranspose1d: convTranspose, convTranspose2d: convTranspose, convTranspose3d: convTranspose,
  maxPool1d: maxPool, maxPool2d: maxPool, maxPool3d: maxPool,
  avgPool1d: avgPool, avgPool2d: avgPool, avgPool3d: avgPool,
  adaptiveAvgPool2d: adaptiveAvgPool,
  globalAvgPool: (_c, { g, input }) => g.node('GlobalAveragePool', [input(0)]),
  globalMaxPool: (_c, { g, input }) => g.node('GlobalMaxPool', [input(0)]),
  linear: gemmOrMatMul,
  batchNorm,
  relu: unary('Relu'), leakyRelu: unary('LeakyRelu', true), elu: unary('Elu', true),
  sigmoid: unary('Sigmoid'), tanh: unary('Tanh'), neg: unary('Neg'), exp: unary('Exp'), log: unary('Log'),
  sqrt: unary('Sqrt'), abs: unary('Abs'), reciprocal: unary('Reciprocal'),
  square: (_c, { g, input }) => g.node('Mul', [input(0), input(0)]),
  add: binary('Add'), sub: binary('Sub'), mul: binary('Mul'), div: binary('Div'),
  clamp: clip,
  softmax: softmax('Softmax'), logSoftmax: softmax('LogSoftmax'),
  reshape, permute: transpose, pad, concat,
  matmul: binary('MatMul'),
  sum: reduceSum, mean: reduceMean,
};

/** ONNX nodes for one traced call; returns the name of the value holding its output. */
export function emitCall(call: TracedCall, ctx: EmitContext): string {
  const emit = EMITTERS[call.op];
  if (!emit) throw new Error(`exportOnnx: op '${call.op}' has no ONNX export`);
  return emit(call, ctx);
}
