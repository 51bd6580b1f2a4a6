// Shapes and strides reduced to the few dims the native layout kernels walk.
import type { BinaryParams } from '../kernels.js';

// Merges adjacent dims that every operand walks contiguously (stride[d] = stride[d+1]·n[d+1])
// and drops size-1 dims, so a same-shape op becomes 1-D and a bias add 2-D; then pads to
// `rank` dims. Returns null if more than `rank` dims remain.
export function collapseDims(shape: readonly number[], strides: readonly (readonly number[])[], rank: number):
  { shape: number[]; strides: number[][] } | null {
  const outShape: number[] = [];
  const out = strides.map(() => [] as number[]);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, i) => out[i]![last] === s[d]! * n)) {
      outShape[last] = outShape[last]! * n;
      strides.forEach((s, i) => { out[i]![last] = s[d]!; });
    } else {
      outShape.push(n);
      strides.forEach((s, i) => out[i]!.push(s[d]!));
    }
  }
  if (outShape.length > rank) return null;
  while (outShape.length < rank) {
    outShape.unshift(1);
    for (const o of out) o.unshift(0);
  }
  return { shape: outShape, strides: out };
}

// Binary ops need innermost strides 0 or 1 on both sides (a SIMD run or a splat).
export function collapse(p: BinaryParams): { shape: number[]; as: number[]; bs: number[] } | null {
  const c = collapseDims(p.shape, [p.aStrides, p.bStrides], 3);
  if (!c) return null;
  const [as, bs] = c.strides as [number[], number[]];
  if ((as[2] !== 0 && as[2] !== 1) || (bs[2] !== 0 && bs[2] !== 1)) return null;
  return { shape: c.shape, as, bs };
}
