// Batches from a dataset: seeded shuffling (a fresh permutation per epoch, derived from the seed
// and the epoch number so a run is reproducible from any epoch), optional per-sample transforms,
// and dropLast as in PyTorch's DataLoader. A loader can report its position inside an epoch and
// continue from one (full checkpoints taken every N steps resume mid-epoch exactly).
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

/**
 * Where a loader stands: the epoch, how many of its batches were given out, and the augmentation
 * generator's state after them. The epoch's sample order is not stored: it derives from the
 * loader's seed and the epoch, which `check` records (with the sizes) to refuse another loader.
 */
export interface LoaderPosition {
  epoch: number;
  batch: number;
  /** The augmentation generator's state (Rng.getState) after `batch` batches; null at batch 0. */
  augmentation: number[] | null;
  check: { samples: number; batchSize: number; shuffle: boolean; seed: number; dropLast: boolean };
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
  /** The pass in progress: batches given out and the augmentation generator. */
  private cursor: { batch: number; aug: Rng } | null = null;
  /** Set by seek: where the next pass starts. */
  private startAt: { batch: number; augmentation: number[] } | null = null;

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

  /** The position now: inside a pass, after the batches it gave out; otherwise at the start of `epoch`. */
  position(): LoaderPosition {
    const check = { samples: this.dataset.length, batchSize: this.batchSize, shuffle: this.shuffle, seed: this.seed, dropLast: this.dropLast };
    if (!this.cursor || this.cursor.batch === 0) return { epoch: this.epoch, batch: 0, augmentation: null, check };
    return { epoch: this.epoch, batch: this.cursor.batch, augmentation: this.cursor.aug.getState(), check };
  }

  /** Makes the next pass continue from `p` (from position(), maybe of an earlier process); `what` names its source in errors. */
  seek(p: LoaderPosition, what = 'seek'): void {
    if (!(Number.isInteger(p.epoch) && p.epoch >= 0 && Number.isInteger(p.batch) && p.batch >= 0 && p.batch < this.length)) {
      throw new Error(`${what}: loader position epoch ${p.epoch}, batch ${p.batch} is not within an epoch of ${this.length} batches`);
    }
    if (p.batch > 0) {
      const mine = this.position().check;
      const differ = (Object.keys(mine) as (keyof typeof mine)[]).filter((k) => p.check?.[k] !== mine[k]);
      if (differ.length > 0) {
        throw new Error(`${what}: the position is inside an epoch of another loader (${differ.map((k) => `${k} ${p.check?.[k]}, now ${mine[k]}`).join('; ')}); ` +
          'the same data, batch size, seed and shuffling are needed to continue it');
      }
      if (!p.augmentation) throw new Error(`${what}: a position inside an epoch needs the augmentation generator's state`);
    }
    this.epoch = p.epoch;
    this.startAt = p.batch > 0 ? { batch: p.batch, augmentation: p.augmentation! } : null;
  }

  *[Symbol.iterator](): Iterator<Batch> {
    const epoch = this.epoch;
    const ds = this.dataset;
    const order = this.order(epoch);
    const aug = new Rng((this.seed ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0);
    const start = this.startAt?.batch ?? 0;
    if (this.startAt) aug.setState(this.startAt.augmentation);
    this.startAt = null;
    this.cursor = { batch: start, aug };
    try {
      for (let b = start; b < this.length; b++) {
        const indices = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, ds.length));
        const n = indices.length;
        const buf = new Float32Array(n * ds.sampleSize);
        const y = new Int32Array(n);
        for (let k = 0; k < n; k++) {
          const i = indices[k]!;
          const dst = buf.subarray(k * ds.sampleSize, (k + 1) * ds.sampleSize);
          dst.set(ds.sample(i));
          this.transform?.(dst, ds.sampleShape, aug);
          y[k] = ds.labels[i]!;
        }
        this.cursor.batch = b + 1;
        yield { x: tensor(buf, [n, ...ds.sampleShape]), y, indices: indices.slice() };
      }
      this.epoch = epoch + 1;
    } finally {
      // A pass left early (break) leaves the epoch as it was, to be run again from its start.
      this.cursor = null;
    }
  }
}
