// Public exports of src/data: datasets, parsers, loaders, transforms, and async file loaders
// whose Node-only code (node:fs, node:zlib, pngjs) is imported on first call.
export { ArrayDataset, randomSplit, balancedSubset } from './dataset.js';
export { parseIdx, encodeIdx, idxDataset, type IdxArray, type IdxPairOptions } from './idx.js';
export { parseCifar10, CIFAR10_CLASSES } from './cifar.js';
export { parseSignalCsv, type CsvOptions } from './csv.js';
export { FASHION_MNIST_CLASSES } from './fashion-classes.js';
export { DataLoader, type DataLoaderOptions, type Batch, type LoaderPosition } from './loader.js';
export {
  compose, normalize, channelStats, randomCrop, randomHorizontalFlip, gaussianNoise, type Transform,
} from './transforms.js';
export { loadFashionMnist, loadIdx, loadCifar10, loadImageFolder, loadSignalCsv } from './files.js';
export type { FashionMnistOptions, Split } from './node-fashion-mnist.js';
export type { ImageFolderOptions } from './node-image-folder.js';
