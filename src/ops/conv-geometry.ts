// Argument parsing and output-size arithmetic shared by convolution and pooling (and by
// summary()): one number per spatial dim or one for all, PyTorch's padding modes, and the
// output-size formula r = (q - k + 2p)/s + 1 with the dilated kernel k = d·(k - 1) + 1.
import { shapeStr } from '../tensor/shape.js';

/** One value for every spatial dim, or one per dim in (D,) H, W order. */
export type SpatialArg = number | readonly number[];

/**
 * Convolution padding: symmetric per dim, asymmetric `{ begin, end }`, or PyTorch's `'valid'`
 * (none) and `'same'` (output size = input size; needs stride 1; odd totals put the extra zero
 * at the end).
 */
export type ConvPadding = SpatialArg | { begin: SpatialArg; end: SpatialArg } | 'valid' | 'same';

export interface ResolvedPadding {
  begin: number[];
  end: number[];
}

/** Names of the spatial dims in messages: L for 1D, H W for 2D, D H W for 3D. */
export function spatialDimName(d: number, nd: number): string {
  const names = nd === 1 ? ['L'] : nd === 2 ? ['H', 'W'] : nd === 3 ? ['D', 'H', 'W'] : [];
  return names[d] ?? `spatial dim ${d}`;
}

/** The spatial dims in a shape message: 'L', 'H, W' or 'D, H, W'. */
export function spatialNames(nd: number): string {
  return nd === 1 ? 'L' : nd === 2 ? 'H, W' : 'D, H, W';
}

/**
 * Expands a number-or-array option to one integer ≥ `min` per spatial dim; throws naming the op
 * and the option otherwise.
 */
export function spatialArg(value: SpatialArg, nd: number, op: string, name: string, min: number): number[] {
  const arr = typeof value === 'number' ? new Array<number>(nd).fill(value) : Array.from(value);
  if (arr.length !== nd) {
    throw new Error(
      `${op}: ${name} ${fmt(value)} needs one value or ${nd} (one per spatial dim), got ${arr.length}`,
    );
  }
  for (const v of arr) {
    if (!Number.isInteger(v) || v < min) {
      const want = min === 0 ? 'non-negative integers' : min === 1 ? 'positive integers' : `integers ≥ ${min}`;
      throw new Error(`${op}: ${name} must be ${want}, got ${fmt(value)}`);
    }
  }
  return arr;
}

function fmt(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/**
 * Resolves a convolution padding option to explicit begin/end zeros per spatial dim.
 * `'same'` follows PyTorch: total = dilation·(kernel − 1), begin = floor(total / 2), the rest at
 * the end; it needs stride 1.
 */
export function resolvePadding(
  padding: ConvPadding, nd: number, op: string,
  kernelSize: readonly number[], dilation: readonly number[], stride: readonly number[],
): ResolvedPadding {
  if (padding === 'valid') return { begin: new Array<number>(nd).fill(0), end: new Array<number>(nd).fill(0) };
  if (padding === 'same') {
    if (stride.some((s) => s !== 1)) {
      throw new Error(`${op}: padding 'same' needs stride 1 (as in PyTorch), got stride [${stride.join(', ')}]`);
    }
    const total = kernelSize.map((k, i) => dilation[i]! * (k - 1));
    const begin = total.map((t) => Math.floor(t / 2));
    return { begin, end: total.map((t, i) => t - begin[i]!) };
  }
  if (typeof padding === 'string') {
    throw new Error(`${op}: padding must be a number, an array, { begin, end }, 'valid' or 'same', got '${padding}'`);
  }
  if (typeof padding === 'number' || Array.isArray(padding)) {
    const p = spatialArg(padding as SpatialArg, nd, op, 'padding', 0);
    return { begin: p, end: p.slice() };
  }
  const { begin, end } = padding as { begin: SpatialArg; end: SpatialArg };
  if (begin === undefined || end === undefined) {
    throw new Error(`${op}: asymmetric padding needs both begin and end, got ${fmt(padding)}`);
  }
  return { begin: spatialArg(begin, nd, op, 'padding.begin', 0), end: spatialArg(end, nd, op, 'padding.end', 0) };
}

/** Everything the output-size formula needs, one entry per spatial dim. */
export interface OutputGeometry {
  inSize: readonly number[];
  kernelSize: readonly number[];
  stride: readonly number[];
  padBegin: readonly number[];
  padEnd: readonly number[];
  dilation: readonly number[];
  /** Pooling only: round up, but the last window must start inside the input or the left padding. */
  ceilMode?: boolean;
}

/**
 * Output size per spatial dim: floor((q + p₁ + p₂ − d·(k − 1) − 1) / s) + 1, rounded up with
 * ceilMode (PyTorch's pooling rule). Throws with the formula and the numbers filled in when a
 * (dilated) kernel is larger than the padded input. `context` names the op and shapes.
 */
export function outputSizes(g: OutputGeometry, context: () => string): number[] {
  return g.inSize.map((q, i) => {
    const k = g.dilation[i]! * (g.kernelSize[i]! - 1) + 1;
    const s = g.stride[i]!;
    const p1 = g.padBegin[i]!;
    const p2 = g.padEnd[i]!;
    const span = q + p1 + p2 - k;
    let r = span < 0 ? 0 : Math.floor(span / s) + 1;
    if (g.ceilMode && span >= 0) {
      r = Math.ceil(span / s) + 1;
      if ((r - 1) * s >= q + p1) r--;
    }
    if (r < 1) {
      const nd = g.inSize.length;
      const pads = p1 === p2 ? `2p)/s + 1 = (${q} - ${k} + 2·${p1}` : `p_begin + p_end)/s + 1 = (${q} - ${k} + ${p1} + ${p2}`;
      const dil = g.dilation[i] !== 1 ? ` (${g.kernelSize[i]} dilated by ${g.dilation[i]} spans ${k})` : '';
      throw new Error(
        `${context()}: the kernel${dil} is larger than the padded input along ${spatialDimName(i, nd)}: ` +
          `r = (q - k + ${pads})/${s} + 1 = ${Math.floor(span / s) + 1}, need r ≥ 1 ` +
          `(q input size, k kernel size, p padding, s stride)`,
      );
    }
    return r;
  });
}

export interface ConvOutputOptions {
  stride?: SpatialArg;
  padding?: ConvPadding;
  dilation?: SpatialArg;
  ceilMode?: boolean;
}

/**
 * The spatial output size of a convolution or pooling layer, as PyTorch computes it; pure, so
 * summary() and shape inference can use it without running anything.
 * @example convOutputSize([28, 28], 5, { padding: 2 }) // [28, 28]
 * @example convOutputSize([5, 5], 3, { stride: 2, padding: 1 }) // [3, 3]
 */
export function convOutputSize(inSize: readonly number[], kernelSize: SpatialArg, opts: ConvOutputOptions = {}): number[] {
  const op = 'convOutputSize';
  const nd = inSize.length;
  spatialArg(inSize, nd, op, 'inSize', 1);
  const k = spatialArg(kernelSize, nd, op, 'kernelSize', 1);
  const stride = spatialArg(opts.stride ?? 1, nd, op, 'stride', 1);
  const dilation = spatialArg(opts.dilation ?? 1, nd, op, 'dilation', 1);
  const pad = resolvePadding(opts.padding ?? 0, nd, op, k, dilation, stride);
  return outputSizes(
    { inSize, kernelSize: k, stride, padBegin: pad.begin, padEnd: pad.end, dilation, ceilMode: opts.ceilMode },
    () => `${op}: input ${shapeStr(inSize)}, kernel ${shapeStr(k)}`,
  );
}
