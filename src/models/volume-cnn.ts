// A 3D CNN for volumes [N, C, D, H, W] (CT/MRI crops, video clips): three conv–batch-norm–ReLU
// blocks with 3×3×3 kernels, max pooling between them, global average pooling, one dense layer.
import * as nn from '../nn/index.js';
import type { Tensor } from '../ops/tensor.js';
import { GlobalAvgPool } from './global-pool.js';
import { classesOpt, named, type ModelOptions } from './options.js';

export interface VolumeCnnOptions extends ModelOptions {
  /** Channels of the first block; the next two have 2× and 4× (default 8). */
  width?: number;
}

export class VolumeCNN extends nn.Module {
  features: nn.Sequential;
  pool = new GlobalAvgPool();
  fc: nn.Linear;

  constructor({ numClasses = 2, inChannels = 1, width = 8 }: VolumeCnnOptions = {}) {
    super();
    classesOpt('volumeCnn', numClasses, inChannels);
    const block = (i: number, o: number): nn.Module[] =>
      [new nn.Conv3d(i, o, 3, { padding: 1, bias: false }), new nn.BatchNorm3d(o), new nn.ReLU()];
    this.features = new nn.Sequential(
      ...block(inChannels, width), new nn.MaxPool3d(2),
      ...block(width, 2 * width), new nn.MaxPool3d(2),
      ...block(2 * width, 4 * width),
    );
    this.fc = new nn.Linear(4 * width, numClasses);
  }

  override forward(x: Tensor): Tensor {
    return this.fc.forward(this.pool.forward(this.features.forward(x)));
  }
}

/**
 * 3D CNN for volumes [N, inChannels, D, H, W] (native size 16×16×16): 17,674 parameters with the
 * defaults (2 classes, 1 channel, width 8).
 * @example const net = models.volumeCnn({ numClasses: 3 }); net.forward(randn([2, 1, 16, 16, 16])); // [2, 3]
 */
export function volumeCnn(opts: VolumeCnnOptions = {}): VolumeCNN {
  return named(new VolumeCNN(opts), 'volumeCnn', opts);
}
