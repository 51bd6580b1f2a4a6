// ConvTranspose1d/2d/3d: one N-d layer; the subclasses fix the number of spatial dims.
import { spatialArg, type SpatialArg } from '../ops/conv-geometry.js';
import type { ConvTransposeOptions } from '../ops/conv-transpose.js';
import * as F from '../ops/functional.js';
import type { Tensor } from '../ops/tensor.js';
import { checkInt } from './check.js';
import { defaultLayerInit, newParameter } from './linear.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

export interface ConvTransposeLayerOptions extends ConvTransposeOptions {
  bias?: boolean;
}

const convTransposeFns = { 1: F.convTranspose1d, 2: F.convTranspose2d, 3: F.convTranspose3d } as const;

/**
 * The shared transposed convolution layer: weight [inC, outC/groups, ...kernel] (PyTorch's
 * layout and initialisation), optional bias [outC].
 */
export class ConvTransposeNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly number[];
  readonly options: Readonly<ConvTransposeOptions>;
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    readonly nd: 1 | 2 | 3, inChannels: number, outChannels: number, kernelSize: SpatialArg,
    { bias = true, ...options }: ConvTransposeLayerOptions = {},
  ) {
    super();
    const name = new.target.name;
    this.inChannels = checkInt(name, 'inChannels', inChannels);
    this.outChannels = checkInt(name, 'outChannels', outChannels);
    const groups = checkInt(name, 'groups', options.groups ?? 1);
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new Error(`${name}: groups=${groups} must divide inChannels=${inChannels} and outChannels=${outChannels}`);
    }
    this.kernelSize = spatialArg(kernelSize, nd, name, 'kernelSize', 1);
    this.options = { ...options };
    this.weight = newParameter([inChannels, outChannels / groups, ...this.kernelSize]);
    this.bias = bias ? newParameter([outChannels]) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    defaultLayerInit(this.weight, this.bias);
  }

  override forward(x: Tensor): Tensor {
    return convTransposeFns[this.nd](x, this.weight, this.bias, this.options);
  }

  override extraRepr(): string {
    const opts = Object.entries(this.options).map(([k, v]) => `, ${k}=${JSON.stringify(v)}`).join('');
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize.join(', ')}]${opts}, bias=${this.bias !== null}`;
  }
}

/**
 * 1D transposed convolution over [N, C, L].
 * @example new nn.ConvTranspose1d(16, 8, 4, { stride: 2, padding: 1 }) // [N, 16, 50] → [N, 8, 100]
 */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SpatialArg, opts: ConvTransposeLayerOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, opts);
  }
}

/**
 * 2D transposed convolution over [N, C, H, W], the learned upsampling of fully convolutional nets.
 * @example new nn.ConvTranspose2d(64, 32, 2, { stride: 2 }) // [N, 64, 14, 14] → [N, 32, 28, 28]
 */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SpatialArg, opts: ConvTransposeLayerOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, opts);
  }
}

/**
 * 3D transposed convolution over [N, C, D, H, W].
 * @example new nn.ConvTranspose3d(8, 4, 3, { stride: 2, padding: 1, outputPadding: 1 }) // doubles D, H, W
 */
export class ConvTranspose3d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SpatialArg, opts: ConvTransposeLayerOptions = {}) {
    super(3, inChannels, outChannels, kernelSize, opts);
  }
}
