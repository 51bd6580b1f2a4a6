// F.conv1d / conv2d / conv3d: validate, infer the output shape, call the backend's conv kernels,
// record the backward (gradients only for the inputs that require them).
import { isGradEnabled } from '../autograd/grad-mode.js';
import type { ConvParams } from '../kernels/kernels.js';
import { sameShape, shapeStr } from '../tensor/shape.js';
import { outputSizes, resolvePadding, spatialArg, spatialNames, type ConvPadding, type SpatialArg } from './conv-geometry.js';
import { deviceOf, kernels, output, record } from './record.js';
import { reshape } from './shape-ops.js';
import { isTracing, traceCall } from './trace.js';
import type { Tensor } from './tensor.js';

export interface ConvOptions {
  stride?: SpatialArg;
  /** number | number[] | { begin, end } | 'valid' | 'same' (see ConvPadding). */
  padding?: ConvPadding;
  dilation?: SpatialArg;
  groups?: number;
}

// Options that cannot change: deep-frozen copies made by fixedConvOptions.
const fixed = new WeakSet<ConvOptions>();

// A deep-frozen copy of `opts`, which convNd checks and works out once per input, weight and bias
// shape instead of every call (a layer makes its own: nn/conv.ts).
export function fixedConvOptions(opts: ConvOptions): Readonly<ConvOptions> {
  const f = Object.freeze({ stride: frozen(opts.stride), padding: frozen(opts.padding), dilation: frozen(opts.dilation), groups: opts.groups });
  fixed.add(f);
  return f;
}

function frozen<T>(v: T): T {
  if (Array.isArray(v)) return Object.freeze([...v]) as T;
  if (typeof v !== 'object' || v === null) return v;
  const { begin, end } = v as { begin?: unknown; end?: unknown };
  return Object.freeze({ ...v, begin: frozen(begin), end: frozen(end) });
}

// Per fixed options object, the parameters of its last call with the shapes they were worked out
// for: the same frozen object while the shapes repeat, so the backend keys what it derives from
// them on it (kernels/wasm/conv-kernels.ts). Checking them every call was 4–30 µs a conv of a
// ResNet-18 forward at batch 1 (timestamps; BENCHMARKS.md "the JavaScript between the convs").
interface Checked { nd: number; x: readonly number[]; w: readonly number[]; b: readonly number[] | null; p: ConvParams }
const checked = new WeakMap<ConvOptions, Checked>();

function cachedParams(x: Tensor, weight: Tensor, bias: Tensor | null, opts: ConvOptions, nd: number, op: string): ConvParams {
  if (!fixed.has(opts)) return convParams(x, weight, bias, opts, nd, op);
  const c = checked.get(opts);
  if (c && c.nd === nd && sameShape(c.x, x.shape) && sameShape(c.w, weight.shape) &&
    (c.b === null ? bias === null : bias !== null && sameShape(c.b, bias.shape))) return c.p;
  const p = convParams(x, weight, bias, opts, nd, op);
  checked.set(opts, { nd, x: x.shape.slice(), w: weight.shape.slice(), b: bias ? bias.shape.slice() : null, p });
  return p;
}

