// Batches from a dataset: seeded shuffling (a fresh permutation per epoch, derived from the seed
// and the epoch number so a run is reproducible from any epoch), optional per-sample transforms,
// and dropLast as in PyTorch's DataLoader.
import { tensor } from '../ops/creation.js';
import type { Tensor } from '../ops/tensor.js';
import { Rng } from '../tensor/rng.js';
import type { ArrayDataset } from './dataset.js';
import type { Transform } from './transforms.js';

export interface DataLoaderOptions {
  batchSize?: number;
  shuffle?: boolean;
  /** Seed of the shuffling and augmentation; the same seed gives the same batches. */
  seed?: number;
  dropLast?: boolean;
  transform?: Transform;
}

export interface Batch {
  /** Inputs, [B, ...sampleShape]. */
  x: Tensor;
  /** Class indices, length B. */
  y: Int32Array;
  /** The dataset indices of the batch's samples. */
  indices: Int32Array;
}

/**
 * Iterates a dataset in batches. Each `for…of` is one epoch; shuffling changes every epoch.
 * @example
 * const loader = new DataLoader(train, { batchSize: 64, shuffle: true, seed: 1 });
 * for (const { x, y } of loader) { const loss = F.crossEntropy(model.forward(x), y); ... }
 */
export class DataLoader implements Iterable<Batch> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly transform: Transform | undefined;
  /** The epoch the next iteration will use; advanced by each full pass, settable. */
  epoch = 0;

  constructor(readonly dataset: ArrayDataset, opts: DataLoaderOptions = {}) {
    this.batchSize = opts.batchSize ?? 32;
    this.shuffle = opts.shuffle ?? false;
    this.seed = opts.seed ?? 0;
    this.dropLast = opts.dropLast ?? false;
    this.transform = opts.transform;
    if (!(Number.isInteger(this.batchSize) && this.batchSize >= 1)) {
      throw new Error(`DataLoader: batchSize must be a positive integer, got ${opts.batchSize}`);
    }
    if (dataset.length === 0) throw new Error(`DataLoader: dataset ${dataset.source} is empty`);
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The sample order of an epoch. */
  order(epoch: number): Int32Array {
    const idx = Int32Array.from({ length: this.dataset.length }, (_, i) => i);
    // Golden-ratio step keeps the per-epoch seeds far apart for any user seed.
    if (this.shuffle) new Rng((this.seed + Math.imul(epoch + 1, 0x9e3779b1)) >>> 0).shuffle(idx);
    return idx;
  }

  *[Symbol.iterator](): Iterator<Batch> {
    const epoch = this.epoch;
    const ds = this.dataset;
    const order = this.order(epoch);
    const augRng = new Rng((this.seed ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0);
    for (let b = 0; b < this.length; b++) {
      const indices = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, ds.length));
      const n = indices.length;
      const buf = new Float32Array(n * ds.sampleSize);
      const y = new Int32Array(n);
      for (let k = 0; k < n; k++) {
        const i = indices[k]!;
        const dst = buf.subarray(k * ds.sampleSize, (k + 1) * ds.sampleSize);
        dst.set(ds.sample(i));
        this.transform?.(dst, ds.sampleShape, augRng);
        y[k] = ds.labels[i]!;
      }
      yield { x: tensor(buf, [n, ...ds.sampleShape]), y, indices: indices.slice() };
    }
    this.epoch = epoch + 1;
  }
}
