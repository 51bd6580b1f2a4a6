// ONNX's convolution, pooling, normalisation, dense and dropout operators on striate's F.* ops
// (so they have gradients). Padding follows the ONNX spec: `pads` is [x1_begin, x2_begin, …,
// x1_end, x2_end]; auto_pad SAME_UPPER / SAME_LOWER keep ceil(in / stride) outputs.
import * as F from '../../ops/functional.js';
import { ones, rand, tensor } from '../../ops/creation.js';
import { sizeOf } from '../../tensor/shape.js';
import { matmul } from '../../ops/matmul.js';
import { mean } from '../../ops/reduce.js';
import { reshape, transpose } from '../../ops/shape-ops.js';
import type { Tensor } from '../../ops/tensor.js';
import { numpyUniform } from './mt19937.js';
import { intsOf, type OnnxValue, type OpContext, type OpRun } from './op-types.js';
import { DTYPE } from './tensor-proto.js';

const f32 = (t: Tensor): OnnxValue => ({ t, dtype: DTYPE.FLOAT });

function need(v: OnnxValue | null | undefined, i: number, ctx: OpContext): Tensor {
  if (!v) throw new Error(`${ctx.what}: input ${i} is required`);
  return v.t;
}

function spatialDims(x: Tensor, ctx: OpContext): 1 | 2 | 3 {
  const nd = x.ndim - 2;
  if (nd < 1 || nd > 3) throw new Error(`${ctx.what}: input [${x.shape.join(', ')}] must be (N, C, …) with 1 to 3 spatial dims`);
  return nd as 1 | 2 | 3;
}

interface Window {
  kernel: number[];
  stride: number[];
  dilation: number[];
  begin: number[];
  end: number[];
}

