// Public exports of src/image: codecs glue and the classic kernels.
export { decodeImage, encodePng, readImage, writePng, sniffFormat, toGray, toRgb, imageToTensor, tensorToImage, resizeImage } from './codec.js';
export type { RawImage, ImageFormat } from './codec.js';
export { IMAGE_KERNELS, parseKernel, readKernelFile, checkKernel } from './kernels.js';
export type { Kernel2d } from './kernels.js';
export { filterTensor, filterImage, filterPadding } from './filter.js';
export type { FilterOptions, BorderMode } from './filter.js';
