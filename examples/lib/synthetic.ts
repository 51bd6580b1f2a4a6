// Generated datasets for the training examples: signals, a hyperspectral cube and volumes, each
// with classes a CNN can tell apart only by learning the right filters. Seeded: the same seed
// gives the same data.
import { ArrayDataset } from '../../src/index.js';
import { Rng } from '../../src/tensor/rng.js';

export const SIGNAL_CLASSES = ['sine', 'square', 'sawtooth', 'chirp'] as const;

/**
 * Noisy periodic signals [1, length], four classes: sine, square, sawtooth and a chirp whose
 * frequency doubles across the window. Frequency (2–5 cycles), phase and amplitude (0.6–1.4)
 * are random per sample; Gaussian noise of std `noise` is added.
 */
export function makeSignals({ count, length = 64, noise = 0.3, seed = 0 }: { count: number; length?: number; noise?: number; seed?: number }): ArrayDataset {
  const rng = new Rng(seed);
  const data = new Float32Array(count * length);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const cls = i % SIGNAL_CLASSES.length;
    const f = 2 + 3 * rng.uniform();
    const phase = rng.uniform();
    const amp = 0.6 + 0.8 * rng.uniform();
    for (let j = 0; j < length; j++) {
      const t = j / length;
      const cycles = cls === 3 ? f * (t + t * t / 2) : f * t; // chirp: instantaneous frequency f·(1 + t)
      const u = cycles + phase;
      const frac = u - Math.floor(u);
      const v = cls === 0 || cls === 3 ? Math.sin(2 * Math.PI * u) : cls === 1 ? (frac < 0.5 ? 1 : -1) : 2 * frac - 1;
      data[i * length + j] = amp * v + noise * rng.normal();
    }
    labels[i] = cls;
  }
  return new ArrayDataset(data, [1, length], labels, SIGNAL_CLASSES.length, [...SIGNAL_CLASSES], 'generated signals');
}

export interface Cube {
  /** [bands, height, width] reflectances. */
  cube: Float32Array;
  /** [height, width] class of each pixel. */
  labels: Int32Array;
  bands: number;
  height: number;
  width: number;
  classes: number;
}

/**
 * A hyperspectral scene: Voronoi regions of `classes` materials, each with its own spectrum (two
 * Gaussian absorption/reflection bumps at material-specific wavelengths over a shared slope),
 * scaled per pixel by illumination 0.7–1.3 and with noise — so brightness alone does not tell
 * the materials apart; the spectral shape does.
 */
export function makeHyperspectralCube({ size = 32, bands = 16, classes = 4, noise = 0.04, seed = 0 }:
  { size?: number; bands?: number; classes?: number; noise?: number; seed?: number } = {}): Cube {
  const rng = new Rng(seed);
  const spectra = Array.from({ length: classes }, (_, c) => {
    const c1 = ((c + 0.5) / classes) * bands;
    const c2 = (((c * 2 + 1) % classes) / classes) * bands + bands / (2 * classes);
    return Array.from({ length: bands }, (_, b) =>
      0.3 + 0.2 * (b / bands) + 0.35 * Math.exp(-(((b - c1) / 1.5) ** 2)) - 0.2 * Math.exp(-(((b - c2) / 2) ** 2)));
  });
  const centres = Array.from({ length: classes * 3 }, (_, k) => ({ y: rng.uniform() * size, x: rng.uniform() * size, c: k % classes }));
  const labels = new Int32Array(size * size);
  const cube = new Float32Array(bands * size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let best = 0;
      let dist = Infinity;
      centres.forEach((p, k) => {
        const d = (p.y - y) ** 2 + (p.x - x) ** 2;
        if (d < dist) { dist = d; best = k; }
      });
      const c = centres[best]!.c;
      labels[y * size + x] = c;
      const light = 0.7 + 0.6 * rng.uniform();
      for (let b = 0; b < bands; b++) cube[(b * size + y) * size + x] = light * spectra[c]![b]! + noise * rng.normal();
    }
  }
  return { cube, labels, bands, height: size, width: size, classes };
}

/** Every pixel's P×P neighbourhood [bands, P, P] (edges replicated), labelled with the pixel's class. */
export function cubePatches(c: Cube, patch = 3): ArrayDataset {
  const r = (patch - 1) / 2;
  const n = c.height * c.width;
  const per = c.bands * patch * patch;
  const data = new Float32Array(n * per);
  const clamp = (v: number, hi: number): number => Math.min(Math.max(v, 0), hi - 1);
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) {
      const o = (y * c.width + x) * per;
      for (let b = 0; b < c.bands; b++) {
        for (let dy = -r; dy <= r; dy++) {
          for (let dx = -r; dx <= r; dx++) {
            data[o + (b * patch + dy + r) * patch + dx + r] = c.cube[(b * c.height + clamp(y + dy, c.height)) * c.width + clamp(x + dx, c.width)]!;
          }
        }
      }
    }
  }
  return new ArrayDataset(data, [c.bands, patch, patch], c.labels.slice(), c.classes, undefined, 'generated hyperspectral cube');
}

export const VOLUME_CLASSES = ['blob', 'rod', 'plate'] as const;

/**
 * Volumes [1, size, size, size] holding one noisy object: a blob (ball), a rod (a bar along a
 * random axis) or a plate (a slab across a random axis), at a random position and size.
 */
export function makeVolumes({ count, size = 12, noise = 0.3, seed = 0 }: { count: number; size?: number; noise?: number; seed?: number }): ArrayDataset {
  const rng = new Rng(seed);
  const per = size ** 3;
  const data = new Float32Array(count * per);
  const labels = new Int32Array(count);
  const pick = (lo: number, hi: number): number => lo + rng.uniform() * (hi - lo);
  for (let i = 0; i < count; i++) {
    const cls = i % VOLUME_CLASSES.length;
    const axis = Math.floor(rng.uniform() * 3);
    const c = [pick(3.5, size - 4.5), pick(3.5, size - 4.5), pick(3.5, size - 4.5)];
    const rad = pick(1.6, 2.8);
    for (let z = 0; z < size; z++) {
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const d = [z - c[0]!, y - c[1]!, x - c[2]!];
          let inside: boolean;
          if (cls === 0) inside = d[0]! ** 2 + d[1]! ** 2 + d[2]! ** 2 <= rad * rad;
          else if (cls === 1) inside = d.every((v, k) => k === axis || Math.abs(v) <= rad / 2); // thin in two axes, full length
          else inside = Math.abs(d[axis]!) <= 0.8 && d.every((v, k) => k === axis || Math.abs(v) <= rad * 1.6);
          data[i * per + (z * size + y) * size + x] = (inside ? 1 : 0) + noise * rng.normal();
        }
      }
    }
    labels[i] = cls;
  }
  return new ArrayDataset(data, [1, size, size, size], labels, VOLUME_CLASSES.length, [...VOLUME_CLASSES], 'generated volumes');
}
