// Activation layers: stateless wrappers of the F functions, so they appear in a model's tree
// (and in summary()) like any other layer.
import * as F from '../ops/functional.js';
import type { Tensor } from '../ops/tensor.js';
import { Module } from './module.js';

/** max(0, x). @example new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU()) */
export class ReLU extends Module {
  override forward(x: Tensor): Tensor { return F.relu(x); }
}

/** x for x > 0, negativeSlope·x otherwise. */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) { super(); }
  override forward(x: Tensor): Tensor { return F.leakyRelu(x, this.negativeSlope); }
  override extraRepr(): string { return `negativeSlope=${this.negativeSlope}`; }
}

/** x for x > 0, alpha·(eˣ − 1) otherwise. */
export class ELU extends Module {
  constructor(readonly alpha = 1) { super(); }
  override forward(x: Tensor): Tensor { return F.elu(x, this.alpha); }
  override extraRepr(): string { return `alpha=${this.alpha}`; }
}

export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor { return F.sigmoid(x); }
}

export class Tanh extends Module {
  override forward(x: Tensor): Tensor { return F.tanh(x); }
}

/** Softmax along `dim` (for class probabilities of [N, C] logits: dim 1). */
export class Softmax extends Module {
  constructor(readonly dim: number) { super(); }
  override forward(x: Tensor): Tensor { return F.softmax(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}

/** log(softmax(x)) along `dim`, computed stably. */
export class LogSoftmax extends Module {
  constructor(readonly dim: number) { super(); }
  override forward(x: Tensor): Tensor { return F.logSoftmax(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}
