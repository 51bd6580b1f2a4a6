// F.convTranspose1d / 2d / 3d: the adjoint of a convolution, built on the conv kernels every
// backend already has (no kernel of its own). A transposed conv with weight [inC, outC/G, ...k]
// is exactly the input gradient of the conv that maps its output back to its input:
//   forward       y  = convBackwardInput(x, w)           (x plays that conv's output gradient)
//   grad input    gx = convForward(gy, w)
//   grad weight   gw = convBackwardWeight(gy, x)          (roles of input and output swapped)
// so `adjoint` below describes that conv: its input is our output and its output our input.
import type { ConvParams } from '../kernels/kernels.js';
import { contiguousStrides, shapeStr } from '../tensor/shape.js';
import { resolvePadding, spatialArg, spatialDimName, spatialNames, type SpatialArg } from './conv-geometry.js';
import { deviceOf, kernels, output, record } from './record.js';
import { reshape } from './shape-ops.js';
import type { Tensor } from './tensor.js';
import { isTracing, traceCall } from './trace.js';

export interface ConvTransposeOptions {
  stride?: SpatialArg;
  /** Zeros removed from each side of the output: symmetric per dim, or `{ begin, end }`. */
  padding?: SpatialArg | { begin: SpatialArg; end: SpatialArg };
  /** Extra rows at the end of each dim, to pick among the sizes a strided conv maps to one size. */
  outputPadding?: SpatialArg;
  dilation?: SpatialArg;
  groups?: number;
}

