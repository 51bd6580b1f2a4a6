// The fully connected layer, and PyTorch's default initialisation of weight-and-bias layers.
import { zeros } from '../ops/creation.js';
import * as F from '../ops/functional.js';
import type { Tensor } from '../ops/tensor.js';
import { checkInt } from './check.js';
import { calculateFans, kaimingUniform, uniform } from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** A fresh zero-filled parameter of this shape. */
export function newParameter(shape: readonly number[]): Parameter {
  return new Parameter(zeros(shape));
}

/**
 * PyTorch's reset_parameters for Linear and Conv: weight kaiming_uniform_(a = √5), which is
 * U(±1/√fanIn), and bias U(±1/√fanIn), fanIn = in/groups·∏kernel.
 */
export function defaultLayerInit(weight: Tensor, bias: Tensor | null): void {
  kaimingUniform(weight, { a: Math.sqrt(5) });
  if (bias) {
    const [fanIn] = calculateFans(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform(bias, -bound, bound);
  }
}

/**
 * y = x·Wᵀ + b over the last dimension; weight [outFeatures, inFeatures] as PyTorch stores it.
 * @example const fc = new nn.Linear(400, 120); fc.forward(x) // x: [N, 400] → [N, 120]
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, { bias = true }: { bias?: boolean } = {}) {
    super();
    this.inFeatures = checkInt('Linear', 'inFeatures', inFeatures);
    this.outFeatures = checkInt('Linear', 'outFeatures', outFeatures);
    this.weight = newParameter([outFeatures, inFeatures]);
    this.bias = bias ? newParameter([outFeatures]) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    defaultLayerInit(this.weight, this.bias);
  }

  override forward(x: Tensor): Tensor {
    if (x.ndim < 1 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new Error(
        `Linear(${this.inFeatures}, ${this.outFeatures}): input [${x.shape.join(', ')}] must end in ${this.inFeatures} features`,
      );
    }
    return F.linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
