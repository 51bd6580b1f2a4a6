// Panel 3's numbers: the lecture's convolution as a matrix product (explain-conv.ts, the same code
// as `striate explain conv`), the multi-channel example, pooling windows and a 1-D signal, each
// computed by the engine's own F.unfold (im2col), matmul, F.conv*, F.*Pool2d.
import { explainConv, LECTURE_INPUT, LECTURE_KERNEL, randomExample, sizeFormula, type ExplainConvResult } from '../../../src/cli/explain-conv.js';
import { toRows } from '../../../src/cli/format.js';
import { convOutputSize } from '../../../src/ops/conv-geometry.js';
import { noGrad, tensor, F, type Tensor } from '../../../src/index.js';
import { Rng } from '../../../src/tensor/rng.js';

export interface ConvStepsArgs { q: number; k: number; p: number; s: number }

/** The lecture's 5×5 input and 3×3 kernel when q = 5 and k = 3; seeded small integers otherwise. */
export function convSteps({ q, k, p, s }: ConvStepsArgs): ExplainConvResult {
  const random = randomExample([q, q], [k, k], 7);
  return explainConv({
    input: q === 5 ? LECTURE_INPUT : random.input,
    kernel: k === 3 ? LECTURE_KERNEL : random.kernel,
    padding: p,
    stride: s,
  });
}

/** im2col of one [1, C, H, W] image: A with one row per window, one column per (channel, tap). */
function windows(x: Tensor, k: number, s: number): { A: number[][]; r: number } {
  const [c, h] = [x.shape[1]!, x.shape[2]!];
  const r = convOutputSize([h], [k], { stride: s })[0]!;
  // F.unfold gives [1, c·k·k, r·r], one column per window; A is its transpose.
  const A = F.unfold(x, k, { stride: s }).reshape([c * k * k, r * r]).transpose(0, 1);
  return { A: toRows(A.toArray(), r * r, c * k * k), r };
}

export interface MultiChannelResult {
  input: number[][][]; kernels: number[][][][]; bias: number[]; padding: number; stride: number;
  A: number[][]; theta: number[][]; Z: number[][][]; conv2d: number[][][]; formula: string; r: number;
}

/** The lecture's [5 5 3] input, two [3 3 3] kernels, p = 1, s = 2: A [9 27], Θ [27 2], Z [3 3 2] with the bias. */
export function multiChannel(): MultiChannelResult {
  const [q, c, k, n, p, s] = [5, 3, 3, 2, 1, 2];
  const rng = new Rng(11);
  const ints = (count: number, lo: number, hi: number) => Float32Array.from({ length: count }, () => lo + Math.floor(rng.uniform() * (hi - lo + 1)));
  const xv = ints(c * q * q, 0, 2);
  const wv = ints(n * c * k * k, -1, 1);
  const bias = [1, 0];
  return noGrad(() => {
    const x = tensor(xv, [1, c, q, q]);
    const w = tensor(wv, [n, c, k, k]);
    const { A, r } = windows(F.pad(x, [p, p, p, p]), k, s);
    // Θ: (c·k·k, n), column j is kernel j read channel by channel, row by row.
    const theta = w.reshape([n, c * k * k]).transpose(0, 1);
    const Z = tensor(A.flat(), [r * r, c * k * k]).matmul(theta).add(tensor(bias, [1, n])).toArray();
    const conv = F.conv2d(x, w, tensor(bias, [n]), { stride: s, padding: p }).toArray();
    const hwc = (v: Float32Array, fromNchw: boolean) => Array.from({ length: r }, (_, i) => Array.from({ length: r }, (_, j) =>
      Array.from({ length: n }, (_, m) => v[fromNchw ? (m * r + i) * r + j : (i * r + j) * n + m]!)));
    return {
      input: Array.from({ length: c }, (_, ch) => toRows(xv.subarray(ch * q * q, (ch + 1) * q * q), q, q)),
      kernels: Array.from({ length: n }, (_, m) => Array.from({ length: c }, (_, ch) => toRows(wv.subarray((m * c + ch) * k * k, (m * c + ch + 1) * k * k), k, k))),
      bias, padding: p, stride: s, A,
      theta: toRows(theta.toArray(), c * k * k, n),
      Z: hwc(Z, false), conv2d: hwc(conv, true),
      formula: sizeFormula(q, k, p, s, r), r,
    };
  });
}

export interface PoolingResult { input: number[][]; A: number[][]; max: number[][]; avg: number[][]; formula: string }

/** Max and average pooling of the lecture's 5×5 input: the same windows (rows of A), one number each. */
export function pooling({ k, s }: { k: number; s: number }): PoolingResult {
  const q = LECTURE_INPUT.length;
  const x = tensor(LECTURE_INPUT.flat(), [1, 1, q, q]);
  const { A, r } = windows(x, k, s);
  return {
    input: LECTURE_INPUT, A,
    max: toRows(F.maxPool2d(x, { kernelSize: k, stride: s }).toArray(), r, r),
    avg: toRows(F.avgPool2d(x, { kernelSize: k, stride: s }).toArray(), r, r),
    formula: sizeFormula(q, k, 0, s, r),
  };
}

export interface SignalResult { signal: number[]; kernel: number[]; padded: number[]; same: number[]; valid: number[]; formulas: { same: string; valid: string } }

/** A 1-D signal through F.conv1d with one zero on each side ('same') against no padding ('valid'). */
export function signal(): SignalResult {
  const sig = [1, 3, 2, 5, 4, 1, 0, 2];
  const kernel = [1, 0, -1];
  const x = tensor(sig, [1, 1, sig.length]);
  const w = tensor(kernel, [1, 1, kernel.length]);
  const q = sig.length;
  const k = kernel.length;
  return {
    signal: sig, kernel,
    padded: Array.from(F.pad(x, [1, 1]).toArray()),
    same: Array.from(F.conv1d(x, w, null, { padding: 1 }).toArray()),
    valid: Array.from(F.conv1d(x, w, null, { padding: 'valid' }).toArray()),
    formulas: { same: sizeFormula(q, k, 1, 1, q), valid: sizeFormula(q, k, 0, 1, q - k + 1) },
  };
}
