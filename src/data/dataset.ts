// In-memory labelled datasets: one float32 buffer of samples and one label per sample. Every
// reader in this folder (IDX, CIFAR-10, image folders, CSV) returns this one type, so loaders,
// transforms and fit never care where the data came from.
import { Rng } from '../tensor/rng.js';
import { shapeStr, sizeOf } from '../tensor/shape.js';

/**
 * N labelled samples of one shape, e.g. Fashion-MNIST: sampleShape [1, 28, 28], values in [0, 1].
 * @example
 * const ds = new ArrayDataset(new Float32Array(2 * 3), [3], Int32Array.from([0, 1]), 2);
 * ds.sample(1); // Float32Array of 3 values
 */
export class ArrayDataset {
  readonly length: number;
  readonly sampleSize: number;

  constructor(
    /** Row-major samples, `length × sampleSize` values. */
    readonly data: Float32Array,
    /** Shape of one sample, e.g. [C, H, W] for images or [C, L] for signals. */
    readonly sampleShape: readonly number[],
    readonly labels: Int32Array,
    readonly numClasses: number,
    readonly classNames: readonly string[] = Array.from({ length: numClasses }, (_, i) => String(i)),
    /** Where the data came from, used in error messages and logs. */
    readonly source = 'array',
  ) {
    this.sampleSize = sizeOf(sampleShape);
    this.length = labels.length;
    if (data.length !== this.length * this.sampleSize) {
      throw new Error(`ArrayDataset (${source}): ${data.length} values for ${this.length} labels of shape ` +
        `${shapeStr(sampleShape)} (expected ${this.length * this.sampleSize})`);
    }
    if (!(numClasses >= 1) || !Number.isInteger(numClasses)) {
      throw new Error(`ArrayDataset (${source}): numClasses must be a positive integer, got ${numClasses}`);
    }
    for (let i = 0; i < labels.length; i++) {
      const y = labels[i]!;
      if (y < 0 || y >= numClasses) {
        throw new Error(`ArrayDataset (${source}): label ${i} is ${y}, expected a class index in [0, ${numClasses - 1}]`);
      }
    }
    if (classNames.length !== numClasses) {
      throw new Error(`ArrayDataset (${source}): ${classNames.length} class names for ${numClasses} classes`);
    }
  }

  /** A view of sample i's values (not a copy). */
  sample(i: number): Float32Array {
    if (!(i >= 0 && i < this.length)) throw new Error(`ArrayDataset (${this.source}): index ${i} out of range [0, ${this.length})`);
    return this.data.subarray(i * this.sampleSize, (i + 1) * this.sampleSize);
  }

  /** A new dataset of the given samples, in the given order (copies the values). */
  subset(indices: ArrayLike<number>): ArrayDataset {
    const n = indices.length;
    const data = new Float32Array(n * this.sampleSize);
    const labels = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const i = indices[k]!;
      data.set(this.sample(i), k * this.sampleSize);
      labels[k] = this.labels[i]!;
    }
    return new ArrayDataset(data, this.sampleShape, labels, this.numClasses, this.classNames, this.source);
  }

  /** The first `n` samples (or all if fewer). */
  take(n: number): ArrayDataset {
    return this.subset(Array.from({ length: Math.min(n, this.length) }, (_, i) => i));
  }

  /** Same samples, values mapped through `fn` (e.g. normalisation); labels unchanged. */
  map(fn: (values: Float32Array) => void): ArrayDataset {
    const data = this.data.slice();
    for (let i = 0; i < this.length; i++) fn(data.subarray(i * this.sampleSize, (i + 1) * this.sampleSize));
    return new ArrayDataset(data, this.sampleShape, this.labels, this.numClasses, this.classNames, this.source);
  }

  /** Samples per class. */
  classCounts(): number[] {
    const counts = new Array<number>(this.numClasses).fill(0);
    for (const y of this.labels) counts[y]!++;
    return counts;
  }
}

/**
 * Splits into [first, second] with `fraction` of the samples in the second (e.g. validation),
 * after a seeded shuffle; stratified so each class keeps its share.
 * @example const [train, val] = randomSplit(ds, 0.1, { seed: 1 });
 */
export function randomSplit(ds: ArrayDataset, fraction: number, { seed = 0 } = {}): [ArrayDataset, ArrayDataset] {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`randomSplit: fraction must be in (0, 1), got ${fraction}`);
  const rng = new Rng(seed);
  const byClass: number[][] = Array.from({ length: ds.numClasses }, () => []);
  for (let i = 0; i < ds.length; i++) byClass[ds.labels[i]!]!.push(i);
  const first: number[] = [];
  const second: number[] = [];
  for (const idx of byClass) {
    rng.shuffle(idx);
    const k = Math.round(idx.length * fraction);
    second.push(...idx.slice(0, k));
    first.push(...idx.slice(k));
  }
  first.sort((a, b) => a - b);
  second.sort((a, b) => a - b);
  return [ds.subset(first), ds.subset(second)];
}

/**
 * The first `perClass` samples of each class, in file order: a class-balanced subset.
 * @example const small = balancedSubset(train, 600); // 6,000 Fashion-MNIST images
 */
export function balancedSubset(ds: ArrayDataset, perClass: number): ArrayDataset {
  const taken = new Array<number>(ds.numClasses).fill(0);
  const keep: number[] = [];
  for (let i = 0; i < ds.length; i++) {
    const y = ds.labels[i]!;
    if (taken[y]! < perClass) {
      taken[y]!++;
      keep.push(i);
    }
  }
  const short = taken.findIndex((t) => t < perClass);
  if (short >= 0) {
    throw new Error(`balancedSubset (${ds.source}): class ${short} has only ${taken[short]} samples, asked for ${perClass}`);
  }
  return ds.subset(keep);
}
