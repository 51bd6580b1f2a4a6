// Inputs too large to store as fixtures, computed on both sides from an integer hash (as `hashed`
// in scripts/golden/make_fixtures.py), and the sampling of outputs those fixtures keep.
import { tensor, type Tensor } from '../../src/index.js';

/** The fixtures keep every 13th value unless they say otherwise (coprime to 4×4 tiles and to strides: all positions). */
export const EVERY = 13;

/** n values in [−½, ½)·scale: (i·2654435761 + k) mod 2³², over 2³², less ½ (exact in doubles). */
export function hashed(n: number, k: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (((i * 2654435761 + k) % 2 ** 32) / 2 ** 32 - 0.5) * scale;
  return out;
}

/** Every `every`-th value of t, flattened. */
export async function sampled(t: Tensor | null, every = EVERY): Promise<Tensor> {
  const all = await t!.toArrayAsync();
  return tensor(all.filter((_, i) => i % every === 0), [Math.ceil(all.length / every)]);
}
