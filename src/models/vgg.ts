// VGG (Simonyan & Zisserman, 2014) in torchvision's layout: stacks of 3×3 convolutions (padding 1)
// separated by 2×2 max pools, adaptive average pooling to 7×7, three dense layers with dropout.
import * as nn from '../nn/index.js';
import { classifyPooled, runFused } from '../nn/fused.js';
import { constant, kaimingNormal, normal } from '../nn/init.js';
import type { Tensor } from '../ops/tensor.js';
import { classesOpt, named, type ModelOptions } from './options.js';

/** Output channels per conv layer; 'M' is a 2×2 max pool. Configurations A (VGG-11) and D (VGG-16). */
const CONFIGS = {
  vgg11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
} as const satisfies Record<string, readonly (number | 'M')[]>;

export interface VggOptions extends ModelOptions {
  dropout?: number;
}

export class VGG extends nn.Module {
  features: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  classifier: nn.Sequential;

  constructor(config: readonly (number | 'M')[], { numClasses = 1000, inChannels = 3, dropout = 0.5 }: VggOptions = {}) {
    super();
    const layers: nn.Module[] = [];
    let c = inChannels;
    for (const v of config) {
      if (v === 'M') {
        layers.push(new nn.MaxPool2d(2, { stride: 2 }));
      } else {
        layers.push(new nn.Conv2d(c, v, 3, { padding: 1 }), new nn.ReLU());
        c = v;
      }
    }
    this.features = new nn.Sequential(...layers);
    this.avgpool = new nn.AdaptiveAvgPool2d(7);
    this.classifier = new nn.Sequential(
      new nn.Linear(512 * 7 * 7, 4096), new nn.ReLU(), new nn.Dropout(dropout),
      new nn.Linear(4096, 4096), new nn.ReLU(), new nn.Dropout(dropout),
      new nn.Linear(4096, numClasses),
    );
    // torchvision's VGG initialisation: convs Kaiming-normal (fan-out, ReLU), dense N(0, 0.01), biases 0.
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) kaimingNormal(m.weight, { mode: 'fanOut', nonlinearity: 'relu' });
      else if (m instanceof nn.Linear) normal(m.weight, 0, 0.01);
      if ((m instanceof nn.Conv2d || m instanceof nn.Linear) && m.bias) constant(m.bias, 0);
    }
  }

  // The features' output freed once the pool has read it, the pool's once the classifier has.
  override forward(x: Tensor): Tensor {
    return classifyPooled(runFused([this.features, this.avgpool], x), this.avgpool, this.classifier);
  }
}

/**
 * VGG-11 (configuration A) for 224×224 RGB images; 132,863,336 parameters with 1000 classes.
 * @example const net = models.vgg11({ numClasses: 10 });
 */
export function vgg11(opts: VggOptions = {}): VGG {
  classesOpt('vgg11', opts.numClasses ?? 1000, opts.inChannels ?? 3);
  return named(new VGG(CONFIGS.vgg11, opts), 'vgg11', opts);
}

/**
 * VGG-16 (configuration D) for 224×224 RGB images; 138,357,544 parameters with 1000 classes.
 * @example const net = models.vgg16({ numClasses: 10 });
 */
export function vgg16(opts: VggOptions = {}): VGG {
  classesOpt('vgg16', opts.numClasses ?? 1000, opts.inChannels ?? 3);
  return named(new VGG(CONFIGS.vgg16, opts), 'vgg16', opts);
}
