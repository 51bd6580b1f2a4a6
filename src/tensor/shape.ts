// Shape arithmetic shared by every layer: sizes, strides, broadcasting, dimension checks.

/** `[2, 3]` → `"[2, 3]"`, the spelling every error message uses. */
export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Number of elements in a tensor of this shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-order) strides, in elements. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** Throws unless every entry is a non-negative integer. */
export function checkShape(shape: readonly number[], op: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new Error(`${op}: shape ${shapeStr(shape)} must hold non-negative integers, got ${d}`);
    }
  }
}

/** NumPy/PyTorch broadcasting: align right, each pair equal or one of them 1. */
export function broadcastShapes(a: readonly number[], b: readonly number[], op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(
        `${op}: shapes ${shapeStr(a)} and ${shapeStr(b)} cannot be broadcast ` +
          `(dimension ${i} of the result: ${da} vs ${db}; each pair must be equal or one of them 1)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides that read a contiguous tensor of `shape` as if it had `outShape`
 * (stride 0 along broadcast dimensions). `shape` must broadcast to `outShape`.
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = contiguousStrides(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, i) => {
    const j = i - offset;
    return j < 0 || shape[j] === 1 ? 0 : own[j]!;
  });
}

/** Resolves a possibly negative dimension index; throws naming the op when out of range. */
export function normalizeDim(dim: number, ndim: number, op: string): number {
  const d = dim < 0 ? dim + ndim : dim;
  if (!Number.isInteger(dim) || d < 0 || d >= Math.max(ndim, 1)) {
    throw new Error(`${op}: dimension ${dim} is out of range for a tensor with ${ndim} dimensions`);
  }
  return d;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
