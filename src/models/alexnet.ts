// AlexNet in torchvision's layout (the single-GPU variant of Krizhevsky et al., 2012): five conv
// layers, three max pools, adaptive average pooling to 6×6, three dense layers with dropout.
import * as nn from '../nn/index.js';
import type { Tensor } from '../ops/tensor.js';
import { classesOpt, named, type ModelOptions } from './options.js';

export class AlexNet extends nn.Module {
  features: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  classifier: nn.Sequential;

  constructor({ numClasses = 1000, inChannels = 3, dropout = 0.5 }: ModelOptions & { dropout?: number } = {}) {
    super();
    classesOpt('alexnet', numClasses, inChannels);
    this.features = new nn.Sequential(
      new nn.Conv2d(inChannels, 64, 11, { stride: 4, padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(3, { stride: 2 }),
      new nn.Conv2d(64, 192, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(3, { stride: 2 }),
      new nn.Conv2d(192, 384, 3, { padding: 1 }), new nn.ReLU(),
      new nn.Conv2d(384, 256, 3, { padding: 1 }), new nn.ReLU(),
      new nn.Conv2d(256, 256, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(3, { stride: 2 }),
    );
    this.avgpool = new nn.AdaptiveAvgPool2d(6);
    this.classifier = new nn.Sequential(
      new nn.Dropout(dropout), new nn.Linear(256 * 6 * 6, 4096), new nn.ReLU(),
      new nn.Dropout(dropout), new nn.Linear(4096, 4096), new nn.ReLU(),
      new nn.Linear(4096, numClasses),
    );
  }

  override forward(x: Tensor): Tensor {
    return this.classifier.forward(this.avgpool.forward(this.features.forward(x)).flatten(1));
  }
}

/**
 * AlexNet for 224×224 RGB images; 61,100,840 parameters with 1000 classes, named as torchvision's
 * (`features.0.weight` … `classifier.6.bias`).
 * @example const net = models.alexnet({ numClasses: 10 }); net.forward(randn([1, 3, 224, 224]));
 */
export function alexnet(opts: ModelOptions & { dropout?: number } = {}): AlexNet {
  return named(new AlexNet(opts), 'alexnet', opts);
}