/** kernel, strides, dilations and the begin/end padding of a Conv or pooling node. */
function windowOf(ctx: OpContext, inSize: readonly number[], kernel: number[]): Window {
  const nd = inSize.length;
  const a = ctx.attrs;
  const stride = a.ints('strides') ?? new Array<number>(nd).fill(1);
  const dilation = a.ints('dilations') ?? new Array<number>(nd).fill(1);
  const autoPad = a.string('auto_pad', 'NOTSET');
  let begin = new Array<number>(nd).fill(0);
  let end = new Array<number>(nd).fill(0);
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const total = inSize.map((q, i) => Math.max(0, (Math.ceil(q / stride[i]!) - 1) * stride[i]! + (kernel[i]! - 1) * dilation[i]! + 1 - q));
    begin = total.map((t) => (autoPad === 'SAME_UPPER' ? Math.floor(t / 2) : Math.ceil(t / 2)));
    end = total.map((t, i) => t - begin[i]!);
  } else if (autoPad === 'NOTSET') {
    const pads = a.ints('pads');
    if (pads) {
      if (pads.length !== 2 * nd) throw new Error(`${ctx.what}: pads [${pads.join(', ')}] needs ${2 * nd} values (begins, then ends)`);
      begin = pads.slice(0, nd);
      end = pads.slice(nd);
    }
  } else if (autoPad !== 'VALID') {
    throw new Error(`${ctx.what}: auto_pad '${autoPad}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
  }
  return { kernel, stride, dilation, begin, end };
}

/** PyTorch's pad order (last dim first) for explicit begin/end padding of the spatial dims. */
function torchPads(begin: readonly number[], end: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = begin.length - 1; i >= 0; i--) out.push(begin[i]!, end[i]!);
  return out;
}

function channelBias(y: Tensor, b: Tensor | null): Tensor {
  return b ? y.add(reshape(b, [1, b.numel(), ...y.shape.slice(2).map(() => 1)])) : y;
}

const convFns = { 1: F.conv1d, 2: F.conv2d, 3: F.conv3d };
const convTFns = { 1: F.convTranspose1d, 2: F.convTranspose2d, 3: F.convTranspose3d };

const conv: OpRun = (ins, ctx) => {
  const x = need(ins[0], 0, ctx);
  const w = need(ins[1], 1, ctx);
  const nd = spatialDims(x, ctx);
  const win = windowOf(ctx, x.shape.slice(2), w.shape.slice(2));
  const groups = ctx.attrs.int('group', 1);
  const opts = { stride: win.stride, dilation: win.dilation, groups, padding: { begin: win.begin, end: win.end } };
  return [f32(convFns[nd](x, w, ins[2]?.t ?? null, opts))];
};

// Padding of a ConvTranspose may be negative (output_shape larger than the natural size) and its
// output_padding is not limited by the stride: both add rows that receive no input, so they are
// zero padding of the unpadded result, before the bias.
const convTranspose: OpRun = (ins, ctx) => {
  const x = need(ins[0], 0, ctx);
  const w = need(ins[1], 1, ctx);
  const nd = spatialDims(x, ctx);
  const a = ctx.attrs;
  const inSize = x.shape.slice(2);
  const kernel = w.shape.slice(2);
  const win = windowOf(ctx, inSize, kernel);
  const extra = a.ints('output_padding') ?? new Array<number>(nd).fill(0);
  const natural = inSize.map((q, i) => win.stride[i]! * (q - 1) + extra[i]! + (kernel[i]! - 1) * win.dilation[i]! + 1);
  const outputShape = a.ints('output_shape');
  const autoPad = a.string('auto_pad', 'NOTSET');
  if (outputShape || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const target = outputShape ? outputShape.slice(-nd) : inSize.map((q, i) => q * win.stride[i]!);
    const total = natural.map((n, i) => n - target[i]!);
    const upper = autoPad === 'SAME_UPPER';
    win.begin = total.map((t) => (upper ? Math.floor(t / 2) : t - Math.floor(t / 2)));
    win.end = total.map((t, i) => t - win.begin[i]!);
  }
  const groups = a.int('group', 1);
  const padding = { begin: win.begin.map((p) => Math.max(p, 0)), end: win.end.map((p) => Math.max(p, 0)) };
  let y = convTFns[nd](x, w, null, { stride: win.stride, dilation: win.dilation, groups, padding });
  const grow = torchPads(win.begin.map((p) => Math.max(-p, 0)), win.end.map((p, i) => Math.max(-p, 0) + extra[i]!));
  if (grow.some((p) => p !== 0)) y = F.pad(y, grow);
  return [f32(channelBias(y, ins[2]?.t ?? null))];
};

const maxFns = { 1: F.maxPool1d, 2: F.maxPool2d, 3: F.maxPool3d };
const avgFns = { 1: F.avgPool1d, 2: F.avgPool2d, 3: F.avgPool3d };

/** Symmetric padding of at most half the kernel runs inside the pool; anything else is padded first. */
function poolPadding(win: Window): { inside: number[] | null; explicit: number[] | null } {
  const symmetric = win.begin.every((b, i) => b === win.end[i] && 2 * b <= win.kernel[i]!);
  if (symmetric) return { inside: win.begin, explicit: null };
  return { inside: null, explicit: torchPads(win.begin, win.end) };
}

function poolWindow(ctx: OpContext, x: Tensor): Window {
  const kernel = ctx.attrs.ints('kernel_shape');
  if (!kernel || kernel.length !== x.ndim - 2) throw new Error(`${ctx.what}: kernel_shape must give one size per spatial dim of [${x.shape.join(', ')}]`);
  return windowOf(ctx, x.shape.slice(2), kernel);
}

const maxPool: OpRun = (ins, ctx) => {
  const x = need(ins[0], 0, ctx);
  const nd = spatialDims(x, ctx);
  const win = poolWindow(ctx, x);
  const { inside, explicit } = poolPadding(win);
  const input = explicit ? F.pad(x, explicit, { value: -Infinity }) : x;
  const y = maxFns[nd](input, {
    kernelSize: win.kernel, stride: win.stride, dilation: win.dilation, padding: inside ?? 0, ceilMode: ctx.attrs.int('ceil_mode', 0) === 1,
  });
  const outs: OnnxValue[] = [{ t: y, dtype: ins[0]!.dtype }];
  if (ctx.node.output[1]) outs.push({ t: maxIndices(x, y.shape, win, ctx.attrs.int('storage_order', 0) === 1), dtype: DTYPE.INT64 });
  return outs;
};

/**
 * MaxPool's Indices output: for each window the flat index of its first maximum in x (row-major,
 * or column-major within each plane for storage_order 1). An output, never differentiated.
 */
function maxIndices(x: Tensor, outShape: readonly number[], win: Window, columnMajor: boolean): Tensor {
  const inSize = x.shape.slice(2);
  const outSize = outShape.slice(2);
  const nd = inSize.length;
  const plane = sizeOf(inSize);
  const outPlane = sizeOf(outSize);
  const kVol = sizeOf(win.kernel);
  const xd = x.data;
  const index = new Float32Array(outShape[0]! * outShape[1]! * outPlane);
  const o = new Array<number>(nd);
  const k = new Array<number>(nd);
  for (let nc = 0; nc < outShape[0]! * outShape[1]!; nc++) {
    for (let p = 0; p < outPlane; p++) {
      unravel(p, outSize, o);
      let best = -Infinity;
      let at = -1;
      for (let t = 0; t < kVol; t++) {
        unravel(t, win.kernel, k);
        let flat = 0;
        let colFlat = 0;
        let inside = true;
        for (let d = 0; d < nd; d++) {
          const i = o[d]! * win.stride[d]! - win.begin[d]! + k[d]! * win.dilation[d]!;
          if (i < 0 || i >= inSize[d]!) inside = false;
          flat = flat * inSize[d]! + i;
        }
        for (let d = nd - 1; d >= 0; d--) colFlat = colFlat * inSize[d]! + (o[d]! * win.stride[d]! - win.begin[d]! + k[d]! * win.dilation[d]!);
        const v = inside ? xd[nc * plane + flat]! : -Infinity;
        if (inside && (at < 0 || v > best)) {
          best = v;
          at = columnMajor ? colFlat : flat;
        }
      }
      index[nc * outPlane + p] = nc * plane + at;
    }
  }
  return tensor(index, outShape);
}

function unravel(i: number, shape: readonly number[], out: number[]): void {
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
}

const averagePool: OpRun = (ins, ctx) => {
  const x = need(ins[0], 0, ctx);
  const nd = spatialDims(x, ctx);
  const win = poolWindow(ctx, x);
  const countIncludePad = ctx.attrs.int('count_include_pad', 0) === 1;
  const ceilMode = ctx.attrs.int('ceil_mode', 0) === 1;
  if (win.dilation.some((d) => d !== 1)) return [f32(dilatedAveragePool(x, win, nd, ceilMode, countIncludePad))];
  const { inside, explicit } = poolPadding(win);
  const pool = (t: Tensor): Tensor => avgFns[nd](t, { kernelSize: win.kernel, stride: win.stride, padding: inside ?? 0, ceilMode, countIncludePad });
  if (!explicit) return [f32(pool(x))];
  const y = pool(F.pad(x, explicit));
  if (countIncludePad) return [f32(y)];
  // Excluding the padding: divide by the share of real elements in each window.
  return [f32(y.div(pool(F.pad(ones([1, 1, ...x.shape.slice(2)]), explicit))))];
};

/**
 * AveragePool with dilations (opset 19). The engine's average pooling has none (nor has
 * PyTorch's), so a window's sum is a depthwise convolution with a ones kernel, divided by the
 * count of elements it takes: the real ones, or real and padded ones with count_include_pad, never
 * the ceil-mode overhang past the padding (as the undilated pool counts).
 */
function dilatedAveragePool(x: Tensor, win: Window, nd: 1 | 2 | 3, ceilMode: boolean, countIncludePad: boolean): Tensor {
  const inSize = x.shape.slice(2);
  const span = win.kernel.map((k, i) => (k - 1) * win.dilation[i]! + 1);
  const padded = inSize.map((q, i) => q + win.begin[i]! + win.end[i]!);
  const outSize = padded.map((q, i) => {
    const steps = (q - span[i]!) / win.stride[i]!;
    let o = (ceilMode ? Math.ceil(steps) : Math.floor(steps)) + 1;
    // As PyTorch and ONNX: a ceil-mode window must start inside the input or its leading padding.
    if (ceilMode && (o - 1) * win.stride[i]! >= inSize[i]! + win.begin[i]!) o--;
    return o;
  });
  if (outSize.some((o) => o < 1)) {
    throw new Error(`AveragePool: a dilated window spans [${span.join(', ')}], more than the padded input [${padded.join(', ')}]`);
  }
  const overhang = outSize.map((o, i) => Math.max(0, (o - 1) * win.stride[i]! + span[i]! - padded[i]!));
  const opts = { stride: win.stride, dilation: win.dilation };
  const channels = x.shape[1]!;
  const device = x.device;
  const sums = convFns[nd](F.pad(x, torchPads(win.begin, win.end.map((e, i) => e + overhang[i]!))), ones([channels, 1, ...win.kernel], { device }), null, { ...opts, groups: channels });
  const counted = F.pad(ones([1, 1, ...inSize], { device }), torchPads(win.begin, win.end), { value: countIncludePad ? 1 : 0 });
  const counts = convFns[nd](F.pad(counted, torchPads(win.begin.map(() => 0), overhang)), ones([1, 1, ...win.kernel], { device }), null, opts);
  return sums.div(counts);
}

const batchNormalization: OpRun = (ins, ctx) => {
  const [x, scale, bias, mean_, var_] = [0, 1, 2, 3, 4].map((i) => need(ins[i], i, ctx)) as [Tensor, Tensor, Tensor, Tensor, Tensor];
  const eps = ctx.attrs.float('epsilon', 1e-5);
  const momentum = ctx.attrs.float('momentum', 0.9);
  if (ctx.attrs.int('training_mode', 0) === 1) {
    // The node itself asks for batch statistics and returns the updated running ones (ONNX
    // uses the biased variance there); the inputs stay untouched.
    const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
    const m = mean(x, axes);
    const centred = x.sub(reshape(m, [1, m.numel(), ...x.shape.slice(2).map(() => 1)]));
    const v = mean(centred.mul(centred), axes);
    const y = F.batchNorm(x, null, null, scale, bias, { training: true, eps });
    return [f32(y), f32(mean_.mul(momentum).add(m.mul(1 - momentum))), f32(var_.mul(momentum).add(v.mul(1 - momentum)))];
  }
  // A model switched to train() normalises with batch statistics and updates its running
  // statistics in place, as PyTorch's BatchNorm does (momentum 1 − ONNX's).
  return [f32(F.batchNorm(x, mean_, var_, scale, bias, { training: ctx.training, momentum: 1 - momentum, eps }))];
};

const gemm: OpRun = (ins, ctx) => {
  let a = need(ins[0], 0, ctx);
  let b = need(ins[1], 1, ctx);
  const at = ctx.attrs;
  if (at.int('transA', 0)) a = transpose(a, 0, 1);
  const alpha = at.float('alpha', 1);
  const beta = at.float('beta', 1);
  // transB is PyTorch's Linear layout (B: N×K), which F.linear reads in place; a transposed view
  // would be copied at every call (AlexNet's first dense layer holds 37.7M weights).
  let y = at.int('transB', 0) ? F.linear(a, b) : matmul(a, b);
  if (alpha !== 1) y = y.mul(alpha);
  const c = ins[2]?.t;
  if (c && beta !== 0) y = y.add(beta === 1 ? c : c.mul(beta));
  return [f32(y)];
};

const matMul: OpRun = (ins, ctx) => [f32(matmul(need(ins[0], 0, ctx), need(ins[1], 1, ctx)))];

// In training the mask is drawn here (not by F.dropout) so the node can return it: from the
// node's `seed` with numpy's generator, as ONNX's reference does, else from striate's seeded RNG.
const dropout: OpRun = (ins, ctx) => {
  const x = need(ins[0], 0, ctx);
  const ratio = ctx.opset >= 12 ? (intsOf(ins[1])?.[0] ?? 0.5) : ctx.attrs.float('ratio', 0.5);
  if (!(ratio >= 0 && ratio <= 1)) throw new Error(`${ctx.what}: ratio must be in [0, 1], got ${ratio}`);
  const trainingInput = ctx.opset >= 12 ? intsOf(ins[2])?.[0] : undefined;
  const training = (trainingInput === undefined ? ctx.training : trainingInput !== 0) && ratio > 0;
  const dtype = ins[0]!.dtype;
  if (!training) return [{ t: x, dtype }, { t: ones(x.shape), dtype: DTYPE.BOOL }];
  const n = x.numel();
  const draws = ctx.attrs.has('seed') ? numpyUniform(ctx.attrs.int('seed', 0), n) : rand([n]).toArray();
  const mask = tensor(Array.from(draws, (u) => (u >= ratio ? 1 : 0)), x.shape);
  const y = ratio >= 1 ? x.mul(0) : x.mul(mask.mul(1 / (1 - ratio)));
  return [{ t: y, dtype }, { t: mask, dtype: DTYPE.BOOL }];
};

const globalAveragePool: OpRun = (ins, ctx) => [f32(F.globalAvgPool(need(ins[0], 0, ctx)))];
const globalMaxPool: OpRun = (ins, ctx) => [f32(F.globalMaxPool(need(ins[0], 0, ctx)))];

export const nnOps = {
  Conv: conv, ConvTranspose: convTranspose, MaxPool: maxPool, AveragePool: averagePool,
  GlobalAveragePool: globalAveragePool, GlobalMaxPool: globalMaxPool, BatchNormalization: batchNormalization,
  Gemm: gemm, MatMul: matMul, Dropout: dropout,
} satisfies Record<string, OpRun>;
