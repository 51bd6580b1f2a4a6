// The zoo: every factory of `models` by its name, with its default sizes and native input size.
// Model files store the factory's name and options (Module.architecture), so fromFile and the
// command line rebuild a saved model with ZOO[name].build(options).
import type { Module } from '../nn/module.js';
import { alexnet } from './alexnet.js';
import { fcn } from './fcn.js';
import { hyperspectralCnn } from './hyperspectral.js';
import { lenet5 } from './lenet5.js';
import { resnet20 } from './resnet-cifar.js';
import { resnet18, resnet34, resnet50 } from './resnet.js';
import { signalCnn } from './signal-cnn.js';
import { vgg11, vgg16 } from './vgg.js';
import { volumeCnn } from './volume-cnn.js';

export interface ZooEntry {
  build(opts: { numClasses?: number; inChannels?: number }): Module;
  numClasses: number;
  inChannels: number;
  /** Native spatial size of one sample (without batch and channels). */
  spatial: number[];
  description: string;
}

const imagenet = { numClasses: 1000, inChannels: 3, spatial: [224, 224] };

export const ZOO: Readonly<Record<string, ZooEntry>> = {
  lenet5: { build: lenet5, numClasses: 10, inChannels: 1, spatial: [28, 28], description: 'LeNet-5 for 28×28 images (61,706 parameters)' },
  alexnet: { build: alexnet, ...imagenet, description: 'AlexNet, torchvision layout (61.1 M parameters)' },
  vgg11: { build: vgg11, ...imagenet, description: 'VGG-11, torchvision layout (132.9 M parameters)' },
  vgg16: { build: vgg16, ...imagenet, description: 'VGG-16, torchvision layout (138.4 M parameters)' },
  resnet18: { build: resnet18, ...imagenet, description: 'ResNet-18, torchvision layout (11.7 M parameters)' },
  resnet34: { build: resnet34, ...imagenet, description: 'ResNet-34, torchvision layout (21.8 M parameters)' },
  resnet50: { build: resnet50, ...imagenet, description: 'ResNet-50, torchvision layout (25.6 M parameters)' },
  resnet20: { build: resnet20, numClasses: 10, inChannels: 3, spatial: [32, 32], description: 'ResNet-20 for 32×32 images, option-A shortcuts (0.27 M parameters)' },
  signalCnn: { build: signalCnn, numClasses: 4, inChannels: 1, spatial: [128], description: '1D CNN for signals [C, L]' },
  volumeCnn: { build: volumeCnn, numClasses: 2, inChannels: 1, spatial: [16, 16, 16], description: '3D CNN for volumes [C, D, H, W]' },
  hyperspectralCnn: { build: hyperspectralCnn, numClasses: 16, inChannels: 30, spatial: [9, 9], description: 'hyperspectral patches [bands, P, P]: 3D then 2D convolutions' },
  fcn: { build: fcn, numClasses: 10, inChannels: 1, spatial: [28, 28], description: 'fully convolutional, global-average-pooling head' },
};

const canonical = (s: string): string => s.replace(/[-_]/g, '').toLowerCase();

/** The zoo's name for `name` (case and dashes ignored: signal-cnn is signalCnn), or undefined. */
export function findZooName(name: string): string | undefined {
  return Object.keys(ZOO).find((k) => canonical(k) === canonical(name));
}

/** One line per zoo model: name and description. */
export function listModels(): string {
  const w = Math.max(...Object.keys(ZOO).map((k) => k.length));
  return Object.entries(ZOO).map(([k, e]) => `  ${k.padEnd(w)}  ${e.description}`).join('\n');
}
