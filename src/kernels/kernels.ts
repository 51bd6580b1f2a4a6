// The one interface every backend implements. Kernels are pure functions: no Tensor objects, no
// allocation of their outputs (the caller passes them), parameters in one struct. Outputs are
// overwritten unless a parameter says `accumulate`. ArrayKernels spells each kernel on typed
// arrays (the CPU backends' code); Kernels is the same list on storages, the backends' own
// handles, which is what the ops call on every device.
// Layouts: row-major, channels first (N, C, ...spatial). Spatial arrays (inSize, kernelSize, ...)
// hold one entry per spatial dimension, outermost first: (D,) H, W.

import type { Storage } from './storage.js';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow';
export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'square' | 'reciprocal'
  | 'relu' | 'leakyRelu' | 'elu' | 'sigmoid' | 'tanh';

export interface BinaryParams {
  shape: readonly number[]; // of the output
  aStrides: readonly number[]; // per output dim, 0 where a is broadcast
  bStrides: readonly number[];
}

export interface StridedCopyParams {
  shape: readonly number[]; // of the output (contiguous)
  strides: readonly number[]; // element strides into the input per output dim (0 = broadcast)
}

export interface SumToParams {
  shape: readonly number[]; // of the input
  outStrides: readonly number[]; // per input dim, 0 where that dim is summed away
}

export interface GemmParams {
  m: number;
  n: number;
  k: number;
  transA: boolean; // a is stored (k, m) instead of (m, k)
  transB: boolean; // b is stored (n, k) instead of (k, n)
  accumulate: boolean; // c += a·b instead of c = a·b
  // Independent products, a, b and c each contiguous per product (default 1). Array kernels see
  // one product per call: the storage layer splits a batch into views.
  batch?: number;
}

export interface ConvParams {
  batch: number;
  inChannels: number;
  outChannels: number;
  groups: number;
  inSize: readonly number[];
  outSize: readonly number[];
  kernelSize: readonly number[];
  stride: readonly number[];
  padBegin: readonly number[]; // zeros before each spatial dim; the end padding is implied by outSize
  dilation: readonly number[];
}

export interface PoolParams {
  batch: number;
  channels: number;
  inSize: readonly number[];
  outSize: readonly number[];
  kernelSize: readonly number[];
  stride: readonly number[];
  padBegin: readonly number[];
  dilation: readonly number[]; // all 1 for average pooling
  countIncludePad: boolean; // average pooling only: divide by the window clipped to the padded input
}

export interface AdaptivePoolParams {
  batch: number;
  channels: number;
  inSize: readonly number[];
  outSize: readonly number[];
}

export type PadMode = 'constant' | 'reflect' | 'replicate';
export interface PadParams {
  inShape: readonly number[];
  outShape: readonly number[];
  padBegin: readonly number[]; // per dim of the tensor (0 for unpadded dims); may be negative (crop)
  mode: PadMode;
  value: number;
  // Per dim, where given: the input read every step-th element before padding (x[..., ::step]:
  // inShape ⌈in/step⌉ + pads = outShape), constant mode only. ResNet's option-A shortcut.
  step?: readonly number[];
}

export interface SoftmaxParams {
  outer: number; // product of dims before the softmax dim
  size: number; // the softmax dim
  inner: number; // product of dims after it
  log: boolean; // logSoftmax
}

export interface NllParams {
  batch: number;
  classes: number;
}

export interface BatchNormParams {
  batch: number;
  channels: number;
  spatial: number; // product of spatial dims (1 for BatchNorm1d on (N, C))
}

export interface BatchNormStatsParams {
  channels: number;
  eps: number;
  training: boolean; // statistics of this batch; else the running ones
  momentum: number; // weight of this batch in the running statistics
  count: number; // values per channel in the batch (N·S): running_var takes the unbiased variance
}

export interface SgdParams {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  firstStep: boolean; // PyTorch initialises the momentum buffer with the gradient itself
}

export interface AdamParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupled: boolean; // AdamW: decay the weights directly instead of adding to the gradient
  step: number; // 1-based, after increment
}

export interface DropoutParams {
  size: number;
  key: readonly [number, number]; // of the counter-based generator, drawn from the global one per call
  threshold: number; // an element is dropped where its 24-bit draw is below this (dropThreshold(p))
  scale: number; // the value of kept elements, 1/(1 − p)
}

