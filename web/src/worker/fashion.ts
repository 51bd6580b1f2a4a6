// The embedded Fashion-MNIST subset (data/fashion-mnist-subset/, shipped with the page as static
// files): 6,000 training images, split 5,000 / 1,000 into training and validation, and 1,000 test
// images for the confusion matrix.
import trainImages from '../../../data/fashion-mnist-subset/train-images-idx3-ubyte.gz?url';
import trainLabels from '../../../data/fashion-mnist-subset/train-labels-idx1-ubyte.gz?url';
import testImages from '../../../data/fashion-mnist-subset/t10k-images-idx3-ubyte.gz?url';
import testLabels from '../../../data/fashion-mnist-subset/t10k-labels-idx1-ubyte.gz?url';
import { ArrayDataset, FASHION_MNIST_CLASSES, idxDataset, parseIdx, randomSplit } from '../../../src/index.js';

export interface FashionData { train: ArrayDataset; val: ArrayDataset; test: ArrayDataset }

async function idx(url: string, name: string) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Fashion-MNIST: could not fetch ${name} (HTTP ${res.status})`);
  let bytes = new Uint8Array(await res.arrayBuffer());
  // A host may already have undone the gzip (Content-Encoding); only gunzip what still is gzip.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    bytes = new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  }
  return parseIdx(bytes, name);
}

let cached: Promise<FashionData> | null = null;

export function fashionData(): Promise<FashionData> {
  cached ??= (async () => {
    const pair = async (images: string, labels: string, name: string) =>
      idxDataset(await idx(images, `${name}-images`), await idx(labels, `${name}-labels`), { classNames: FASHION_MNIST_CLASSES, imagesName: name });
    const [all, test] = await Promise.all([pair(trainImages, trainLabels, 'train'), pair(testImages, testLabels, 't10k')]);
    const [train, val] = randomSplit(all, 1 / 6, { seed: 0 });
    return { train, val, test };
  })();
  cached.catch(() => { cached = null; });
  return cached;
}
