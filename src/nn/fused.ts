// Evaluation without gradients runs conv → batch norm → ReLU as one convolution, as onnxruntime
// folds them: the batch norm's per-channel affine map goes into the conv's weights and bias
// (w·γ/σ and (b − μ)·γ/σ + β, σ = √(running_var + eps)), and the residual add and the ReLU run in
// the conv's own kernel call, on its fresh outputs (its epilogue: ops/conv.ts; a ReLU after a Linear
// runs in place). Per ResNet block that is four intermediate tensors, four passes over memory and
// three op calls fewer. The folded weights are kept until
// a tensor they came from changes (versions), so the backend's prepared copies of them stay valid
// too. Training, gradients and tracing (ONNX export) run the layers one by one.
import { releaseAfterBackward } from '../autograd/engine.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { reluInPlace } from '../ops/activation.js';
import { zeros } from '../ops/creation.js';
import { addInPlace } from '../ops/elementwise.js';
import type { Tensor } from '../ops/tensor.js';
import { isTracing } from '../ops/trace.js';
import { ReLU } from './activation.js';
import { BatchNorm1d, BatchNorm2d, BatchNorm3d, BatchNormNd } from './batch-norm.js';
import { ConvNd } from './conv.js';
import { Linear } from './linear.js';
import { MaxPoolNd } from './pool.js';
import type { Module } from './module.js';
import { releasePassed } from './private-activations.js';

/** Whether inference may fuse: no gradients, no trace, the modules given in evaluation mode. */
function fusable(m: Module, next: Module | null = null): boolean {
  return !isGradEnabled() && !isTracing() && !m.training && !next?.training;
}

// Layers whose own forward runs (a subclass overriding it is left alone).
const isConv = (m: Module | undefined): m is ConvNd => m instanceof ConvNd && m.forward === ConvNd.prototype.forward;
const isLinear = (m: Module | undefined): m is Linear => m instanceof Linear && m.forward === Linear.prototype.forward;
const isRelu = (m: Module | undefined): m is ReLU => m instanceof ReLU && m.forward === ReLU.prototype.forward;
const isMaxPool = (m: Module): m is MaxPoolNd => m instanceof MaxPoolNd && m.forward === MaxPoolNd.prototype.forward;
const BATCH_NORMS = [BatchNorm1d, BatchNorm2d, BatchNorm3d];

// A batch norm that evaluates to an affine map per channel of this conv's output: running
// statistics, its own forward, the conv's rank and channel count (else the layers run and throw).
function foldable(conv: ConvNd, bn: Module | undefined): bn is BatchNormNd {
  return bn instanceof BATCH_NORMS[conv.nd - 1]! && bn.forward === BatchNormNd.prototype.forward &&
    (bn as BatchNormNd).numFeatures === conv.outChannels && !!(bn as BatchNormNd).runningMean && !bn.training;
}

interface Folded {
  conv: ConvNd;
  sources: (Tensor | null)[];
  versions: number[];
  weight: Tensor;
  bias: Tensor;
}
const folds = new WeakMap<BatchNormNd, Folded>();

// The tensors conv's folded weights come from, in Folded.sources' order.
const sourcesOf = (conv: ConvNd, bn: BatchNormNd) => [conv.weight, conv.bias, bn.weight, bn.bias, bn.runningMean, bn.runningVar];

// Whether f was folded from these very tensors at their current versions (checked without
// making the list: every conv of an inference forward asks).
function current(f: Folded, conv: ConvNd, bn: BatchNormNd): boolean {
  return f.conv === conv && same(f, 0, conv.weight) && same(f, 1, conv.bias) && same(f, 2, bn.weight) &&
    same(f, 3, bn.bias) && same(f, 4, bn.runningMean) && same(f, 5, bn.runningVar);
}

function same(f: Folded, i: number, t: Tensor | null): boolean {
  return f.sources[i] === t && f.versions[i] === (t?.version ?? -1);
}

/** conv's weights with bn folded in, recomputed only when a tensor they come from has changed. */
function folded(conv: ConvNd, bn: BatchNormNd): Folded {
  const f = folds.get(bn);
  if (f && current(f, conv, bn)) return f;
  const sources = sourcesOf(conv, bn);
  const versions = sources.map((t) => t?.version ?? -1);
  const c = conv.outChannels;
  const scale = bn.runningVar!.add(bn.eps).pow(-0.5).mul(bn.weight ?? 1);
  const weight = conv.weight.mul(scale.reshape([c, ...conv.weight.shape.slice(1).map(() => 1)]));
  const bias = (conv.bias ?? zeros([c], { device: conv.weight.device })).sub(bn.runningMean!).mul(scale).add(bn.bias ?? 0);
  const next = { conv, sources, versions, weight, bias };
  folds.set(bn, next);
  return next;
}