export interface ArrayKernels {
  // x, out, gx: (size) — out may alias x
  unary(op: UnaryOp, x: Float32Array, out: Float32Array, param: number): void;
  // gx = gy · d op(x)/dx; y is op's output (sigmoid, tanh, elu use it)
  unaryBackward(op: UnaryOp, x: Float32Array, y: Float32Array, gy: Float32Array, gx: Float32Array, param: number): void;
  // out: shape; a, b read through their strides (broadcasting); out may alias a contiguous input
  binary(op: BinaryOp, a: Float32Array, b: Float32Array, out: Float32Array, p: BinaryParams): void;
  // out: shape, gathered from x through strides (permute, expand, transpose)
  stridedCopy(x: Float32Array, out: Float32Array, p: StridedCopyParams): void;
  // out (zeroed by the kernel) += x summed over the dims where outStrides is 0
  sumTo(x: Float32Array, out: Float32Array, p: SumToParams): void;
  // c: (m, n) = a: (m, k) · b: (k, n)
  gemm(a: Float32Array, b: Float32Array, c: Float32Array, p: GemmParams): void;

  // x: (N, Cin, ...in), w: (Cout, Cin/groups, ...k), bias: (Cout) | null, out: (N, Cout, ...out).
  // The epilogue (inference): out = conv + bias, then + residual (out's shape) when given, then
  // v > 0 ? v : 0 when relu (NaN → 0, as the unary relu): each rounded as those separate ops would.
  convForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, p: ConvParams,
    residual?: Float32Array | null, relu?: boolean): void;
  // gy: (N, Cout, ...out), w as above, gx: (N, Cin, ...in)
  convBackwardInput(gy: Float32Array, w: Float32Array, gx: Float32Array, p: ConvParams): void;
  // x, gy as above, gw: (Cout, Cin/groups, ...k)
  convBackwardWeight(x: Float32Array, gy: Float32Array, gw: Float32Array, p: ConvParams): void;
  // Both gradients as the two kernels above compute them (null: not wanted), which a backend may
  // run together (wasm: one dispatch for both, so that no thread waits out the first one's tail)
  convBackward(x: Float32Array, w: Float32Array, gy: Float32Array, gx: Float32Array | null, gw: Float32Array | null, p: ConvParams): void;

  // x: (N, C, ...in), out: (N, C, ...out), argmax: (N, C, ...out) flat index into x's spatial plane,
  // or null when no backward pass will need it (inference); relu: out = max(0, the window's max)
  // (0 for NaN, as the relu kernel), a ReLU after the pool
  maxPoolForward(x: Float32Array, out: Float32Array, argmax: Int32Array | null, p: PoolParams, relu?: boolean): void;
  // gx: (N, C, ...in) zeroed by the kernel, then each gy scattered to its argmax; y: the output of a
  // forward with relu (gy then goes back only where y > 0), else null
  maxPoolBackward(gy: Float32Array, argmax: Int32Array, gx: Float32Array, p: PoolParams, y?: Float32Array | null): void;
  avgPoolForward(x: Float32Array, out: Float32Array, p: PoolParams): void;
  avgPoolBackward(gy: Float32Array, gx: Float32Array, p: PoolParams): void;
  adaptiveAvgPoolForward(x: Float32Array, out: Float32Array, p: AdaptivePoolParams): void;
  adaptiveAvgPoolBackward(gy: Float32Array, gx: Float32Array, p: AdaptivePoolParams): void;

  // x: inShape, out: outShape (x subsampled by p.step first, where given)
  padForward(x: Float32Array, out: Float32Array, p: PadParams): void;
  // gy: outShape, gx: inShape (zeroed by the kernel; reflect/replicate add the mirrored parts)
  padBackward(gy: Float32Array, gx: Float32Array, p: PadParams): void;

  // x, out: (outer, size, inner); numerically stable (max subtracted)
  softmaxForward(x: Float32Array, out: Float32Array, p: SoftmaxParams): void;
  // y is the forward output (probabilities, or log-probabilities when p.log)
  softmaxBackward(y: Float32Array, gy: Float32Array, gx: Float32Array, p: SoftmaxParams): void;
  // logp: (N, C), target: (N) class indices, loss: (N) = -logp[n, target[n]]
  nllForward(logp: Float32Array, target: Int32Array, loss: Float32Array, p: NllParams): void;
  // gLoss: (N), gx: (N, C) zeroed by the kernel, gx[n, target[n]] = -gLoss[n]
  nllBackward(gLoss: Float32Array, target: Int32Array, gx: Float32Array, p: NllParams): void;

  // x: (N, C, S); mean, variance: (C) — variance is the biased one (divide by N·S)
  batchNormStats(x: Float32Array, mean: Float32Array, variance: Float32Array, p: BatchNormParams): void;
  // out = (x − mean[c]) · invStd[c] · weight[c] + bias[c]; weight/bias null mean 1/0
  batchNormForward(x: Float32Array, mean: Float32Array, invStd: Float32Array, weight: Float32Array | null,
    bias: Float32Array | null, out: Float32Array, p: BatchNormParams): void;
  // training: invStd = 1/√(variance + eps), and the running statistics (when given) move toward the
  // batch's in place; eval: mean = runningMean, invStd = 1/√(runningVar + eps) (variance unused).
  // mean, variance, invStd, runningMean, runningVar: (C)
  batchNormFinishStats(mean: Float32Array, variance: Float32Array, invStd: Float32Array, runningMean: Float32Array | null,
    runningVar: Float32Array | null, p: BatchNormStatsParams): void;
  // training: statistics came from this batch, so gradients flow through mean and variance too
  batchNormBackward(x: Float32Array, gy: Float32Array, mean: Float32Array, invStd: Float32Array,
    weight: Float32Array | null, gx: Float32Array | null, gWeight: Float32Array | null, gBias: Float32Array | null,
    training: boolean, p: BatchNormParams): void;

  // Fused batch norm (+ residual) + ReLU: out = max(0, batchNormForward(x) + residual), residual
  // (N, C, S) or null; out may alias x or residual
  batchNormReluForward(x: Float32Array, mean: Float32Array, invStd: Float32Array, weight: Float32Array | null,
    bias: Float32Array | null, residual: Float32Array | null, out: Float32Array, p: BatchNormParams): void;
  // Its backward: y is its output, or null where it had no residual (y is then the forward's on x,
  // mean, invStd, weight and bias, which a backend may recompute instead of reading y); the ReLU's
  // gradient gy·[y > 0] goes to gResidual (when wanted) and through batch norm as batchNormBackward
  batchNormReluBackward(x: Float32Array, y: Float32Array | null, gy: Float32Array, mean: Float32Array,
    invStd: Float32Array, weight: Float32Array | null, bias: Float32Array | null, gx: Float32Array | null,
    gWeight: Float32Array | null, gBias: Float32Array | null, gResidual: Float32Array | null, training: boolean,
    p: BatchNormParams): void;

  // out: (size), each element 0 (dropped) or scale; a pure function of the key and the index
  dropoutMask(out: Float32Array, p: DropoutParams): void;

  // param, grad, buf: (size); updates param (and buf) in place
  sgdStep(param: Float32Array, grad: Float32Array, momentumBuf: Float32Array | null, p: SgdParams): void;
  // m, v: (size) first and second moment estimates, updated in place
  adamStep(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, p: AdamParams): void;
}

// Kernels: every ArrayKernels method with its typed arrays replaced by storages (an Int32Array
// becomes a storage of int32 slots), so a new device implements the same list.
type OnStorage<T> = T extends Float32Array | Int32Array ? Storage
  : T extends Float32Array | Int32Array | null ? Storage | null : T;
type StorageArgs<A extends readonly unknown[]> = { [I in keyof A]: OnStorage<A[I]> };
export type Kernels = {
  [K in keyof ArrayKernels]: (...args: StorageArgs<Parameters<ArrayKernels[K]>>) => void;
};

/** One kernel call as it was made (ops/kernel-record.ts): the kernel set, the kernel's name, its arguments. */
export interface KernelCall {
  readonly kernels: Kernels;
  readonly name: keyof Kernels;
  readonly args: readonly unknown[];
}

/** Makes the call again. */
export function makeCall({ kernels, name, args }: KernelCall): void {
  (kernels[name] as (...a: readonly unknown[]) => void)(...args);
}
