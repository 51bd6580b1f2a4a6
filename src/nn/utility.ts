// Parameter-free plumbing layers: dropout, flattening, identity.
import * as F from '../ops/functional.js';
import type { Tensor } from '../ops/tensor.js';
import { checkProbability } from './check.js';
import { Module } from './module.js';

/** Zeroes elements with probability p (scaling the rest by 1/(1−p)) in training mode only. */
export class Dropout extends Module {
  readonly p: number;
  constructor(p = 0.5) {
    super();
    this.p = checkProbability('Dropout', p);
  }
  override forward(x: Tensor): Tensor { return F.dropout(x, { p: this.p, training: this.training }); }
  override extraRepr(): string { return `p=${this.p}`; }
}

/** Flattens dims startDim..endDim into one: [N, C, H, W] → [N, C·H·W] by default. */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  override forward(x: Tensor): Tensor { return x.flatten(this.startDim, this.endDim); }
  override extraRepr(): string { return `startDim=${this.startDim}, endDim=${this.endDim}`; }
}

/** Returns its input: a placeholder where an architecture has an optional layer. */
export class Identity extends Module {
  override forward(x: Tensor): Tensor { return x; }
}
