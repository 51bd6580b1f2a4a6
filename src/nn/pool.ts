// Pooling layers: MaxPool1d/2d/3d, AvgPool1d/2d/3d (one N-d class each) and AdaptiveAvgPool2d.
import { spatialArg, type SpatialArg } from '../ops/conv-geometry.js';
import * as F from '../ops/functional.js';
import { maxPoolRelu, type MaxPoolOptions } from '../ops/pool.js';
import type { Tensor } from '../ops/tensor.js';
import { Module } from './module.js';

export interface MaxPoolLayerOptions {
  /** Defaults to kernelSize. */
  stride?: SpatialArg | null;
  padding?: SpatialArg;
  dilation?: SpatialArg;
  ceilMode?: boolean;
}

export interface AvgPoolLayerOptions {
  stride?: SpatialArg | null;
  padding?: SpatialArg;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

const maxFns = { 1: F.maxPool1d, 2: F.maxPool2d, 3: F.maxPool3d } as const;
const avgFns = { 1: F.avgPool1d, 2: F.avgPool2d, 3: F.avgPool3d } as const;

function fmt(v: SpatialArg | null): string {
  return typeof v === 'number' || v === null ? String(v) : `[${v.join(', ')}]`;
}

/** Max pooling over 1, 2 or 3 spatial dims; the options are checked by the F function. */
export class MaxPoolNd extends Module {
  readonly stride: SpatialArg | null;
  readonly padding: SpatialArg;
  readonly dilation: SpatialArg;
  readonly ceilMode: boolean;

  constructor(
    readonly nd: 1 | 2 | 3, readonly kernelSize: SpatialArg,
    { stride = null, padding = 0, dilation = 1, ceilMode = false }: MaxPoolLayerOptions = {},
  ) {
    super();
    spatialArg(kernelSize, nd, new.target.name, 'kernelSize', 1); // fail at construction, not first forward
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    this.ceilMode = ceilMode;
  }

  override forward(x: Tensor): Tensor {
    return maxFns[this.nd](x, this.options());
  }

  /** forward, then a ReLU, as one op (nn/fused.ts runs a MaxPool followed by a ReLU so). */
  forwardRelu(x: Tensor): Tensor {
    return maxPoolRelu(x, this.nd, this.options());
  }

  private options(): MaxPoolOptions {
    const { kernelSize, stride, padding, dilation, ceilMode } = this;
    return { kernelSize, stride, padding, dilation, ceilMode };
  }

  override extraRepr(): string {
    return `kernelSize=${fmt(this.kernelSize)}, stride=${fmt(this.stride ?? this.kernelSize)}, ` +
      `padding=${fmt(this.padding)}, dilation=${fmt(this.dilation)}, ceilMode=${this.ceilMode}`;
  }
}

/** @example new nn.MaxPool1d(2) // [N, C, 100] → [N, C, 50] */
export class MaxPool1d extends MaxPoolNd {
  constructor(kernelSize: SpatialArg, opts: MaxPoolLayerOptions = {}) { super(1, kernelSize, opts); }
}

/** @example new nn.MaxPool2d(2) // [N, 6, 28, 28] → [N, 6, 14, 14] */
export class MaxPool2d extends MaxPoolNd {
  constructor(kernelSize: SpatialArg, opts: MaxPoolLayerOptions = {}) { super(2, kernelSize, opts); }
}

/** @example new nn.MaxPool3d(2) // [N, C, 16, 32, 32] → [N, C, 8, 16, 16] */
export class MaxPool3d extends MaxPoolNd {
  constructor(kernelSize: SpatialArg, opts: MaxPoolLayerOptions = {}) { super(3, kernelSize, opts); }
}

/** Average pooling over 1, 2 or 3 spatial dims. */
export class AvgPoolNd extends Module {
  readonly stride: SpatialArg | null;
  readonly padding: SpatialArg;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(
    readonly nd: 1 | 2 | 3, readonly kernelSize: SpatialArg,
    { stride = null, padding = 0, ceilMode = false, countIncludePad = true }: AvgPoolLayerOptions = {},
  ) {
    super();
    spatialArg(kernelSize, nd, new.target.name, 'kernelSize', 1);
    this.stride = stride;
    this.padding = padding;
    this.ceilMode = ceilMode;
    this.countIncludePad = countIncludePad;
  }

  override forward(x: Tensor): Tensor {
    const { kernelSize, stride, padding, ceilMode, countIncludePad } = this;
    return avgFns[this.nd](x, { kernelSize, stride, padding, ceilMode, countIncludePad });
  }

  override extraRepr(): string {
    return `kernelSize=${fmt(this.kernelSize)}, stride=${fmt(this.stride ?? this.kernelSize)}, ` +
      `padding=${fmt(this.padding)}, ceilMode=${this.ceilMode}, countIncludePad=${this.countIncludePad}`;
  }
}

/** @example new nn.AvgPool1d(4) // [N, C, 100] → [N, C, 25] */
export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: SpatialArg, opts: AvgPoolLayerOptions = {}) { super(1, kernelSize, opts); }
}

/** @example new nn.AvgPool2d(2) // [N, C, 28, 28] → [N, C, 14, 14] */
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: SpatialArg, opts: AvgPoolLayerOptions = {}) { super(2, kernelSize, opts); }
}

/** @example new nn.AvgPool3d(2) // [N, C, 16, 32, 32] → [N, C, 8, 16, 16] */
export class AvgPool3d extends AvgPoolNd {
  constructor(kernelSize: SpatialArg, opts: AvgPoolLayerOptions = {}) { super(3, kernelSize, opts); }
}

/**
 * Average pooling to a fixed output size whatever the input size (null keeps that dim).
 * @example new nn.AdaptiveAvgPool2d([7, 7]) // [N, 512, 13, 13] → [N, 512, 7, 7]
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | readonly (number | null)[]) { super(); }

  override forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `outputSize=${JSON.stringify(this.outputSize)}`;
  }
}
