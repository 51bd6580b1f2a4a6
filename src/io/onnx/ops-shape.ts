// ONNX's shape and indexing operators: Reshape, Flatten, Shape, Gather, (Un)Squeeze, Slice,
// Transpose, Concat, Pad, Constant, Identity. Integer tensors (shapes, axes, indices) arrive as
// float32 values with an integer dtype; they are exact up to 2^24, far above any real dimension.
import { tensor } from '../../ops/creation.js';
import * as F from '../../ops/functional.js';
import { permute, reshape } from '../../ops/shape-ops.js';
import { contiguousStrides, shapeStr, sizeOf } from '../../tensor/shape.js';
import { intsOf, type OnnxValue, type OpContext, type OpRun } from './op-types.js';
import { checkedSize, DTYPE } from './tensor-proto.js';

function need(v: OnnxValue | null | undefined, i: number, ctx: OpContext): OnnxValue {
  if (!v) throw new Error(`${ctx.what}: input ${i} is required`);
  return v;
}

function axisOf(axis: number, rank: number, ctx: OpContext): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new Error(`${ctx.what}: axis ${axis} is outside the ${rank} dims`);
  return a;
}

/** Axes from the attribute (before `inputFrom`) or from input 1 (from that opset on). */
function axesOf(ins: (OnnxValue | null)[], ctx: OpContext, inputFrom: number): number[] | undefined {
  return ctx.opset >= inputFrom ? intsOf(ins[1]) : ctx.attrs.ints('axes');
}

const reshapeOp: OpRun = (ins, ctx) => {
  const x = need(ins[0], 0, ctx);
  const spec = intsOf(need(ins[1], 1, ctx))!;
  const allowZero = ctx.attrs.int('allowzero', 0) === 1;
  const shape = spec.map((d, i) => (d === 0 && !allowZero ? x.t.shape[i]! : d));
  const known = shape.filter((d) => d !== -1).reduce((s, v) => s * v, 1);
  const holes = shape.filter((d) => d === -1).length;
  if (holes > 1 || (holes === 1 && (known === 0 || x.t.numel() % known !== 0))) {
    throw new Error(`${ctx.what}: cannot reshape ${shapeStr(x.t.shape)} to [${spec.join(', ')}]`);
  }
  const out = shape.map((d) => (d === -1 ? x.t.numel() / known : d));
  checkedSize(out, ctx.what);
  return [{ t: reshape(x.t, out), dtype: x.dtype }];
};

const flattenOp: OpRun = (ins, ctx) => {
  const x = need(ins[0], 0, ctx);
  const r = x.t.ndim;
  let axis = ctx.attrs.int('axis', 1);
  if (axis < 0) axis += r;
  if (axis < 0 || axis > r) throw new Error(`${ctx.what}: axis ${ctx.attrs.int('axis', 1)} is outside [-${r}, ${r}]`);
  const outer = sizeOf(x.t.shape.slice(0, axis));
  return [{ t: reshape(x.t, [outer, sizeOf(x.t.shape.slice(axis))]), dtype: x.dtype }];
};

const shapeOp: OpRun = (ins, ctx) => {
  const dims = need(ins[0], 0, ctx).t.shape;
  const r = dims.length;
  const clampDim = (v: number): number => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const part = dims.slice(clampDim(ctx.attrs.int('start', 0)), clampDim(ctx.attrs.int('end', r)));
  return [{ t: tensor(part, [part.length]), dtype: DTYPE.INT64 }];
};