/** Checks the call and works out the kernel parameters (frozen); throws naming the op and the shapes. */
function convParams(x: Tensor, weight: Tensor, bias: Tensor | null, opts: ConvOptions, nd: number, op: string): ConvParams {
  // Error messages only: built when thrown.
  const shapes = () => `input ${shapeStr(x.shape)}, weight ${shapeStr(weight.shape)}`;
  if (x.ndim !== nd + 2) {
    throw new Error(`${op}: expected a ${nd + 2}-D input (N, C, ${spatialNames(nd)}) or ${nd + 1}-D unbatched, got ${shapes()}`);
  }
  if (weight.ndim !== nd + 2) {
    throw new Error(`${op}: expected a ${nd + 2}-D weight (outC, inC/groups, ${spatialNames(nd)}), got ${shapes()}`);
  }
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${op}: groups must be a positive integer, got ${groups}`);
  const [batch, inChannels] = [x.shape[0]!, x.shape[1]!];
  const outChannels = weight.shape[0]!;
  if (inChannels % groups !== 0) {
    throw new Error(`${op}: groups=${groups} must divide the input channels, got ${shapes()} (${inChannels} channels)`);
  }
  if (outChannels % groups !== 0) {
    throw new Error(`${op}: groups=${groups} must divide the output channels weight.shape[0] = ${outChannels}, got ${shapes()}`);
  }
  if (inChannels !== weight.shape[1]! * groups) {
    throw new Error(
      `${op}: ${shapes()}: the input has ${inChannels} channels but the weight expects ` +
        `weight.shape[1]·groups = ${weight.shape[1]}·${groups} = ${weight.shape[1]! * groups}`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outChannels)) {
    throw new Error(`${op}: bias ${shapeStr(bias.shape)} must be [${outChannels}] (one per output channel) for weight ${shapeStr(weight.shape)}`);
  }
  const inSize = x.shape.slice(2);
  const kernelSize = weight.shape.slice(2);
  if (inSize.some((v) => v < 1) || kernelSize.some((v) => v < 1) || outChannels < 1 || inChannels < 1) {
    throw new Error(`${op}: empty spatial, channel or kernel dimension in ${shapes()}`);
  }
  const stride = spatialArg(opts.stride ?? 1, nd, op, 'stride', 1);
  const dilation = spatialArg(opts.dilation ?? 1, nd, op, 'dilation', 1);
  const pad = resolvePadding(opts.padding ?? 0, nd, op, kernelSize, dilation, stride);
  const outSize = outputSizes(
    { inSize, kernelSize, stride, padBegin: pad.begin, padEnd: pad.end, dilation },
    () => `${op}: ${shapes()}, stride ${shapeStr(stride)}, padding ` +
      (sameShape(pad.begin, pad.end) ? shapeStr(pad.begin) : `{ begin: ${shapeStr(pad.begin)}, end: ${shapeStr(pad.end)} }`),
  );
  return Object.freeze({ batch, inChannels, outChannels, groups, inSize, outSize, kernelSize, stride, padBegin: pad.begin, dilation });
}

/**
 * What inference adds in the conv's own kernel call (kernels.ts convForward): + residual (the
 * output's shape), then ReLU. Nothing is recorded for gradients, so only without them, untraced.
 */
export interface ConvEpilogue {
  residual: Tensor | null;
  relu: boolean;
}

/** The N-d convolution behind conv1d/2d/3d; accepts unbatched (C, ...spatial) input as PyTorch. */
export function convNd(x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvOptions, nd: number, op: string,
  epilogue: ConvEpilogue | null = null): Tensor {
  if (epilogue && (isGradEnabled() || isTracing())) throw new Error(`${op}: a fused residual or ReLU is for inference only (no gradients, no trace)`);
  if (isTracing()) return traceCall(op, [x, weight, bias], { ...opts }, () => convNd(x, weight, bias, opts, nd, op));
  if (x.ndim === nd + 1) {
    const r = epilogue?.residual;
    const unbatched = epilogue && { relu: epilogue.relu, residual: r ? reshape(r, [1, ...r.shape]) : null };
    const y = convNd(reshape(x, [1, ...x.shape]), weight, bias, opts, nd, op, unbatched);
    return reshape(y, y.shape.slice(1));
  }
  const b = bias ?? null;
  const p = cachedParams(x, weight, b, opts, nd, op);
  const residual = epilogue?.residual ?? null;
  const device = deviceOf(op, x, weight, b, residual);
  const k = kernels(device);
  const out = output([p.batch, p.outChannels, ...p.outSize], device);
  if (residual && !sameShape(residual.shape, out.shape)) {
    throw new Error(`${op}: the residual ${shapeStr(residual.shape)} must have the output's shape ${shapeStr(out.shape)}`);
  }
  k.convForward(x.storage, weight.storage, b ? b.storage : null, out.storage, p, residual?.storage ?? null, epilogue?.relu ?? false);
  if (epilogue) return out;
  const inputs = b ? [x, weight, b] : [x, weight];
  return record(out, op, inputs, (g) => {
    const gx = x.requiresGrad ? output(x.shape, device) : null;
    const gw = weight.requiresGrad ? output(weight.shape, device) : null;
    const gb = b?.requiresGrad ? output(b.shape, device) : null;
    if (gx || gw) k.convBackward(x.storage, weight.storage, g.storage, gx?.storage ?? null, gw?.storage ?? null, p);
    // The bias gradient sums gy over the batch and every spatial position.
    if (gb) k.sumTo(g.storage, gb.storage, { shape: g.shape, outStrides: g.shape.map((_, i) => (i === 1 ? 1 : 0)) });
    return b ? [gx, gw, gb] : [gx, gw];
  });
}

/**
 * 1D convolution (cross-correlation, as PyTorch) of x: [N, C, L] (or [C, L]) with weight
 * [outC, C/groups, k].
 * @example F.conv1d(signal, w, b, { padding: 'same' })
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd(x, weight, bias, opts, 1, 'conv1d');
}

/**
 * 2D convolution of x: [N, C, H, W] (or [C, H, W]) with weight [outC, C/groups, kH, kW]; output
 * size per dim r = (q - k + 2p)/s + 1 (rounded down; k is the dilated kernel d·(k−1)+1).
 * @example
 * const x = randn([1, 3, 5, 5]);
 * const w = randn([2, 3, 3, 3]);
 * F.conv2d(x, w, null, { stride: 2, padding: 1 }).shape // [1, 2, 3, 3]
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd(x, weight, bias, opts, 2, 'conv2d');
}

/**
 * 3D convolution of x: [N, C, D, H, W] (or [C, D, H, W]) with weight [outC, C/groups, kD, kH, kW].
 * @example F.conv3d(volume, w, b, { padding: 1 })
 */
export function conv3d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd(x, weight, bias, opts, 3, 'conv3d');
}
