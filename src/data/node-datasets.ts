// Node-only file access for the pure parsers in this folder: IDX (raw or .gz), CIFAR-10 binary
// batches and signal CSV. Browsers import the parsers and bring their own bytes.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { FormatError } from '../tensor/errors.js';
import { checkLimit } from '../tensor/limits.js';
import { parseCifar10 } from './cifar.js';
import { parseSignalCsv, type CsvOptions } from './csv.js';
import type { ArrayDataset } from './dataset.js';
import { idxDataset, idxHeader, parseIdx, type IdxArray } from './idx.js';

function readBytes(path: string, what: string): Uint8Array {
  if (!existsSync(path)) throw new Error(`${what}: file not found: ${path}`);
  return new Uint8Array(readFileSync(path));
}

const isGzip = (b: Uint8Array): boolean => b[0] === 0x1f && b[1] === 0x8b;

/**
 * Inflates gzip bytes, refusing to produce more than `max` bytes (the inflater stops there, so a
 * decompression bomb costs at most `max`); `tooLarge` says why when it does.
 */
function gunzipBounded(raw: Uint8Array, path: string, max: number, tooLarge: () => Error): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(raw, { maxOutputLength: Math.max(1, max) }));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
    throw new FormatError(path, `${path}: corrupt or truncated gzip data (${(e as Error).message})`);
  }
}

/** The first bytes a gzip stream inflates to (at most `max`), even from a truncated stream. */
function gunzipPrefix(raw: Uint8Array, max: number): Uint8Array {
  try {
    // 2 KiB of deflate inflate to at most ~2 MiB (ratio ≤ 1032), under the 4 MiB cap.
    const out = gunzipSync(raw.subarray(0, Math.min(raw.length, 2048)), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 4 << 20 });
    return new Uint8Array(out.subarray(0, max));
  } catch {
    return new Uint8Array(0);
  }
}

/**
 * Parses one IDX file's bytes, raw or gzipped (by its magic bytes, not its name). A gzipped file's
 * header is inflated first, so the length it declares is checked against maxDecompressedBytes, and
 * the inflater is stopped at that length, before the data is inflated.
 */
export function decodeIdxFile(raw: Uint8Array, path: string): IdxArray {
  if (!isGzip(raw)) return parseIdx(raw, path);
  const head = gunzipPrefix(raw, 4 + 4 * 255);
  const { shape, length } = idxHeader(head, path);
  checkLimit('maxDecompressedBytes', length, `IDX ${path}: the inflated size its header [${shape.join(', ')}] declares`);
  const bytes = gunzipBounded(raw, path, length, () =>
    new FormatError(path, `IDX ${path}: inflates to more than the ${length} bytes its header [${shape.join(', ')}] declares`));
  return parseIdx(bytes, path);
}

/**
 * Reads one IDX file, raw or gzipped.
 * @example const labels = readIdxFile('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz');
 */
export function readIdxFile(path: string): IdxArray {
  return decodeIdxFile(readBytes(path, 'IDX'), path);
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
