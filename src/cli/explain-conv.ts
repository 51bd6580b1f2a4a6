// `striate explain conv`: the lecture's slides on convolution as matrix product, computed by the
// engine itself. The input is padded with F.pad, unrolled with F.unfold (im2col) into the
// matrix A (one row per receptive field), multiplied by the flattened kernel Θ with matmul, and
// the product reshaped to the output; F.conv2d computes the same output as a cross-check.
import { noGrad } from '../autograd/grad-mode.js';
import { convOutputSize } from '../ops/conv-geometry.js';
import { tensor } from '../ops/creation.js';
import * as F from '../ops/functional.js';
import { Rng } from '../tensor/rng.js';
import { UsageError } from './usage-error.js';
import { fmtNum, formatMatrix, toRows } from './format.js';

/** The lecture's 5×5 example. */
export const LECTURE_INPUT = [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]];
export const LECTURE_KERNEL = [[0, 1, 2], [2, 2, 0], [0, 1, 2]];

export interface ExplainConvInput {
  input: number[][];
  kernel: number[][];
  padding: number;
  stride: number;
}

export interface ExplainConvResult extends ExplainConvInput {
  padded: number[][];
  /** im2col matrix: one row per output position (receptive field), one column per kernel entry. */
  A: number[][];
  /** The kernel flattened row by row into a column. */
  theta: number[];
  /** A·Θ, one entry per output position. */
  product: number[];
  output: number[][];
  /** Output of F.conv2d on the same input, for the cross-check. */
  conv2d: number[][];
  /** One line per spatial dimension: r = (q − k + 2p)/s + 1 with the numbers. */
  formulas: string[];
}

/** Random integers for `--size`: the input in 0..3, the kernel in −1..2 (small, readable numbers). */
export function randomExample(q: [number, number], k: [number, number], seed: number): { input: number[][]; kernel: number[][] } {
  const rng = new Rng(seed);
  const ints = (rows: number, cols: number, lo: number, hi: number): number[][] =>
    Array.from({ length: rows }, () => Array.from({ length: cols }, () => lo + Math.floor(rng.uniform() * (hi - lo + 1))));
  return { input: ints(q[0], q[1], 0, 3), kernel: ints(k[0], k[1], -1, 2) };
}

/** r = (q − k + 2p)/s + 1 with the numbers filled in (⌊⌋ when the division is not exact). */
export function sizeFormula(q: number, k: number, p: number, s: number, r: number): string {
  const exact = (q - k + 2 * p) % s === 0;
  const inner = `(${q} − ${k} + 2·${p})/${s}`;
  return `r = ${exact ? '' : '⌊'}(q − k + 2p)/s${exact ? '' : '⌋'} + 1 = ${exact ? '' : '⌊'}${inner}${exact ? '' : '⌋'} + 1 = ${r}`;
}

/** Computes every stage of the explanation. */
export function explainConv(e: ExplainConvInput): ExplainConvResult {
  const [qh, qw] = [e.input.length, e.input[0]!.length];
  const [kh, kw] = [e.kernel.length, e.kernel[0]!.length];
  const { padding: p, stride: s } = e;
  const dims: [string, number, number][] = [['height', qh, kh], ['width', qw, kw]];
  let out: number[];
  try {
    out = convOutputSize([qh, qw], [kh, kw], { stride: s, padding: p });
  } catch (err) {
    throw new UsageError(`explain conv: ${(err as Error).message}`);
  }
  const [rh, rw] = out as [number, number];
  const formulas = qh === qw && kh === kw
    ? [sizeFormula(qh, kh, p, s, rh)]
    : dims.map(([name, q, k], i) => `${name}: ${sizeFormula(q, k, p, s, out[i]!)}`);
  return noGrad(() => {
    const x = tensor(e.input.flat(), [1, 1, qh, qw]);
    const w = tensor(e.kernel.flat(), [1, 1, kh, kw]);
    const padded = p > 0 ? F.pad(x, [p, p, p, p]) : x;
    const [ph, pw] = [qh + 2 * p, qw + 2 * p];
    // F.unfold gives (kh·kw, rh·rw), one column per window; A is its transpose, as on the slides.
    const A = F.unfold(padded, [kh, kw], { stride: s }).reshape([kh * kw, rh * rw]).transpose(0, 1);
    const theta = tensor(e.kernel.flat(), [kh * kw, 1]);
    const product = A.matmul(theta).toArray();
    const conv = F.conv2d(x, w, null, { stride: s, padding: p }).toArray();
    return {
      ...e,
      padded: toRows(padded.toArray(), ph, pw),
      A: toRows(A.toArray(), rh * rw, kh * kw),
      theta: e.kernel.flat(),
      product: Array.from(product),
      output: toRows(product, rh, rw),
      conv2d: toRows(conv, rh, rw),
      formulas,
    };
  });
}

/** The explanation as text, stage by stage. */
export function formatExplainConv(r: ExplainConvResult): string {
  const [qh, qw] = [r.input.length, r.input[0]!.length];
  const [kh, kw] = [r.kernel.length, r.kernel[0]!.length];
  const [rh, rw] = [r.output.length, r.output[0]!.length];
  const same = r.output.every((row, i) => row.every((v, j) => Math.abs(v - r.conv2d[i]![j]!) <= 1e-4 * Math.max(1, Math.abs(v))));
  const lines = [
    `Convolution (cross-correlation, as in every CNN) of a ${qh}×${qw} input with a ${kh}×${kw} kernel, padding p = ${r.padding}, stride s = ${r.stride}`,
    '',
    `Input (${qh}×${qw}):`, formatMatrix(r.input),
    '',
    `Kernel (${kh}×${kw}):`, formatMatrix(r.kernel),
    '',
    r.padding > 0 ? `Padded input (${qh + 2 * r.padding}×${qw + 2 * r.padding}, ${r.padding} zero${r.padding > 1 ? 's' : ''} on each side):` : 'Padded input (p = 0, unchanged):',
    formatMatrix(r.padded),
    '',
    'Output size:',
    ...r.formulas.map((f) => `  ${f}`),
    '',
    `im2col matrix A (${rh * rw}×${kh * kw}): row i is the ${kh}×${kw} receptive field of output position i, read row by row`,
    formatMatrix(r.A),
    '',
    `Flattened kernel Θ (${kh * kw}×1), the kernel read row by row:`,
    formatMatrix(r.theta.map((v) => [v])),
    '',
    `Product A·Θ (${rh * rw}×1):`,
    formatMatrix(r.product.map((v) => [v])),
    '',
    `Reshaped to the ${rh}×${rw} output:`,
    formatMatrix(r.output),
    '',
    `F.conv2d on the same input gives ${same ? 'the same output' : 'a DIFFERENT output:'}${same ? '.' : ''}`,
    ...(same ? [] : [formatMatrix(r.conv2d)]),
    `Cost: ${rh * rw} positions × ${kh * kw} multiply-adds = ${fmtNum(rh * rw * kh * kw)} MACs.`,
  ];
  return `${lines.join('\n')}\n`;
}
