// Conv1d/2d/3d: one N-d layer; the subclasses fix the number of spatial dims.
import { spatialArg, type ConvPadding, type SpatialArg } from '../ops/conv-geometry.js';
import { convNd, fixedConvOptions, type ConvEpilogue, type ConvOptions } from '../ops/conv.js';
import type { Tensor } from '../ops/tensor.js';
import { checkInt } from './check.js';
import { defaultLayerInit, newParameter } from './linear.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

export interface ConvLayerOptions {
  stride?: SpatialArg;
  /** number | number[] | { begin, end } | 'valid' | 'same', as F.conv2d. */
  padding?: ConvPadding;
  dilation?: SpatialArg;
  groups?: number;
  bias?: boolean;
}

/**
 * The shared convolution layer: weight [outC, inC/groups, ...kernel], optional bias [outC].
 * The layer checks what shapes its parameters (channels, groups, kernel size); stride, padding
 * and dilation pass through to F.conv*, which validates them once, with the output-size formula.
 */
export class ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly number[];
  readonly stride: SpatialArg;
  readonly padding: ConvPadding;
  readonly dilation: SpatialArg;
  readonly groups: number;
  private readonly options: Readonly<ConvOptions>;
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    readonly nd: 1 | 2 | 3, inChannels: number, outChannels: number, kernelSize: SpatialArg,
    { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true }: ConvLayerOptions = {},
  ) {
    super();
    const name = new.target.name;
    this.inChannels = checkInt(name, 'inChannels', inChannels);
    this.outChannels = checkInt(name, 'outChannels', outChannels);
    this.groups = checkInt(name, 'groups', groups);
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new Error(`${name}: groups=${groups} must divide inChannels=${inChannels} and outChannels=${outChannels}`);
    }
    this.kernelSize = spatialArg(kernelSize, nd, name, 'kernelSize', 1);
    // Frozen copies, checked by the op once per input shape (ops/conv.ts fixedConvOptions).
    this.options = fixedConvOptions({ stride, padding, dilation, groups });
    this.stride = this.options.stride!;
    this.padding = this.options.padding!;
    this.dilation = this.options.dilation!;
    this.weight = newParameter([outChannels, inChannels / groups, ...this.kernelSize]);
    this.bias = bias ? newParameter([outChannels]) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    defaultLayerInit(this.weight, this.bias);
  }

  override forward(x: Tensor): Tensor {
    return this.convolve(x, this.weight, this.bias);
  }

  /**
   * This layer's convolution with other weights (fused inference passes batch-norm-folded ones),
   * and for inference an epilogue (+ residual, ReLU) in the same kernel call.
   */
  convolve(x: Tensor, weight: Tensor, bias: Tensor | null, epilogue: ConvEpilogue | null = null): Tensor {
    return convNd(x, weight, bias, this.options, this.nd, `conv${this.nd}d`, epilogue);
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize.join(', ')}], ` +
      `stride=${JSON.stringify(this.stride)}, padding=${JSON.stringify(this.padding)}, ` +
      `dilation=${JSON.stringify(this.dilation)}, groups=${this.groups}, bias=${this.bias !== null}`;
  }
}

/**
 * 1D convolution over [N, C, L].
 * @example new nn.Conv1d(1, 16, 7, { padding: 3 }) // [N, 1, 500] → [N, 16, 500]
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SpatialArg, opts: ConvLayerOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, opts);
  }
}

/**
 * 2D convolution over [N, C, H, W]; weight [outC, inC/groups, kH, kW], PyTorch's default init.
 * @example const conv1 = new nn.Conv2d(1, 6, 5, { padding: 2 }); conv1.forward(x) // [N, 1, 28, 28] → [N, 6, 28, 28]
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SpatialArg, opts: ConvLayerOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, opts);
  }
}

/**
 * 3D convolution over [N, C, D, H, W].
 * @example new nn.Conv3d(1, 8, 3, { padding: 1 }) // [N, 1, 16, 32, 32] → [N, 8, 16, 32, 32]
 */
export class Conv3d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SpatialArg, opts: ConvLayerOptions = {}) {
    super(3, inChannels, outChannels, kernelSize, opts);
  }
}
