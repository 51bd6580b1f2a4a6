// The one closeness check of the golden suite: |actual − expected| ≤ atol + rtol·|expected| per
// element with atol = 1e-5·max|expected| (API.md's backend tolerance), reporting the worst element.
// Asynchronous, so it reads tensors on any device.
import { AssertionError } from 'node:assert';
import type { Tensor } from '../../src/index.js';
import type { RefTensor } from './fixtures.js';

export interface CloseOptions {
  rtol?: number;
  /** atol as a fraction of max|expected|. */
  atolScale?: number;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}

/**
 * Throws an AssertionError naming `label`, the worst element's index, both values and the
 * allowed error unless `actual` matches `expected` in shape and (within tolerance) in values.
 */
export async function assertClose(actual: Tensor | null | undefined, expected: RefTensor, label: string, opts: CloseOptions = {}): Promise<void> {
  const { rtol = 1e-4, atolScale = 1e-5 } = opts;
  if (!actual) throw new AssertionError({ message: `${label}: got ${String(actual)}, expected a tensor of shape [${expected.shape.join(', ')}]` });
  const shapeOk = actual.shape.length === expected.shape.length && actual.shape.every((d, i) => d === expected.shape[i]);
  if (!shapeOk) {
    throw new AssertionError({ message: `${label}: shape [${actual.shape.join(', ')}], expected [${expected.shape.join(', ')}]` });
  }
  const a = await actual.toArrayAsync();
  const e = expected.data;
  let maxRef = 0;
  for (const v of e) maxRef = Math.max(maxRef, Math.abs(v));
  const atol = atolScale * maxRef;
  let worst = -1;
  let worstRatio = 0;
  let bad = 0;
  for (let i = 0; i < e.length; i++) {
    const err = Math.abs(a[i]! - e[i]!);
    const allowed = atol + rtol * Math.abs(e[i]!);
    // NaN compares false everywhere: treat it as infinitely wrong.
    const ratio = Number.isNaN(err) ? Infinity : err === 0 ? 0 : allowed === 0 ? Infinity : err / allowed;
    if (ratio > 1) bad++;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  if (bad > 0) {
    const idx = unravel(worst, expected.shape);
    throw new AssertionError({
      message: `${label}: ${bad} of ${e.length} elements out of tolerance (rtol ${rtol}, atol ${atol.toExponential(2)}); ` +
        `worst at [${idx.join(', ')}] (flat ${worst}): got ${a[worst]}, expected ${e[worst]}, ` +
        `|diff| ${Math.abs(a[worst]! - e[worst]!).toExponential(3)}`,
    });
  }
}