/**
 * conv, then bn (if given), then + residual (if given), then relu (if given): in inference one
 * convolution with the batch norm folded in, the add and the ReLU in its kernel call;
 * otherwise the conv, then batch norm + ReLU (+ residual) as one op (BatchNormNd.forwardRelu).
 * @example y = convBnRelu(x, block.conv2, block.bn2, block.relu, shortcut)
 */
export function convBnRelu(x: Tensor, conv: ConvNd, bn: BatchNormNd | null, relu: ReLU | null, residual: Tensor | null = null): Tensor {
  // Unbatched input keeps the plain path, whose batch norm rejects it (fusing must not widen what runs).
  if (!fusable(conv, bn) || (bn && (!foldable(conv, bn) || x.ndim !== conv.nd + 2)) || (relu && !isRelu(relu))) {
    if (bn && relu) return convThenBnRelu(x, conv, bn, relu, residual);
    const y = bn ? bn.forward(conv.forward(x)) : conv.forward(x);
    const sum = residual ? y.add(residual) : y;
    return relu ? relu.forward(sum) : sum;
  }
  const f = bn ? folded(conv, bn) : null;
  const epilogue = residual || relu ? { residual, relu: !!relu } : null;
  // A subclass's own forward runs as it is, the add and the ReLU after it.
  if (f || conv.forward === ConvNd.prototype.forward) return conv.convolve(x, f ? f.weight : conv.weight, f ? f.bias : conv.bias, epilogue);
  const y = conv.forward(x);
  if (residual) addInPlace(y, residual);
  return relu ? reluInPlace(y) : y;
}

// Training (or anything not folded): the conv, then the fused batch norm + ReLU op. The conv's
// output is private when no hook can have seen it (the conv's own forward ran, and the fused op
// consumed it directly: a wrapped batch norm or ReLU would run the layers one by one), so
// backward may free it as soon as the batch norm's backward has read it.
function convThenBnRelu(x: Tensor, conv: ConvNd, bn: BatchNormNd, relu: ReLU, residual: Tensor | null): Tensor {
  const y = conv.forward(x);
  const out = bn.forwardRelu(y, relu, residual);
  if (isConv(conv) && madeFrom(out, 'batchNormRelu', y)) releaseAfterBackward(y);
  return out;
}

/** Whether `out` is the output of the op `name` recorded with `input` first, i.e. nothing ran between. */
function madeFrom(out: Tensor, name: string, input: Tensor): boolean {
  return out.node?.name === name && out.node.inputs[0] === input;
}

/** How a chain's input was made: from `from`, by the forwards of `by`. */
export interface MadeBy {
  from: Tensor;
  by: readonly Module[];
}

/**
 * Sequential's forward: each conv with the batch norm and ReLU right after it fused, and a ReLU
 * after a Linear run in place, where inference allows; a max pool and the ReLU after it as one op
 * (ops/pool.ts maxPoolRelu), training too; every other module as it is. Each output
 * handed from one step to the next is released once the next has run where only they saw it
 * (private-activations.ts), and so is the input where `made` says which modules made it.
 */
export function runFused(modules: readonly Module[], x: Tensor, made: MadeBy | null = null): Tensor {
  let y = x;
  // The memory y lives in: y itself, or what a module made a view of (Flatten, Identity).
  let base = x;
  for (let i = 0; i < modules.length; i++) {
    const m = modules[i]!, first = i;
    let out: Tensor;
    if (isMaxPool(m) && isRelu(modules[i + 1])) {
      out = m.forwardRelu(y);
      i++;
    } else if (!(fusable(m) && (isConv(m) || isLinear(m)))) out = m.forward(y);
    else {
      const bn = isConv(m) && foldable(m, modules[i + 1]) ? modules[++i] as BatchNormNd : null;
      const relu = isRelu(modules[i + 1]) ? modules[++i] as ReLU : null;
      if (isConv(m)) out = convBnRelu(y, m, bn, relu);
      else out = relu ? reluInPlace(m.forward(y)) : m.forward(y);
    }
    const step = modules.slice(first, i + 1);
    if (made && out.storage === y.storage) {
      // A view of its input: handed on as that input, read by one more module, and freed with it
      // once the view's reader has run (LeNet-5's pool → Flatten → Linear: 100 KB a step left to
      // the collections, all of it cut from never-used memory).
      made = { from: made.from, by: [...made.by, ...step] };
    } else {
      if (made) releasePassed(base, [...made.by, ...step], [made.from, out]);
      made = { from: y, by: step };
      base = out;
    }
    y = out;
  }
  return y;
}

/**
 * A classifier `head` on the output of a global `pool`, read through its flatten view; the pooled
 * output is freed once the head has read it, as runFused frees what one step hands the next.
 * @example return classifyPooled(runFused([this.features, this.avgpool], x), this.avgpool, this.classifier);
 */
export function classifyPooled(pooled: Tensor, pool: Module, head: Module): Tensor {
  const y = head.forward(pooled.flatten(1));
  releasePassed(pooled, [pool, head], [y]);
  return y;
}
