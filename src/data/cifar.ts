// The CIFAR-10 binary format (https://www.cs.toronto.edu/~kriz/cifar.html): records of one label
// byte then 3,072 pixel bytes (1,024 red, 1,024 green, 1,024 blue, row-major 32×32), i.e.
// already channel-first. Pure parsing; reading the files is in node-datasets.ts.
import { ArrayDataset } from './dataset.js';

export const CIFAR10_CLASSES: readonly string[] = Object.freeze([
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
]);

const RECORD = 1 + 3 * 32 * 32;

/**
 * Parses one or more CIFAR-10 binary batches into a dataset of [3, 32, 32] samples in [0, 1].
 * @example const train = parseCifar10([{ name: 'data_batch_1.bin', bytes }]);
 */
export function parseCifar10(files: { name: string; bytes: Uint8Array }[]): ArrayDataset {
  let n = 0;
  for (const f of files) {
    if (f.bytes.length === 0 || f.bytes.length % RECORD !== 0) {
      throw new Error(`CIFAR-10 ${f.name}: ${f.bytes.length} bytes is not a whole number of ${RECORD}-byte records ` +
        '(1 label byte + 3×32×32 pixels); truncated or not a CIFAR-10 binary batch');
    }
    n += f.bytes.length / RECORD;
  }
  const data = new Float32Array(n * (RECORD - 1));
  const labels = new Int32Array(n);
  let k = 0;
  for (const f of files) {
    for (let r = 0; r < f.bytes.length / RECORD; r++, k++) {
      const o = r * RECORD;
      const y = f.bytes[o]!;
      if (y > 9) throw new Error(`CIFAR-10 ${f.name}: record ${r} has label ${y}, expected 0..9`);
      labels[k] = y;
      const px = f.bytes.subarray(o + 1, o + RECORD);
      const dst = k * (RECORD - 1);
      for (let i = 0; i < px.length; i++) data[dst + i] = px[i]! / 255;
    }
  }
  return new ArrayDataset(data, [3, 32, 32], labels, 10, CIFAR10_CLASSES, files.map((f) => f.name).join(', '));
}
