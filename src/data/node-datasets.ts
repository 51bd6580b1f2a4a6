// Node-only file access for the pure parsers in this folder: IDX (raw or .gz), CIFAR-10 binary
// batches and signal CSV. Browsers import the parsers and bring their own bytes.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseCifar10 } from './cifar.js';
import { parseSignalCsv, type CsvOptions } from './csv.js';
import type { ArrayDataset } from './dataset.js';
import { idxDataset, parseIdx, type IdxArray } from './idx.js';

function readBytes(path: string, what: string): Uint8Array {
  if (!existsSync(path)) throw new Error(`${what}: file not found: ${path}`);
  return new Uint8Array(readFileSync(path));
}

/** Bytes of a file, gunzipped when it is gzip (by its magic bytes, not its name). */
export function readMaybeGzip(path: string, what = 'read'): Uint8Array {
  const raw = readBytes(path, what);
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return new Uint8Array(gunzipSync(raw));
  } catch (e) {
    throw new Error(`${what} ${path}: corrupt or truncated gzip data (${(e as Error).message})`);
  }
}

/**
 * Reads one IDX file, raw or gzipped.
 * @example const labels = readIdxFile('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz');
 */
export function readIdxFile(path: string): IdxArray {
  return parseIdx(readMaybeGzip(path, 'IDX'), path);
}

/**
 * An MNIST-style images + labels pair of IDX files as a dataset of [1, H, W] samples in [0, 1].
 * @example const test = loadIdxDataset('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz');
 */
export function loadIdxDataset(imagesPath: string, labelsPath: string, classNames?: readonly string[]): ArrayDataset {
  return idxDataset(readIdxFile(imagesPath), readIdxFile(labelsPath), {
    imagesName: imagesPath, labelsName: labelsPath, ...(classNames ? { classNames } : {}),
  });
}

/**
 * CIFAR-10 from the directory of `cifar-10-batches-bin` (data_batch_1..5.bin, test_batch.bin).
 * @example const train = loadCifar10('data/cifar-10-batches-bin', { train: true });
 */
export function loadCifar10(dir: string, { train = true }: { train?: boolean } = {}): ArrayDataset {
  const names = train ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ['test_batch.bin'];
  const present = existsSync(dir) ? readdirSync(dir) : [];
  const missing = names.filter((n) => !present.includes(n));
  if (missing.length > 0) throw new Error(`CIFAR-10 ${dir}: missing ${missing.join(', ')}`);
  return parseCifar10(names.map((n) => ({ name: join(dir, n), bytes: readBytes(join(dir, n), 'CIFAR-10') })));
}

/**
 * A numeric CSV of 1D signals (label column + values) as a dataset of [channels, length].
 * @example const ecg = loadSignalCsv('ecg.csv', { labelColumn: -1 });
 */
export function loadSignalCsv(path: string, opts: CsvOptions = {}): ArrayDataset {
  return parseSignalCsv(new TextDecoder().decode(readBytes(path, 'CSV')), path, opts);
}
