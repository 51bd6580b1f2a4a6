// A 1D CNN for time series classification: three conv–batch-norm–ReLU blocks over [N, C, L]
// (the first two followed by max pooling), global average pooling, one dense layer. Global
// pooling makes it independent of the signal length, so one model fits any L ≥ 4.
import * as nn from '../nn/index.js';
import type { Tensor } from '../ops/tensor.js';
import { GlobalAvgPool } from './global-pool.js';
import { classesOpt, named, type ModelOptions } from './options.js';

export interface SignalCnnOptions extends ModelOptions {
  /** Channels of the first block; the next two have 2× and 4× (default 16). */
  width?: number;
}

export class SignalCNN extends nn.Module {
  features: nn.Sequential;
  pool = new GlobalAvgPool();
  fc: nn.Linear;

  constructor({ numClasses = 4, inChannels = 1, width = 16 }: SignalCnnOptions = {}) {
    super();
    classesOpt('signalCnn', numClasses, inChannels);
    const block = (i: number, o: number, k: number): nn.Module[] =>
      [new nn.Conv1d(i, o, k, { padding: (k - 1) / 2, bias: false }), new nn.BatchNorm1d(o), new nn.ReLU()];
    this.features = new nn.Sequential(
      ...block(inChannels, width, 7), new nn.MaxPool1d(2),
      ...block(width, 2 * width, 5), new nn.MaxPool1d(2),
      ...block(2 * width, 4 * width, 3),
    );
    this.fc = new nn.Linear(4 * width, numClasses);
  }

  override forward(x: Tensor): Tensor {
    return this.fc.forward(this.pool.forward(this.features.forward(x)));
  }
}

/**
 * 1D CNN for signals [N, inChannels, L] (native length 128): 9,300 parameters with the defaults
 * (4 classes, 1 channel, width 16).
 * @example const net = models.signalCnn({ numClasses: 4 }); net.forward(randn([8, 1, 128])); // [8, 4]
 */
export function signalCnn(opts: SignalCnnOptions = {}): SignalCNN {
  return named(new SignalCNN(opts), 'signalCnn', opts);
}
