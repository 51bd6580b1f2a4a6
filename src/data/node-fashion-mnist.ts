// Where Fashion-MNIST comes from, in order: the embedded class-balanced subset committed in
// data/fashion-mnist-subset/ (the default), or the full set from an explicit directory, from
// /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist), from the download cache,
// or downloaded from the dataset's official address with an MD5 check. Node-only.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArrayDataset } from './dataset.js';
import { FASHION_MNIST_CLASSES } from './fashion-classes.js';
import { loadIdxDataset } from './node-datasets.js';

export const FASHION_MNIST_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';

/** MD5 of the official gzipped files (the same values torchvision checks). */
export const FASHION_MNIST_MD5: Readonly<Record<string, string>> = Object.freeze({
  'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
  'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
  't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
  't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
});

export const SYSTEM_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export type Split = 'train' | 'test';

const files = (split: Split): [string, string] => split === 'train'
  ? ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']
  : ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

/** The committed subset's directory (src/data/ under tsx and dist/data/ once built sit at the same depth). */
export function embeddedFashionMnistDir(): string {
  const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../data/fashion-mnist-subset');
  if (!existsSync(join(dir, files('train')[0]))) throw new Error(`fashionMnist: the embedded subset was not found at ${dir}`);
  return dir;
}

export interface FashionMnistOptions {
  split?: Split;
  /** 'embedded' (default): the committed 6,000 + 1,000 subset; 'full': the 60,000 + 10,000 set. */
  source?: 'embedded' | 'full';
  /** A directory holding the four official .gz (or un-gzipped) files; implies 'full'. */
  dataDir?: string;
  /** Where downloads are kept. Default ~/.cache/striate/fashion-mnist. */
  cacheDir?: string;
  /** Allow downloading the full set when no local copy exists. Default true. */
  download?: boolean;
  /** Replaces the network fetch (tests, proxies). */
  fetchBytes?: (url: string) => Promise<Uint8Array>;
}

/**
 * Loads Fashion-MNIST as [1, 28, 28] images in [0, 1] with its ten class names.
 * @example const train = await loadFashionMnist({ split: 'train' }); // embedded, 6,000 images
 * @example const test = await loadFashionMnist({ split: 'test', source: 'full' });
 */
export async function loadFashionMnist(opts: FashionMnistOptions = {}): Promise<ArrayDataset> {
  const split = opts.split ?? 'train';
  const dir = await resolveFashionMnistDir(opts);
  const [img, lbl] = files(split).map((f) => findFile(dir, f)) as [string, string];
  return loadIdxDataset(img, lbl, FASHION_MNIST_CLASSES);
}

/** A file or its un-gzipped sibling. */
function findFile(dir: string, name: string): string {
  for (const n of [name, name.replace(/\.gz$/, '')]) if (existsSync(join(dir, n))) return join(dir, n);
  throw new Error(`fashionMnist: ${dir} has no ${name} (nor ${name.replace(/\.gz$/, '')})`);
}

const hasAll = (dir: string): boolean => [...files('train'), ...files('test')]
  .every((f) => existsSync(join(dir, f)) || existsSync(join(dir, f.replace(/\.gz$/, ''))));

/** The directory the options resolve to, downloading into the cache if that is the only way. */
export async function resolveFashionMnistDir(opts: FashionMnistOptions = {}): Promise<string> {
  if (opts.dataDir !== undefined) {
    if (!hasAll(opts.dataDir)) {
      throw new Error(`fashionMnist: --data-dir ${opts.dataDir} must hold ${Object.keys(FASHION_MNIST_MD5).join(', ')}`);
    }
    return opts.dataDir;
  }
  if ((opts.source ?? 'embedded') === 'embedded') return embeddedFashionMnistDir();
  if (hasAll(SYSTEM_FASHION_MNIST_DIR)) return SYSTEM_FASHION_MNIST_DIR;
  const cache = opts.cacheDir ?? join(homedir(), '.cache', 'striate', 'fashion-mnist');
  if (opts.download === false) {
    throw new Error(`fashionMnist: the full set is not in ${SYSTEM_FASHION_MNIST_DIR} nor in the cache ${cache}, ` +
      'and downloading is off; pass a data directory or install the Debian package dataset-fashion-mnist');
  }
  for (const [name, md5] of Object.entries(FASHION_MNIST_MD5)) {
    await fetchToCache(FASHION_MNIST_URL + name, join(cache, name), { md5 }, opts.fetchBytes);
  }
  return cache;
}

export interface Checksum { md5?: string; sha256?: string }

/** Throws naming the file when its bytes do not match the expected MD5/SHA-256. */
export function verifyChecksum(bytes: Uint8Array, expected: Checksum, name: string): void {
  for (const algo of ['md5', 'sha256'] as const) {
    const want = expected[algo];
    if (!want) continue;
    const got = createHash(algo).update(bytes).digest('hex');
    if (got !== want.toLowerCase()) {
      throw new Error(`checksum: ${name} has ${algo} ${got}, expected ${want} (corrupt or incomplete download)`);
    }
  }
}

async function defaultFetch(url: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new Error(`download: cannot reach ${url} (${cause}); no network? Use a local copy ` +
      `(--data-dir, or ${SYSTEM_FASHION_MNIST_DIR} from the Debian package dataset-fashion-mnist)`);
  }
  if (!res.ok) throw new Error(`download: ${url} answered HTTP ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * Returns `dest` once it holds the verified file: a cached copy whose checksum matches is used
 * as is; otherwise the URL is fetched, checked, written to a temporary name and renamed into
 * place, so an interrupted download never leaves a file that looks complete.
 * @example await fetchToCache(url, '/tmp/cache/x.gz', { md5: '...' });
 */
export async function fetchToCache(
  url: string, dest: string, checksum: Checksum, fetchBytes: (url: string) => Promise<Uint8Array> = defaultFetch,
): Promise<string> {
  if (existsSync(dest)) {
    try {
      verifyChecksum(new Uint8Array(readFileSync(dest)), checksum, dest);
      return dest;
    } catch {
      rmSync(dest, { force: true }); // a stale or corrupt cache entry: fetch again
    }
  }
  const bytes = await fetchBytes(url);
  verifyChecksum(bytes, checksum, url);
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, dest);
  return dest;
}
