// F.pad: constant, reflect and replicate padding in PyTorch's argument order, with backward; and
// the option-A shortcut's subsampling with zero channels, on the same kernels.
import type { PadMode, PadParams } from '../kernels/kernels.js';
import { shapeStr } from '../tensor/shape.js';
import { maxPool1d, maxPool2d, maxPool3d } from './pool.js';
import { kernels, output, record } from './record.js';
import type { Tensor } from './tensor.js';
import { isTracing, traceCall } from './trace.js';

export interface PadOptions {
  mode?: PadMode;
  /** The fill of mode 'constant'. */
  value?: number;
}

/**
 * Pads the last dims of x. `pads` is PyTorch's order, last dim first:
 * [left, right, top, bottom, front, back]; negative values crop. Modes: 'constant' (value),
 * 'reflect' (mirror without repeating the edge; each pad must be smaller than its dim) and
 * 'replicate' (repeat the edge).
 * @example
 * F.pad(tensor([1, 2, 3], [1, 1, 3]), [2, 1], { mode: 'reflect' }).toArray() // [3, 2, 1, 2, 3, 2]
 */
export function pad(x: Tensor, pads: readonly number[], { mode = 'constant', value = 0 }: PadOptions = {}): Tensor {
  const op = 'pad';
  if (isTracing()) return traceCall(op, [x], { pads, mode, value }, () => pad(x, pads, { mode, value }));
  if (mode !== 'constant' && mode !== 'reflect' && mode !== 'replicate') {
    throw new Error(`${op}: mode must be 'constant', 'reflect' or 'replicate', got '${String(mode)}'`);
  }
  if (pads.length % 2 !== 0 || pads.length / 2 > x.ndim) {
    throw new Error(
      `${op}: pads [${pads.join(', ')}] must hold (before, after) pairs for at most the ${x.ndim} dims of ` +
        `input ${shapeStr(x.shape)}, last dim first`,
    );
  }
  if (pads.some((v) => !Number.isInteger(v))) throw new Error(`${op}: pads must be integers, got [${pads.join(', ')}]`);
  const padBegin = new Array<number>(x.ndim).fill(0);
  const padEnd = new Array<number>(x.ndim).fill(0);
  for (let i = 0; i < pads.length / 2; i++) {
    const d = x.ndim - 1 - i;
    padBegin[d] = pads[2 * i]!;
    padEnd[d] = pads[2 * i + 1]!;
  }
  const outShape = x.shape.map((s, d) => s + padBegin[d]! + padEnd[d]!);
  outShape.forEach((s, d) => {
    const size = x.shape[d]!;
    if (s < 1 && (padBegin[d] !== 0 || padEnd[d] !== 0)) {
      throw new Error(
        `${op}: padding (${padBegin[d]}, ${padEnd[d]}) of dim ${d} of input ${shapeStr(x.shape)} gives size ${s}, need ≥ 1`,
      );
    }
    if (mode === 'reflect' && (padBegin[d]! >= Math.max(size, 1) || padEnd[d]! >= Math.max(size, 1))) {
      throw new Error(
        `${op}: reflect padding (${padBegin[d]}, ${padEnd[d]}) of dim ${d} must be smaller than that dim ` +
          `(size ${size}) of input ${shapeStr(x.shape)}`,
      );
    }
    if (mode === 'replicate' && size < 1 && s > 0) {
      throw new Error(`${op}: replicate padding needs a non-empty dim ${d}, got input ${shapeStr(x.shape)}`);
    }
  });
  return padded(op, x, { inShape: x.shape, outShape, padBegin, mode, value });
}

/**
 * ResNet's option-A shortcut: x (N, C, ...spatial) subsampled by `stride` in every spatial dim
 * (x[:, :, ::s, ::s]), then `before` and `after` channels of zeros around its C, in one pass forward
 * and one backward (a 1×1 max pool then F.pad took two of each, and an argmax). Traced as those two.
 * @example subsamplePadChannels(x, 2, 8, 8) // x: [128, 16, 32, 32] → [128, 32, 16, 16]
 */
export function subsamplePadChannels(x: Tensor, stride: number, before: number, after: number): Tensor {
  const op = 'subsamplePadChannels';
  if (x.ndim < 3 || x.ndim > 5) throw new Error(`${op}: input ${shapeStr(x.shape)} must be (N, C, ...1 to 3 spatial dims)`);
  if (![stride, before + 1, after + 1].every((v) => Number.isInteger(v) && v >= 1)) {
    throw new Error(`${op}: stride must be a positive integer and the channel pads non-negative integers, got ${stride}, ${before}, ${after}`);
  }
  if (isTracing()) {
    const sub = [maxPool1d, maxPool2d, maxPool3d][x.ndim - 3]!(x, { kernelSize: 1, stride });
    return pad(sub, [...new Array<number>(2 * (x.ndim - 2)).fill(0), before, after]);
  }
  const spatial = x.shape.slice(2);
  const outShape = [x.shape[0]!, before + x.shape[1]! + after, ...spatial.map((s) => Math.ceil(s / stride))];
  const step = [1, 1, ...spatial.map(() => stride)];
  return padded(op, x, { inShape: x.shape, outShape, padBegin: [0, before, ...spatial.map(() => 0)], mode: 'constant', value: 0, step });
}

// The pad op on checked parameters: forward, and the backward that scatters the gradient back.
function padded(op: string, x: Tensor, p: PadParams): Tensor {
  const device = x.device;
  const out = output(p.outShape, device);
  kernels(device).padForward(x.storage, out.storage, p);
  return record(out, op, [x], (g) => {
    const gx = output(x.shape, device);
    kernels(device).padBackward(g.storage, gx.storage, p);
    return [gx];
  });
}
