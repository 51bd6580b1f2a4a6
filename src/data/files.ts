// Browser-safe doors to the Node-only readers: each loads its node-*.ts module on first call,
// so importing the package never pulls node:fs or node:zlib into a browser bundle.
import type { CsvOptions } from './csv.js';
import type { ArrayDataset } from './dataset.js';
import type { FashionMnistOptions } from './node-fashion-mnist.js';
import type { ImageFolderOptions } from './node-image-folder.js';

/**
 * Fashion-MNIST: the embedded 6,000 + 1,000 subset by default, the full set with
 * `{ source: 'full' }` or `{ dataDir }` (see node-fashion-mnist.ts for the search order).
 * @example const train = await loadFashionMnist({ split: 'train' });
 */
export async function loadFashionMnist(opts: FashionMnistOptions = {}): Promise<ArrayDataset> {
  return (await import('./node-fashion-mnist.js')).loadFashionMnist(opts);
}

/**
 * An MNIST-style pair of IDX files (raw or .gz).
 * @example const ds = await loadIdx('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz');
 */
export async function loadIdx(imagesPath: string, labelsPath: string, classNames?: readonly string[]): Promise<ArrayDataset> {
  return (await import('./node-datasets.js')).loadIdxDataset(imagesPath, labelsPath, classNames);
}

/**
 * CIFAR-10 binary batches from a directory.
 * @example const test = await loadCifar10('cifar-10-batches-bin', { train: false });
 */
export async function loadCifar10(dir: string, opts: { train?: boolean } = {}): Promise<ArrayDataset> {
  return (await import('./node-datasets.js')).loadCifar10(dir, opts);
}

/**
 * PNG/JPEG images in one sub-folder per class.
 * @example const ds = await loadImageFolder('photos', { channels: 3 });
 */
export async function loadImageFolder(root: string, opts: ImageFolderOptions = {}): Promise<ArrayDataset> {
  return (await import('./node-image-folder.js')).loadImageFolder(root, opts);
}

/**
 * A CSV of 1D signals: a label column and the values.
 * @example const ds = await loadSignalCsv('signals.csv', { labelColumn: 0 });
 */
export async function loadSignalCsv(path: string, opts: CsvOptions = {}): Promise<ArrayDataset> {
  return (await import('./node-datasets.js')).loadSignalCsv(path, opts);
}