const gather: OpRun = (ins, ctx) => {
  const x = need(ins[0], 0, ctx);
  const idx = need(ins[1], 1, ctx);
  const shape = x.t.shape;
  const axis = axisOf(ctx.attrs.int('axis', 0), shape.length, ctx);
  const n = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const outer = sizeOf(shape.slice(0, axis));
  const picks = Array.from(idx.t.toArray(), (i) => {
    if (i < -n || i >= n) throw new Error(`${ctx.what}: index ${i} is outside [-${n}, ${n - 1}] along axis ${axis} of ${shapeStr(shape)}`);
    return i < 0 ? i + n : i;
  });
  const outShape = [...shape.slice(0, axis), ...idx.t.shape, ...shape.slice(axis + 1)];
  const index = new Int32Array(checkedSize(outShape, ctx.what));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const p of picks) for (let i = 0; i < inner; i++) index[k++] = (o * n + p) * inner + i;
  }
  return [{ t: F.take(x.t, index, outShape), dtype: x.dtype }];
};

const unsqueezeOp: OpRun = (ins, ctx) => {
  const x = need(ins[0], 0, ctx);
  const axes = axesOf(ins, ctx, 13);
  if (!axes) throw new Error(`${ctx.what}: axes are required`);
  const rank = x.t.ndim + axes.length;
  const at = new Set(axes.map((a) => axisOf(a, rank, ctx)));
  if (at.size !== axes.length) throw new Error(`${ctx.what}: axes [${axes.join(', ')}] repeat a dim`);
  const rest = [...x.t.shape];
  const shape = Array.from({ length: rank }, (_, i) => (at.has(i) ? 1 : rest.shift()!));
  return [{ t: reshape(x.t, shape), dtype: x.dtype }];
};

const squeezeOp: OpRun = (ins, ctx) => {
  const x = need(ins[0], 0, ctx);
  const axes = axesOf(ins, ctx, 13);
  const shape = x.t.shape;
  const drop = new Set(axes ? axes.map((a) => axisOf(a, shape.length, ctx)) : shape.flatMap((d, i) => (d === 1 ? [i] : [])));
  for (const a of drop) {
    if (shape[a] !== 1) throw new Error(`${ctx.what}: cannot squeeze dim ${a} of size ${shape[a]} in ${shapeStr(shape)}`);
  }
  return [{ t: reshape(x.t, shape.filter((_, i) => !drop.has(i))), dtype: x.dtype }];
};

// numpy's slicing rules per axis: negative positions count from the end, then clamp (to
// [0, n] going forward, to [-1, n - 1] going backward).
const slice: OpRun = (ins, ctx) => {
  const x = need(ins[0], 0, ctx);
  const shape = x.t.shape;
  const legacy = ctx.opset < 10;
  const starts = legacy ? ctx.attrs.ints('starts') : intsOf(ins[1]);
  const ends = legacy ? ctx.attrs.ints('ends') : intsOf(ins[2]);
  if (!starts || !ends || starts.length !== ends.length) throw new Error(`${ctx.what}: starts and ends must be given, one per axis`);
  const axes = (legacy ? ctx.attrs.ints('axes') : intsOf(ins[3])) ?? starts.map((_, i) => i);
  const steps = (legacy ? undefined : intsOf(ins[4])) ?? starts.map(() => 1);
  const begin = shape.map(() => 0);
  const step = shape.map(() => 1);
  const size = [...shape];
  axes.forEach((axis, j) => {
    const a = axisOf(axis, shape.length, ctx);
    const n = shape[a]!;
    const s = steps[j]!;
    if (s === 0) throw new Error(`${ctx.what}: step 0 along axis ${a}`);
    const norm = (v: number): number => (v < 0 ? v + n : v);
    const lo = s > 0 ? 0 : -1;
    const hi = s > 0 ? n : n - 1;
    const b = Math.min(Math.max(norm(starts[j]!), lo === -1 ? 0 : lo), hi);
    const e = Math.min(Math.max(norm(ends[j]!), lo), hi);
    begin[a] = b;
    step[a] = s;
    size[a] = Math.max(0, Math.ceil((e - b) / s));
  });
  const strides = contiguousStrides(shape);
  const index = new Int32Array(checkedSize(size, ctx.what));
  const pos = size.map(() => 0);
  for (let k = 0; k < index.length; k++) {
    let flat = 0;
    for (let d = 0; d < shape.length; d++) flat += (begin[d]! + pos[d]! * step[d]!) * strides[d]!;
    index[k] = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++pos[d]! < size[d]!) break;
      pos[d] = 0;
    }
  }
  return [{ t: F.take(x.t, index, size), dtype: x.dtype }];
};

