// Regenerates data/fashion-mnist-subset/: a class-balanced subset of Fashion-MNIST, the first 600
// training and the first 100 test images of each class in file order (6,000 + 1,000), as
// gzipped IDX files with the official names. Usage: npx tsx scripts/make-fashion-subset.ts [srcDir]
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { balancedSubset, encodeIdx } from '../src/index.js';
import { loadIdxDataset } from '../src/data/node-datasets.js';
import { SYSTEM_FASHION_MNIST_DIR } from '../src/data/node-fashion-mnist.js';

const src = process.argv[2] ?? SYSTEM_FASHION_MNIST_DIR;
const out = join(import.meta.dirname, '..', 'data', 'fashion-mnist-subset');
mkdirSync(out, { recursive: true });
for (const [prefix, perClass] of [['train', 600], ['t10k', 100]] as const) {
  const full = loadIdxDataset(join(src, `${prefix}-images-idx3-ubyte.gz`), join(src, `${prefix}-labels-idx1-ubyte.gz`));
  const sub = balancedSubset(full, perClass);
  // Values were bytes / 255; round back to the exact original bytes.
  const pixels = Uint8Array.from(sub.data, (v) => Math.round(v * 255));
  const labels = Uint8Array.from(sub.labels);
  const gz = (b: Uint8Array) => gzipSync(b, { level: 9 });
  writeFileSync(join(out, `${prefix}-images-idx3-ubyte.gz`), gz(encodeIdx(pixels, [sub.length, 28, 28])));
  writeFileSync(join(out, `${prefix}-labels-idx1-ubyte.gz`), gz(encodeIdx(labels, [sub.length])));
  console.log(`${prefix}: ${sub.length} images, per class ${sub.classCounts().join(' ')}`);
}
