// `striate/image`: image files in and out, the classic kernels, and images as model inputs.
// A subpath of its own because the codecs use Node's file system and pngjs.
export { decodeImage, encodePng, readImage, writePng, sniffFormat, toGray, toRgb, imageToTensor, tensorToImage, resizeImage } from './codec.js';
export type { RawImage, ImageFormat } from './codec.js';
export { IMAGE_KERNELS, parseKernel, readKernelFile, checkKernel } from './kernels.js';
export type { Kernel2d } from './kernels.js';
export { filterTensor, filterImage, filterPadding } from './filter.js';
export type { FilterOptions, BorderMode } from './filter.js';
export { imageToInput } from './input.js';
export type { ImageInputOptions } from './input.js';