const transposeOp: OpRun = (ins, ctx) => {
  const x = need(ins[0], 0, ctx);
  const perm = ctx.attrs.ints('perm') ?? x.t.shape.map((_, i) => x.t.ndim - 1 - i);
  return [{ t: permute(x.t, perm), dtype: x.dtype }];
};

const concatOp: OpRun = (ins, ctx) => {
  const xs = ins.map((v, i) => need(v, i, ctx));
  const axis = axisOf(ctx.attrs.int('axis', 0), xs[0]!.t.ndim, ctx);
  return [{ t: F.concat(xs.map((v) => v.t), axis), dtype: xs[0]!.dtype }];
};

const PAD_MODES = { constant: 'constant', reflect: 'reflect', edge: 'replicate' } as const;

const padOp: OpRun = (ins, ctx) => {
  const x = need(ins[0], 0, ctx);
  const legacy = ctx.opset < 11;
  const pads = legacy ? ctx.attrs.ints('pads') : intsOf(ins[1]);
  const value = legacy ? ctx.attrs.float('value', 0) : (intsOf(ins[2])?.[0] ?? 0);
  const r = x.t.ndim;
  const axes = (legacy ? undefined : intsOf(ins[3]))?.map((a) => axisOf(a, r, ctx)) ?? x.t.shape.map((_, i) => i);
  if (!pads || pads.length !== 2 * axes.length) throw new Error(`${ctx.what}: pads must hold ${2 * axes.length} values (begins, then ends)`);
  const mode = PAD_MODES[ctx.attrs.string('mode', 'constant') as keyof typeof PAD_MODES];
  if (!mode) throw new Error(`${ctx.what}: mode '${ctx.attrs.string('mode', '')}' is not constant, reflect or edge`);
  const begin = new Array<number>(r).fill(0);
  const end = new Array<number>(r).fill(0);
  axes.forEach((a, j) => {
    begin[a] = pads[j]!;
    end[a] = pads[j + axes.length]!;
  });
  const torchOrder: number[] = [];
  for (let d = r - 1; d >= 0; d--) torchOrder.push(begin[d]!, end[d]!);
  return [{ t: F.pad(x.t, torchOrder, { mode, value }), dtype: x.dtype }];
};

const constant: OpRun = (_ins, ctx) => {
  const a = ctx.attrs;
  const t = a.tensor('value');
  if (t) return [{ t: tensor(t.values, t.shape), dtype: t.dtype }];
  if (a.has('value_float')) return [{ t: tensor([a.float('value_float', 0)], []), dtype: DTYPE.FLOAT }];
  if (a.has('value_int')) return [{ t: tensor([a.int('value_int', 0)], []), dtype: DTYPE.INT64 }];
  const fs = a.floats('value_floats');
  if (fs) return [{ t: tensor(fs, [fs.length]), dtype: DTYPE.FLOAT }];
  const is = a.ints('value_ints');
  if (is) return [{ t: tensor(is, [is.length]), dtype: DTYPE.INT64 }];
  throw new Error(`${ctx.what}: only tensor, float and int values are supported (attributes: ${a.names().join(', ')})`);
};

const identity: OpRun = (ins, ctx) => [need(ins[0], 0, ctx)];

export const shapeOps = {
  Reshape: reshapeOp, Flatten: flattenOp, Shape: shapeOp, Gather: gather, Unsqueeze: unsqueezeOp, Squeeze: squeezeOp,
  Slice: slice, Transpose: transposeOp, Concat: concatOp, Pad: padOp, Constant: constant, Identity: identity,
} satisfies Record<string, OpRun>;
