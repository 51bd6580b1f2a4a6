// Public exports of src/models: one line per model file, so each file's owner can add theirs.
export { lenet5, LeNet5, type LeNet5Options } from './lenet5.js';
export { alexnet, AlexNet } from './alexnet.js';
export { vgg11, vgg16, VGG, type VggOptions } from './vgg.js';
export { resnet18, resnet34, resnet50, ResNet, BasicBlock, Bottleneck, PadShortcut, type BlockClass } from './resnet.js';
export { resnet20, CifarResNet } from './resnet-cifar.js';
export { signalCnn, SignalCNN, type SignalCnnOptions } from './signal-cnn.js';
export { volumeCnn, VolumeCNN, type VolumeCnnOptions } from './volume-cnn.js';
export { hyperspectralCnn, HyperspectralCNN, type HyperspectralOptions } from './hyperspectral.js';
export { fcn, FCN, type FcnOptions } from './fcn.js';
export { GlobalAvgPool } from './global-pool.js';
export type { ModelOptions } from './options.js';
export { ZOO, findZooName, listModels, type ZooEntry } from './zoo.js';
export { fromFile, isModelFile, type LoadedModel, type InputPrep } from './model-file.js';
