// Activations handed from one module to the next are a training step's largest garbage (W8: 51 MB
// a step, W3: 2.4 of its 3.4 MB): tensor storage lives in WebAssembly memory, which never makes V8
// collect, so each waits for a forced full collection (src/kernels/wasm/memory.ts). Where only the
// modules that made and read one can have seen it, and those are built-in modules running their
// own forward, nothing but the autograd graph can reach it: backward frees it once its node has
// run (autograd/engine.ts releaseAfterBackward), and without gradients it is freed at once.
// Measured (bench/memory-step.ts, BENCHMARKS.md "Activations handed on between modules"): left to
// the collections a step, W3 3.4 → 0.4 MB (a forced collection every ~320 steps, not 37; the
// profile's garbage-collection row 0.8–1.1 → 0.16–0.28 ms a step), W8 51.2 → 1.2 MB, W4 8.4 → 0.
import { releaseConsumed } from '../ops/record.js';
import type { Tensor } from '../ops/tensor.js';
import { isTracing } from '../ops/trace.js';
import { ELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from './activation.js';
import { BatchNorm1d, BatchNorm2d, BatchNorm3d } from './batch-norm.js';
import { ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from './conv-transpose.js';
import { Conv1d, Conv2d, Conv3d } from './conv.js';
import { Linear } from './linear.js';
import type { Module } from './module.js';
import { AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, AvgPool3d, MaxPool1d, MaxPool2d, MaxPool3d } from './pool.js';
import { Dropout, Flatten, Identity } from './utility.js';

// The built-in layers whose forward is one op (or a view around one): the input goes only into
// the op's backward closure (convs, Linear: for the weight gradient; batch norm in training reads
// it into the running statistics and keeps nothing), nothing of the input or the output is kept
// in the module. An output that is the input or a view of it (Identity, Flatten, Dropout in
// evaluation or with p = 0, unbatched convs and pools: a view of the batched op's output) is
// refused by releasePassed's storage checks, not by this list. Each class with the forward it was
// loaded with, so a forward assigned to an instance (summary(), exportOnnx, a user's hook) or to
// the prototype does not count; a subclass is not listed.
const LEAVES = new Map<Function, Function>([
  Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, Linear,
  MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, AdaptiveAvgPool2d,
  BatchNorm1d, BatchNorm2d, BatchNorm3d,
  ReLU, LeakyReLU, ELU, Sigmoid, Tanh, Softmax, LogSoftmax, Dropout, Flatten, Identity,
].map((k) => [k, k.prototype.forward]));

/**
 * What a built-in module made of others (Sequential, a ResNet block) declares as its class's
 * static `[SEALED]`: its own forward, and the modules that forward runs (null: an absent one). It is
 * sealed when its forward is that one and every part is sealed; a subclass declares nothing.
 */
export const SEALED = Symbol('sealed');
export interface SealedClass<M extends Module> {
  readonly forward: Function;
  parts(m: M): readonly (Module | null)[];
}

/** Whether m is a built-in module running its own forward, keeping no tensor it reads or makes. */
export function sealed(m: Module): boolean {
  const k = m.constructor;
  const leaf = LEAVES.get(k);
  if (leaf) return m.forward === leaf;
  if (!Object.hasOwn(k, SEALED)) return false;
  const c = (k as unknown as { [SEALED]: SealedClass<Module> })[SEALED];
  return m.forward === c.forward && c.parts(m).every((p) => p === null || sealed(p));
}

/**
 * `h`, whose forwards ran only in `seenBy` (the modules that made it and those that read it), is
 * dead once they have run, where every one is sealed, no trace runs and none of `others` (the
 * input it was made from, the output its readers made) shares its memory: then backward frees it
 * once its node has run (not if that node's inputs share its memory: a view of another tensor),
 * and without gradients it is freed now.
 * @example const y = conv2.forward(h); releasePassed(h, [relu, conv2], [x, y]); // h = relu.forward(x)
 */
export function releasePassed(h: Tensor, seenBy: readonly (Module | null)[], others: readonly Tensor[]): void {
  if (isTracing() || others.some((t) => t.storage === h.storage) || !seenBy.every((m) => m === null || sealed(m))) return;
  if (!h.node?.inputs.some((t) => t.storage === h.storage)) releaseConsumed(h);
}
