// The models the command line can build by name, with their native input sizes. Names are the
// factories' names in `models` (stored in model files, so `models[name](options)` rebuilds one);
// the CLI also accepts them in kebab-case (signal-cnn).
import * as models from '../models/index.js';
import type { Module } from '../nn/module.js';
import { UsageError } from './usage-error.js';

export interface ZooEntry {
  build(opts: { numClasses: number; inChannels: number }): Module;
  numClasses: number;
  inChannels: number;
  /** Native spatial size of one sample (without batch and channels). */
  spatial: number[];
  description: string;
}

const imagenet = { numClasses: 1000, inChannels: 3, spatial: [224, 224] };

export const ZOO: Readonly<Record<string, ZooEntry>> = {
  lenet5: { build: models.lenet5, numClasses: 10, inChannels: 1, spatial: [28, 28], description: 'LeNet-5 for 28×28 images (61,706 parameters)' },
  alexnet: { build: models.alexnet, ...imagenet, description: 'AlexNet, torchvision layout (61.1 M parameters)' },
  vgg11: { build: models.vgg11, ...imagenet, description: 'VGG-11, torchvision layout (132.9 M parameters)' },
  vgg16: { build: models.vgg16, ...imagenet, description: 'VGG-16, torchvision layout (138.4 M parameters)' },
  resnet18: { build: models.resnet18, ...imagenet, description: 'ResNet-18, torchvision layout (11.7 M parameters)' },
  resnet34: { build: models.resnet34, ...imagenet, description: 'ResNet-34, torchvision layout (21.8 M parameters)' },
  resnet50: { build: models.resnet50, ...imagenet, description: 'ResNet-50, torchvision layout (25.6 M parameters)' },
  resnet20: { build: models.resnet20, numClasses: 10, inChannels: 3, spatial: [32, 32], description: 'ResNet-20 for 32×32 images, option-A shortcuts (0.27 M parameters)' },
  signalCnn: { build: models.signalCnn, numClasses: 4, inChannels: 1, spatial: [128], description: '1D CNN for signals [C, L]' },
  volumeCnn: { build: models.volumeCnn, numClasses: 2, inChannels: 1, spatial: [16, 16, 16], description: '3D CNN for volumes [C, D, H, W]' },
  hyperspectralCnn: { build: models.hyperspectralCnn, numClasses: 16, inChannels: 30, spatial: [9, 9], description: 'hyperspectral patches [bands, P, P]: 3D then 2D convolutions' },
  fcn: { build: models.fcn, numClasses: 10, inChannels: 1, spatial: [28, 28], description: 'fully convolutional, global-average-pooling head' },
};

const canonical = (s: string): string => s.replace(/[-_]/g, '').toLowerCase();

/** The zoo's name for `name` (case and dashes ignored); a usage error listing the models otherwise. */
export function zooName(name: string): string {
  const found = Object.keys(ZOO).find((k) => canonical(k) === canonical(name));
  if (!found) throw new UsageError(`unknown model "${name}"; available: ${Object.keys(ZOO).join(', ')}`);
  return found;
}

export function listModels(): string {
  const w = Math.max(...Object.keys(ZOO).map((k) => k.length));
  return Object.entries(ZOO).map(([k, e]) => `  ${k.padEnd(w)}  ${e.description}`).join('\n');
}
