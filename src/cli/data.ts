// The datasets the command line can train and evaluate on, chosen by one --data argument:
// Fashion-MNIST (the embedded subset or the full set), a folder of class subfolders of images,
// or a CSV of signals. Everything is read through src/data's loaders.
import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { noGrad } from '../autograd/grad-mode.js';
import { ArrayDataset, balancedSubset } from '../data/dataset.js';
import { loadFashionMnist, loadImageFolder, loadSignalCsv } from '../data/files.js';
import { tensor } from '../ops/creation.js';
import * as F from '../ops/functional.js';
import { UsageError } from './args.js';

export const DATA_HELP = `Data (--data):
  fashion-mnist        the embedded Fashion-MNIST subset (6,000 train / 1,000 test images, 28×28)
  fashion-mnist-full   the full set (60,000 / 10,000) from /usr/share/datasets/fashion-mnist or the cache
  <folder>             an image folder: <folder>/<class>/<image>.png|jpg, all of one size
  <file.csv>           signals: one per row, the class index in the first column`;

export interface DataOptions {
  split: 'train' | 'test';
  /** Image folders: 1 (gray) or 3 (RGB). */
  channels?: 1 | 3;
  /** At most this many samples per class (the first ones in file order). */
  limit?: number;
  /** Zero pixels added on each side of every image (2 turns 28×28 into 32×32). */
  pad?: number;
}

/** One split of the dataset `spec` names (folders and CSV files have only one, used for both). */
export async function loadCliData(spec: string, opts: DataOptions): Promise<ArrayDataset> {
  let ds: ArrayDataset;
  if (spec === 'fashion-mnist' || spec === 'fashion-mnist-full') {
    ds = await loadFashionMnist({ split: opts.split, source: spec === 'fashion-mnist' ? 'embedded' : 'full', download: false });
  } else if (existsSync(spec) && statSync(spec).isDirectory()) {
    ds = await loadImageFolder(spec, { channels: opts.channels ?? 3 });
  } else if (extname(spec).toLowerCase() === '.csv') {
    if (!existsSync(spec)) throw new Error(`data file not found: ${spec}`);
    ds = await loadSignalCsv(spec);
  } else {
    throw new UsageError(`--data ${spec}: not fashion-mnist, fashion-mnist-full, an existing folder, or a .csv file`);
  }
  if (opts.limit !== undefined) {
    const fewest = Math.min(...ds.classCounts().filter((c) => c > 0));
    ds = balancedSubset(ds, Math.min(opts.limit, fewest));
  }
  if (opts.pad) ds = padImages(ds, opts.pad);
  return ds;
}

/** Every image [C, H, W] with `p` zero pixels added on each side, through F.pad. */
export function padImages(ds: ArrayDataset, p: number): ArrayDataset {
  if (ds.sampleShape.length !== 3) {
    throw new UsageError(`--pad applies to images [C, H, W]; ${ds.source} holds samples of shape [${ds.sampleShape.join(', ')}]`);
  }
  const [c, h, w] = ds.sampleShape as [number, number, number];
  const padded = noGrad(() => F.pad(tensor(ds.data, [ds.length, c, h, w]), [p, p, p, p]));
  return new ArrayDataset(padded.toArray(), [c, h + 2 * p, w + 2 * p], ds.labels, ds.numClasses, ds.classNames, ds.source);
}
