// Public exports of src/nn: the `nn` namespace of API.md.
export { Module, type StateDict, type LoadStateDictOptions, type LoadStateDictResult, type ModelArchitecture } from './module.js';
export { Parameter } from './parameter.js';
export * as init from './init.js';
export { Linear } from './linear.js';
export { ConvNd, Conv1d, Conv2d, Conv3d, type ConvLayerOptions } from './conv.js';
export {
  ConvTransposeNd, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, type ConvTransposeLayerOptions,
} from './conv-transpose.js';
export {
  MaxPoolNd, MaxPool1d, MaxPool2d, MaxPool3d, AvgPoolNd, AvgPool1d, AvgPool2d, AvgPool3d, AdaptiveAvgPool2d,
  type MaxPoolLayerOptions, type AvgPoolLayerOptions,
} from './pool.js';
export { BatchNormNd, BatchNorm1d, BatchNorm2d, BatchNorm3d, type BatchNormOptions } from './batch-norm.js';
export { ReLU, LeakyReLU, ELU, Sigmoid, Tanh, Softmax, LogSoftmax } from './activation.js';
export { Dropout, Flatten, Identity } from './utility.js';
export { Sequential, ModuleList } from './container.js';
export { recordForward, RecordedForward } from './recorded-forward.js';
