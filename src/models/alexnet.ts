// AlexNet in torchvision's layout (the single-GPU variant of Krizhevsky et al., 2012): five conv
// layers, three max pools, adaptive average pooling to 6×6, three dense layers with dropout.
import { classifyPooled, runFused } from '../nn/fused.js';
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

  // As a Sequential hands on its children's outputs (nn/private-activations.ts): the features'
  // output is freed once the pool has read it, the pool's once the classifier has read it (through
  // the flatten view). Left to the collections, each forward took their 72 KB from never-used
  // memory, whose first touch costs ~10 µs a 4 KiB page on this kind of VM (wasm/memory.ts).
  override forward(x: Tensor): Tensor {
    return classifyPooled(runFused([this.features, this.avgpool], x), this.avgpool, this.classifier);
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
