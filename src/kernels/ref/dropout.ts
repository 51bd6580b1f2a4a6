// Dropout masks from a counter-based generator: element i's draw is a pure function of the key
// and i (Threefry-2×32 with 20 rounds, Salmon et al. 2011, "Parallel random numbers: as easy as
// 1, 2, 3"), so every device computes the same mask in any order, with no state to carry.
import type { DropoutParams } from '../kernels.js';

// Rotation constants of Threefry-2×32, and the key-schedule parity.
export const THREEFRY_ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24] as const;
export const THREEFRY_PARITY = 0x1bd11bda;

/** Threefry-2×32-20 of counter (c0, c1) under key (k0, k1): two 32-bit words. */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number): [number, number] {
  const ks = [k0 >>> 0, k1 >>> 0, (k0 ^ k1 ^ THREEFRY_PARITY) >>> 0];
  let x0 = (c0 + ks[0]!) >>> 0;
  let x1 = (c1 + ks[1]!) >>> 0;
  for (let r = 0; r < 20; r++) {
    const rot = THREEFRY_ROTATIONS[r % 8]!;
    x0 = (x0 + x1) >>> 0;
    x1 = ((x1 << rot) | (x1 >>> (32 - rot))) >>> 0;
    x1 = (x1 ^ x0) >>> 0;
    if (r % 4 === 3) {
      const s = (r + 1) / 4; // key injection after every four rounds
      x0 = (x0 + ks[s % 3]!) >>> 0;
      x1 = (x1 + ks[(s + 1) % 3]! + s) >>> 0;
    }
  }
  return [x0, x1];
}

/** The drop threshold on a 24-bit draw for probability p: integer, so every device compares alike. */
export const dropThreshold = (p: number): number => Math.round(p * 2 ** 24);

// out: (size). Counter (j, 0) gives elements 2j and 2j + 1; each word's top 24 bits are the draw.
export function dropoutMask(out: Float32Array, p: DropoutParams): void {
  const [k0, k1] = p.key;
  for (let j = 0; 2 * j < p.size; j++) {
    const [a, b] = threefry2x32(k0, k1, j, 0);
    out[2 * j] = a >>> 8 < p.threshold ? 0 : p.scale;
    if (2 * j + 1 < p.size) out[2 * j + 1] = b >>> 8 < p.threshold ? 0 : p.scale;
  }
}
