// A fully convolutional classifier: no dense layers. Conv blocks, then a 1×1 convolution maps the
// features to one map per class, and global average pooling turns each map into that class's
// score — so the net takes images of any size, and the class maps show where it looked.
import * as nn from '../nn/index.js';
import type { Tensor } from '../ops/tensor.js';
import { GlobalAvgPool } from './global-pool.js';
import { classesOpt, named, type ModelOptions } from './options.js';

export interface FcnOptions extends ModelOptions {
  /** Channels of the first stage; the second has 2× (default 16). */
  width?: number;
}

export class FCN extends nn.Module {
  features: nn.Sequential;
  classifier: nn.Conv2d;
  pool = new GlobalAvgPool();

  constructor({ numClasses = 10, inChannels = 1, width = 16 }: FcnOptions = {}) {
    super();
    classesOpt('fcn', numClasses, inChannels);
    const block = (i: number, o: number): nn.Module[] =>
      [new nn.Conv2d(i, o, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(o), new nn.ReLU()];
    this.features = new nn.Sequential(
      ...block(inChannels, width), ...block(width, width), new nn.MaxPool2d(2),
      ...block(width, 2 * width), ...block(2 * width, 2 * width), new nn.MaxPool2d(2),
    );
    this.classifier = new nn.Conv2d(2 * width, numClasses, 1);
  }

  /** Per-class score maps [N, numClasses, H/4, W/4], before pooling. */
  classMaps(x: Tensor): Tensor {
    return this.classifier.forward(this.features.forward(x));
  }

  override forward(x: Tensor): Tensor {
    return this.pool.forward(this.classMaps(x));
  }
}

/**
 * Fully convolutional net with a global-average-pooling head (native input 28×28, any size ≥ 4
 * works): 16,794 parameters with the defaults (10 classes, 1 channel, width 16).
 * @example const net = models.fcn({ numClasses: 10 }); net.forward(randn([4, 1, 28, 28])); // [4, 10]
 */
export function fcn(opts: FcnOptions = {}): FCN {
  return named(new FCN(opts), 'fcn', opts);
}
