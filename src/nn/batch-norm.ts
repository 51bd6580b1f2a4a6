// BatchNorm1d/2d/3d: learnable per-channel scale and shift, running statistics as buffers,
// with PyTorch's names (running_mean, running_var, num_batches_tracked) and update rules.
import { batchNorm, batchNormRelu, type BatchNormOptions as OpOptions } from '../ops/batch-norm.js';
import { full } from '../ops/creation.js';
import { addInPlace } from '../ops/elementwise.js';
import type { Tensor } from '../ops/tensor.js';
import { isTracing } from '../ops/trace.js';
import type { ReLU } from './activation.js';
import { shapeStr } from '../tensor/shape.js';
import { checkInt } from './check.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

export interface BatchNormOptions {
  eps?: number;
  /** Weight of each new batch in the running statistics; null = cumulative average over all batches. */
  momentum?: number | null;
  /** Learnable weight (init 1) and bias (init 0). */
  affine?: boolean;
  /** Keep running statistics for evaluation; without them evaluation also uses batch statistics. */
  trackRunningStats?: boolean;
}

/** The shared implementation; the subclasses differ only in the input ranks they accept. */
export abstract class BatchNormNd extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  protected abstract readonly ranks: readonly number[];
  protected abstract readonly layout: string;

  constructor(numFeatures: number, { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true }: BatchNormOptions = {}) {
    super();
    const name = new.target.name;
    this.numFeatures = checkInt(name, 'numFeatures', numFeatures);
    if (!(eps > 0)) throw new Error(`${name}: eps must be positive, got ${eps}`);
    if (momentum !== null && !(momentum >= 0 && momentum <= 1)) throw new Error(`${name}: momentum must be in [0, 1] or null, got ${momentum}`);
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    this.weight = affine ? new Parameter(full([numFeatures], 1)) : null;
    this.bias = affine ? new Parameter(full([numFeatures], 0)) : null;
    this.registerBuffer('running_mean', trackRunningStats ? full([numFeatures], 0) : null);
    this.registerBuffer('running_var', trackRunningStats ? full([numFeatures], 1) : null);
    // A 0-d count (int64 in PyTorch's files); float32 counts exactly up to 2²⁴ batches.
    this.registerBuffer('num_batches_tracked', trackRunningStats ? full([], 0) : null);
  }

  get runningMean(): Tensor | null { return this.getBuffer('running_mean'); }
  get runningVar(): Tensor | null { return this.getBuffer('running_var'); }
  get numBatchesTracked(): number { return this.getBuffer('num_batches_tracked')?.data[0] ?? 0; }

  /** Running mean 0, running variance 1, count 0. */
  resetRunningStats(): void {
    // In place on any device: fresh values made on the buffer's device take over its storage.
    const reset = (t: Tensor | null | undefined, v: number) => {
      if (t) t.replaceStorage(full(t.shape, v, { device: t.device }).storage);
    };
    reset(this.runningMean, 0);
    reset(this.runningVar, 1);
    reset(this.getBuffer('num_batches_tracked'), 0);
  }

  resetParameters(): void {
    this.resetRunningStats();
    this.weight?.data.fill(1);
    this.bias?.data.fill(0);
  }

  override forward(x: Tensor): Tensor {
    return batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, this.step(x));
  }

  /**
   * `relu.forward(this.forward(x).add(residual))` (no add when residual is null): a ResNet block's
   * bn→relu and bn→add→relu, run as one fused op (F.batchNormRelu) that reads and writes the
   * activations once instead of three times, forward and backward. The modules stay PyTorch's
   * BatchNorm2d and ReLU, so state dicts are unchanged; where either module's forward is wrapped
   * (summary(), exportOnnx and user hooks assign their own) or a trace runs, the two forwards run
   * as written, so whatever wraps them sees each layer.
   */
  forwardRelu(x: Tensor, relu: ReLU, residual: Tensor | null = null): Tensor {
    if (Object.hasOwn(this, 'forward') || Object.hasOwn(relu, 'forward') || isTracing()) {
      const y = this.forward(x);
      return relu.forward(residual ? y.add(residual) : y);
    }
    return batchNormRelu(x, this.runningMean, this.runningVar, this.weight, this.bias, residual, this.step(x));
  }

  // Checks x, counts a training batch, and returns the op's options for this call.
  private step(x: Tensor): OpOptions {
    const name = this.constructor.name;
    if (!this.ranks.includes(x.ndim)) {
      throw new Error(`${name}: expected ${this.ranks.map((r) => `${r}D`).join(' or ')} input ${this.layout}, got ${shapeStr(x.shape)}`);
    }
    if (x.shape[1] !== this.numFeatures) {
      throw new Error(`${name}(${this.numFeatures}): input ${shapeStr(x.shape)} has ${x.shape[1]} channels (dim 1), expected ${this.numFeatures}`);
    }
    // PyTorch's rule: each training batch counts; with momentum null the blend factor 1/count
    // makes the running statistics the plain average of all batches so far.
    let factor = this.momentum ?? 0;
    const count = this.getBuffer('num_batches_tracked');
    if (this.training && count) {
      if (count.device === 'cpu') {
        count.data[0] = count.data[0]! + 1;
        if (this.momentum === null) factor = 1 / count.data[0]!;
      } else {
        // On a GPU the count is incremented there, never read back (that would wait for the GPU).
        if (this.momentum === null) {
          throw new Error(`${name}: momentum null (the cumulative average, which reads the batch count) needs the CPU; got input on '${count.device}'`);
        }
        addInPlace(count, full([], 1, { device: count.device }));
      }
    }
    return { training: this.training || !this.trackRunningStats, momentum: factor, eps: this.eps };
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, ` +
      `trackRunningStats=${this.trackRunningStats}`;
  }
}

/**
 * Batch normalisation of (N, C) or (N, C, L) input over N (and L).
 * @example const bn = new nn.BatchNorm1d(64); bn.forward(x) // x: [N, 64]
 */
export class BatchNorm1d extends BatchNormNd {
  protected readonly ranks = [2, 3];
  protected readonly layout = '(N, C) or (N, C, L)';
}

/**
 * Batch normalisation of (N, C, H, W) input per channel.
 * @example new nn.Sequential(new nn.Conv2d(3, 16, 3), new nn.BatchNorm2d(16), new nn.ReLU())
 */
export class BatchNorm2d extends BatchNormNd {
  protected readonly ranks = [4];
  protected readonly layout = '(N, C, H, W)';
}

/** Batch normalisation of (N, C, D, H, W) input per channel. */
export class BatchNorm3d extends BatchNormNd {
  protected readonly ranks = [5];
  protected readonly layout = '(N, C, D, H, W)';
}
