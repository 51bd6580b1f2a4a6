// Per-sample transforms: normalisation and augmentation against overfitting. Each works in place
// on one sample's values ([C, ...spatial], row-major) and draws randomness only from the `rng`
// it is given, so a seeded DataLoader reproduces the same augmented batches.
import type { Rng } from '../tensor/rng.js';
import { shapeStr } from '../tensor/shape.js';
import type { ArrayDataset } from './dataset.js';

export type Transform = (x: Float32Array, shape: readonly number[], rng: Rng) => void;

/** Applies transforms left to right. */
export function compose(...ts: Transform[]): Transform {
  return (x, shape, rng) => { for (const t of ts) t(x, shape, rng); };
}

function perChannel(values: number | readonly number[], channels: number, op: string): number[] {
  const v = typeof values === 'number' ? [values] : [...values];
  if (v.length === 1) return new Array<number>(channels).fill(v[0]!);
  if (v.length !== channels) throw new Error(`${op}: ${v.length} values for ${channels} channels`);
  return v;
}

/**
 * (x − mean) / std per channel, as torchvision's Normalize.
 * @example new DataLoader(ds, { transform: normalize(0.2860, 0.3530) })
 */
export function normalize(mean: number | readonly number[], std: number | readonly number[]): Transform {
  return (x, shape) => {
    const c = shape[0]!;
    const m = perChannel(mean, c, 'normalize');
    const s = perChannel(std, c, 'normalize');
    if (s.some((v) => !(v > 0))) throw new Error(`normalize: std must be positive, got [${s.join(', ')}]`);
    const plane = x.length / c;
    for (let ch = 0; ch < c; ch++) {
      const inv = 1 / s[ch]!;
      for (let i = ch * plane; i < (ch + 1) * plane; i++) x[i] = (x[i]! - m[ch]!) * inv;
    }
  };
}

/**
 * Per-channel mean and (population) standard deviation over a dataset, for `normalize`.
 * @example const { mean, std } = channelStats(train); // Fashion-MNIST ≈ 0.286, 0.353
 */
export function channelStats(ds: ArrayDataset): { mean: number[]; std: number[] } {
  const c = ds.sampleShape[0]!;
  const plane = ds.sampleSize / c;
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let i = 0; i < ds.length; i++) {
    const x = ds.sample(i);
    for (let ch = 0; ch < c; ch++) {
      for (let j = ch * plane; j < (ch + 1) * plane; j++) { sum[ch]! += x[j]!; sq[ch]! += x[j]! * x[j]!; }
    }
  }
  const n = ds.length * plane;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sq, (s, ch) => Math.sqrt(Math.max(s / n - mean[ch]! ** 2, 0)));
  return { mean, std };
}

function spatial(shape: readonly number[], op: string): [number, number, number] {
  if (shape.length !== 3) throw new Error(`${op}: needs image samples [C, H, W], got ${shapeStr(shape)}`);
  return shape as unknown as [number, number, number];
}

/**
 * Pads each side by `padding` (with `fill`) and crops back to the original size at a random
 * offset: torchvision's RandomCrop(size, padding) for same-size output.
 * @example randomCrop({ padding: 4 }) // CIFAR's classic augmentation
 */
export function randomCrop({ padding, fill = 0 }: { padding: number; fill?: number }): Transform {
  if (!(Number.isInteger(padding) && padding >= 0)) throw new Error(`randomCrop: padding must be a non-negative integer, got ${padding}`);
  return (x, shape, rng) => {
    const [c, h, w] = spatial(shape, 'randomCrop');
    const dy = rng.int(2 * padding + 1) - padding;
    const dx = rng.int(2 * padding + 1) - padding;
    if (dy === 0 && dx === 0) return;
    const src = x.slice();
    for (let ch = 0; ch < c; ch++) {
      const o = ch * h * w;
      for (let i = 0; i < h; i++) {
        const si = i + dy;
        for (let j = 0; j < w; j++) {
          const sj = j + dx;
          x[o + i * w + j] = si >= 0 && si < h && sj >= 0 && sj < w ? src[o + si * w + sj]! : fill;
        }
      }
    }
  };
}

/**
 * Mirrors the image left-right with probability p.
 * @example randomHorizontalFlip(0.5)
 */
export function randomHorizontalFlip(p = 0.5): Transform {
  return (x, shape, rng) => {
    const [c, h, w] = spatial(shape, 'randomHorizontalFlip');
    if (rng.uniform() >= p) return;
    for (let r = 0; r < c * h; r++) {
      const o = r * w;
      for (let j = 0; j < w >> 1; j++) {
        const t = x[o + j]!;
        x[o + j] = x[o + w - 1 - j]!;
        x[o + w - 1 - j] = t;
      }
    }
  };
}

/**
 * Adds N(0, std²) noise to every value (works for images and signals).
 * @example gaussianNoise(0.05)
 */
export function gaussianNoise(std: number): Transform {
  if (!(std >= 0)) throw new Error(`gaussianNoise: std must be non-negative, got ${std}`);
  return (x, _shape, rng) => { for (let i = 0; i < x.length; i++) x[i] = x[i]! + std * rng.normal(); };
}
