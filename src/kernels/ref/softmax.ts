// Softmax / logSoftmax along one dimension, and the negative log-likelihood that cross-entropy
// builds on. Max-subtraction keeps exp from overflowing.
import type { NllParams, SoftmaxParams } from '../kernels.js';

export function softmaxForward(x: Float32Array, out: Float32Array, p: SoftmaxParams): void {
  const { outer, size, inner, log } = p;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let max = -Infinity;
      for (let s = 0; s < size; s++) max = Math.max(max, x[base + s * inner]!);
      let sum = 0;
      for (let s = 0; s < size; s++) sum += Math.exp(x[base + s * inner]! - max);
      const logSum = Math.log(sum);
      for (let s = 0; s < size; s++) {
        const j = base + s * inner;
        out[j] = log ? x[j]! - max - logSum : Math.exp(x[j]! - max) / sum;
      }
    }
  }
}

// softmax: gx = y · (gy − Σ gy·y);  logSoftmax: gx = gy − exp(y) · Σ gy
export function softmaxBackward(y: Float32Array, gy: Float32Array, gx: Float32Array, p: SoftmaxParams): void {
  const { outer, size, inner, log } = p;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let dot = 0;
      for (let s = 0; s < size; s++) {
        const j = base + s * inner;
        dot += log ? gy[j]! : gy[j]! * y[j]!;
      }
      for (let s = 0; s < size; s++) {
        const j = base + s * inner;
        gx[j] = log ? gy[j]! - Math.exp(y[j]!) * dot : y[j]! * (gy[j]! - dot);
      }
    }
  }
}

export function nllForward(logp: Float32Array, target: Int32Array, loss: Float32Array, p: NllParams): void {
  for (let n = 0; n < p.batch; n++) loss[n] = -logp[n * p.classes + target[n]!]!;
}

export function nllBackward(gLoss: Float32Array, target: Int32Array, gx: Float32Array, p: NllParams): void {
  gx.fill(0, 0, p.batch * p.classes);
  for (let n = 0; n < p.batch; n++) gx[n * p.classes + target[n]!] = -gLoss[n]!;
}