/** Checks the call and describes the adjoint conv; throws naming the op, the shapes and the formula. */
function adjointParams(x: Tensor, weight: Tensor, bias: Tensor | null, opts: ConvTransposeOptions, nd: number, op: string): ConvParams {
  const shapes = `input ${shapeStr(x.shape)}, weight ${shapeStr(weight.shape)}`;
  if (x.ndim !== nd + 2) {
    throw new Error(`${op}: expected a ${nd + 2}-D input (N, C, ${spatialNames(nd)}) or ${nd + 1}-D unbatched, got ${shapes}`);
  }
  if (weight.ndim !== nd + 2) {
    throw new Error(`${op}: expected a ${nd + 2}-D weight (inC, outC/groups, ${spatialNames(nd)}), got ${shapes}`);
  }
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${op}: groups must be a positive integer, got ${groups}`);
  const [batch, inChannels] = [x.shape[0]!, x.shape[1]!];
  if (inChannels !== weight.shape[0]) {
    throw new Error(`${op}: ${shapes}: the input has ${inChannels} channels but the weight expects weight.shape[0] = ${weight.shape[0]}`);
  }
  if (inChannels % groups !== 0) {
    throw new Error(`${op}: groups=${groups} must divide the input channels, got ${shapes} (${inChannels} channels)`);
  }
  const outChannels = weight.shape[1]! * groups;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outChannels)) {
    throw new Error(
      `${op}: bias ${shapeStr(bias.shape)} must be [${outChannels}] (weight.shape[1]·groups output channels) for weight ${shapeStr(weight.shape)}`,
    );
  }
  const inSize = x.shape.slice(2);
  const kernelSize = weight.shape.slice(2);
  if (inSize.some((v) => v < 1) || kernelSize.some((v) => v < 1) || outChannels < 1 || inChannels < 1) {
    throw new Error(`${op}: empty spatial, channel or kernel dimension in ${shapes}`);
  }
  const stride = spatialArg(opts.stride ?? 1, nd, op, 'stride', 1);
  const dilation = spatialArg(opts.dilation ?? 1, nd, op, 'dilation', 1);
  const outputPadding = spatialArg(opts.outputPadding ?? 0, nd, op, 'outputPadding', 0);
  if (typeof opts.padding === 'string') {
    throw new Error(`${op}: padding must be a number, an array or { begin, end }, got '${opts.padding as string}'`);
  }
  const pad = resolvePadding(opts.padding ?? 0, nd, op, kernelSize, dilation, stride);
  const outSize = inSize.map((q, i) => {
    const [s, d, k, a, p1, p2] = [stride[i]!, dilation[i]!, kernelSize[i]!, outputPadding[i]!, pad.begin[i]!, pad.end[i]!];
    const dim = spatialDimName(i, nd);
    // PyTorch's rule: otherwise the extra rows would be more than one stride's ambiguity.
    if (a >= s && a >= d) {
      throw new Error(`${op}: outputPadding ${a} along ${dim} must be smaller than the stride ${s} or the dilation ${d}`);
    }
    const r = (q - 1) * s - p1 - p2 + d * (k - 1) + a + 1;
    if (r < 1) {
      const pads = p1 === p2 ? `2p + d·(k - 1) + a + 1 = (${q} - 1)·${s} - 2·${p1}` : `p_begin - p_end + d·(k - 1) + a + 1 = (${q} - 1)·${s} - ${p1} - ${p2}`;
      throw new Error(
        `${op}: ${shapes}: the padding removes the whole output along ${dim}: ` +
          `r = (q - 1)·s - ${pads} + ${d}·(${k} - 1) + ${a} + 1 = ${r}, need r ≥ 1 ` +
          `(q input size, s stride, p padding, d dilation, k kernel size, a outputPadding)`,
      );
    }
    return r;
  });
  return {
    batch, inChannels: outChannels, outChannels: inChannels, groups,
    inSize: outSize, outSize: inSize, kernelSize, stride, padBegin: pad.begin, dilation,
  };
}

/** The N-d transposed convolution behind convTranspose1d/2d/3d; accepts unbatched input. */
function convTransposeNd(
  x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvTransposeOptions, nd: number, op: string,
): Tensor {
  if (isTracing()) return traceCall(op, [x, weight, bias], { ...opts }, () => convTransposeNd(x, weight, bias, opts, nd, op));
  if (x.ndim === nd + 1) {
    const y = convTransposeNd(reshape(x, [1, ...x.shape]), weight, bias, opts, nd, op);
    return reshape(y, y.shape.slice(1));
  }
  const b = bias ?? null;
  const p = adjointParams(x, weight, b, opts, nd, op);
  const shape = [p.batch, p.inChannels, ...p.inSize];
  const device = deviceOf(op, x, weight, b);
  const k = kernels(device);
  const out = output(shape, device);
  k.convBackwardInput(x.storage, weight.storage, out.storage, p);
  if (b) {
    const bStrides = shape.map((_, i) => (i === 1 ? 1 : 0));
    k.binary('add', out.storage, b.storage, out.storage, { shape, aStrides: contiguousStrides(shape), bStrides });
  }
  const inputs = b ? [x, weight, b] : [x, weight];
  return record(out, op, inputs, (g) => {
    const gx = x.requiresGrad ? output(x.shape, device) : null;
    const gw = weight.requiresGrad ? output(weight.shape, device) : null;
    const gb = b?.requiresGrad ? output(b.shape, device) : null;
    if (gx) k.convForward(g.storage, weight.storage, null, gx.storage, p);
    if (gw) k.convBackwardWeight(g.storage, x.storage, gw.storage, p);
    if (gb) k.sumTo(g.storage, gb.storage, { shape: g.shape, outStrides: g.shape.map((_, i) => (i === 1 ? 1 : 0)) });
    return b ? [gx, gw, gb] : [gx, gw];
  });
}

/**
 * 1D transposed convolution of x: [N, inC, L] (or [inC, L]) with weight [inC, outC/groups, k].
 * @example F.convTranspose1d(x, w, null, { stride: 2 }) // [1, 4, 10] with w [4, 2, 3] → [1, 2, 21]
 */
export function convTranspose1d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd(x, weight, bias, opts, 1, 'convTranspose1d');
}

/**
 * 2D transposed convolution (the gradient of conv2d with respect to its input, as a layer) of
 * x: [N, inC, H, W] with weight [inC, outC/groups, kH, kW]; output size per dim
 * r = (q - 1)·s - 2p + d·(k - 1) + outputPadding + 1.
 * @example
 * const up = F.convTranspose2d(randn([1, 8, 4, 4]), randn([8, 3, 4, 4]), null, { stride: 2, padding: 1 });
 * up.shape // [1, 3, 8, 8]
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd(x, weight, bias, opts, 2, 'convTranspose2d');
}

/**
 * 3D transposed convolution of x: [N, inC, D, H, W] with weight [inC, outC/groups, kD, kH, kW].
 * @example F.convTranspose3d(volume, w, b, { stride: 2, outputPadding: 1 })
 */
export function convTranspose3d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd(x, weight, bias, opts, 3, 'convTranspose3d');
}
