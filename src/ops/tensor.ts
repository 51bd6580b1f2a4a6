// The Tensor: float32 storage on the active backend, a shape, and its place on the autograd tape.
// Methods are thin doors to the operations in this folder.
import { runBackward, type GradNode } from '../autograd/engine.js';
import type { Storage } from '../kernels/backend.js';
import { shapeStr, sizeOf } from '../tensor/shape.js';
import { add, addInPlace, div, mul, neg, pow, sub, type Operand } from './elementwise.js';
import { matmul } from './matmul.js';
import { mean, sum } from './reduce.js';
import { flatten, permute, reshape, squeeze, transpose, unsqueeze } from './shape-ops.js';
import { full } from './creation.js';

export interface BackwardOptions {
  retainGraph?: boolean;
}

export class Tensor {
  readonly shape: readonly number[];
  requiresGrad: boolean;
  /** Filled by backward for leaves that require grad; accumulates until zeroed. */
  grad: Tensor | null = null;
  /** The operation that produced this tensor; null for leaves. */
  node: GradNode<Tensor> | null = null;

  constructor(readonly storage: Storage, shape: readonly number[], requiresGrad = false) {
    this.shape = Object.freeze(shape.slice());
    this.requiresGrad = requiresGrad;
  }

  /** The live storage view (not a copy); valid until the next allocation. */
  get data(): Float32Array {
    const d = this.storage.data;
    return d.length === this.numel() ? d : d.subarray(0, this.numel());
  }

  get ndim(): number {
    return this.shape.length;
  }

  get isLeaf(): boolean {
    return this.node === null;
  }

  numel(): number {
    return sizeOf(this.shape);
  }

  /** A copy of the values, row-major. */
  toArray(): Float32Array {
    return this.data.slice();
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.numel() !== 1) throw new Error(`item: tensor of shape ${shapeStr(this.shape)} has ${this.numel()} elements, need 1`);
    return this.data[0]!;
  }

  /**
   * Backpropagates from this tensor, filling `.grad` of the leaves that require grad.
   * @example const loss = x.mul(x).sum(); loss.backward(); x.grad // 2x
   */
  backward(grad?: Tensor, opts: BackwardOptions = {}): void {
    if (!this.requiresGrad) {
      throw new Error('backward: this tensor does not require grad and has no grad function (is every input detached?)');
    }
    if (!grad && this.numel() !== 1) {
      throw new Error(`backward: a gradient can be created implicitly only for scalar outputs, got shape ${shapeStr(this.shape)}`);
    }
    if (grad && grad.numel() !== this.numel()) {
      throw new Error(`backward: gradient of shape ${shapeStr(grad.shape)} does not match tensor of shape ${shapeStr(this.shape)}`);
    }
    const seed = grad ? reshape(grad.detach(), this.shape) : full(this.shape, 1);
    runBackward<Tensor>(this, seed, opts.retainGraph ?? false, {
      add,
      accumulateLeaf: (leaf, g) => {
        const gg = g.shape.length === leaf.shape.length ? g : reshape(g, leaf.shape);
        if (leaf.grad) addInPlace(leaf.grad, gg);
        // A copy: the incoming gradient may share storage with a user's tensor.
        else leaf.grad = new Tensor(copyStorage(gg), leaf.shape);
      },
    });
  }

  /** A tensor sharing this one's data, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape);
  }

  add(other: Operand): Tensor { return add(this, other); }
  sub(other: Operand): Tensor { return sub(this, other); }
  mul(other: Operand): Tensor { return mul(this, other); }
  div(other: Operand): Tensor { return div(this, other); }
  pow(exponent: Operand): Tensor { return pow(this, exponent); }
  neg(): Tensor { return neg(this); }
  matmul(other: Tensor): Tensor { return matmul(this, other); }
  sum(dim?: number | number[], keepDim = false): Tensor { return sum(this, dim, keepDim); }
  mean(dim?: number | number[], keepDim = false): Tensor { return mean(this, dim, keepDim); }
  reshape(shape: readonly number[]): Tensor { return reshape(this, shape); }
  flatten(startDim = 0, endDim = -1): Tensor { return flatten(this, startDim, endDim); }
  transpose(d0: number, d1: number): Tensor { return transpose(this, d0, d1); }
  permute(...perm: number[]): Tensor { return permute(this, perm); }
  unsqueeze(dim: number): Tensor { return unsqueeze(this, dim); }
  squeeze(dim?: number): Tensor { return squeeze(this, dim); }

  toString(): string {
    const n = this.numel();
    const shown = Array.from(this.data.subarray(0, Math.min(n, 8)), (v) => +v.toPrecision(5));
    return `Tensor(shape=${shapeStr(this.shape)}, [${shown.join(', ')}${n > 8 ? ', …' : ''}]` +
      `${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}

function copyStorage(t: Tensor): Storage {
  const copy = full(t.shape, 0);
  copy.data.set(t.data);
  return copy.storage;
}
