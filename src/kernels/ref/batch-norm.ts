// Batch normalisation over (N, C, S): per channel c, the statistics run over the N·S values
// x[n, c, s]. S is the product of the spatial dims, 1 for (N, C) input.
import type { BatchNormParams, BatchNormStatsParams } from '../kernels.js';

// x: (N, C, S); mean, variance: (C). Two passes in float64: the one-pass E[x²] − E[x]² form
// loses every digit when |mean| ≫ std, which happens with un-normalised pixel inputs.
export function batchNormStats(x: Float32Array, mean: Float32Array, variance: Float32Array, p: BatchNormParams): void {
  const { batch, channels, spatial } = p;
  const count = batch * spatial;
  for (let c = 0; c < channels; c++) {
    let s = 0;
    for (let n = 0; n < batch; n++) {
      const base = (n * channels + c) * spatial;
      for (let i = 0; i < spatial; i++) s += x[base + i]!;
    }
    const m = s / count;
    let ss = 0;
    for (let n = 0; n < batch; n++) {
      const base = (n * channels + c) * spatial;
      for (let i = 0; i < spatial; i++) {
        const d = x[base + i]! - m;
        ss += d * d;
      }
    }
    mean[c] = m;
    variance[c] = ss / count;
  }
}

// mean, variance, invStd, runningMean, runningVar: (C). Training: invStd from this batch's biased
// variance, running statistics moved toward the batch's (running_var with the unbiased variance,
// PyTorch's rule); eval: mean and invStd from the running statistics.
export function batchNormFinishStats(
  mean: Float32Array, variance: Float32Array, invStd: Float32Array, runningMean: Float32Array | null,
  runningVar: Float32Array | null, p: BatchNormStatsParams,
): void {
  const { channels, eps, momentum } = p;
  if (p.training) {
    for (let c = 0; c < channels; c++) invStd[c] = 1 / Math.sqrt(variance[c]! + eps);
    if (runningMean && runningVar) {
      const unbias = p.count / (p.count - 1);
      for (let c = 0; c < channels; c++) {
        runningMean[c] = (1 - momentum) * runningMean[c]! + momentum * mean[c]!;
        runningVar[c] = (1 - momentum) * runningVar[c]! + momentum * variance[c]! * unbias;
      }
    }
  } else {
    // Copies: the backward pass must see the statistics of this forward, even if they change later.
    mean.set(runningMean!.subarray(0, channels));
    for (let c = 0; c < channels; c++) invStd[c] = 1 / Math.sqrt(runningVar![c]! + eps);
  }
}

// x, out: (N, C, S); mean, invStd, weight, bias: (C). out may alias x.
export function batchNormForward(
  x: Float32Array, mean: Float32Array, invStd: Float32Array, weight: Float32Array | null, bias: Float32Array | null,
  out: Float32Array, p: BatchNormParams,
): void {
  normalize(x, mean, invStd, weight, bias, null, false, out, p);
}

// Batch norm, + residual (N, C, S) when given, then ReLU: out = max(0, bn(x) + residual) in one
// pass. out may alias x or residual.
export function batchNormReluForward(
  x: Float32Array, mean: Float32Array, invStd: Float32Array, weight: Float32Array | null, bias: Float32Array | null,
  residual: Float32Array | null, out: Float32Array, p: BatchNormParams,
): void {
  normalize(x, mean, invStd, weight, bias, residual, true, out, p);
}

function normalize(
  x: Float32Array, mean: Float32Array, invStd: Float32Array, weight: Float32Array | null, bias: Float32Array | null,
  residual: Float32Array | null, relu: boolean, out: Float32Array, p: BatchNormParams,
): void {
  const { batch, channels, spatial } = p;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      // Folded into one multiply-add per element: out = x·scale + shift.
      const scale = invStd[c]! * (weight ? weight[c]! : 1);
      const shift = (bias ? bias[c]! : 0) - mean[c]! * scale;
      const base = (n * channels + c) * spatial;
      for (let i = 0; i < spatial; i++) {
        // The residual added in float32, as a separate add would.
        const v = Math.fround(x[base + i]! * scale + shift) + (residual ? residual[base + i]! : 0);
        out[base + i] = relu && !(v > 0) ? 0 : v;
      }
    }
  }
}

// x, gy, gx: (N, C, S); mean, invStd, weight, gWeight, gBias: (C). Any of gx, gWeight, gBias may
// be null when that gradient is not wanted; the others are overwritten.
// With x̂ = (x − μ)·σ⁻¹ and y = γ·x̂ + β:
//   gβ = Σ gy,  gγ = Σ gy·x̂                                     (sums over n and s)
//   eval (μ, σ constants):  gx = γ·σ⁻¹·gy
//   training (μ, σ from this batch, M = N·S values per channel):
//     gx = γ·σ⁻¹·(gy − gβ/M − x̂·gγ/M)
// the last two terms being the gradient that flows back through μ and σ².
export function batchNormBackward(
  x: Float32Array, gy: Float32Array, mean: Float32Array, invStd: Float32Array, weight: Float32Array | null,
  gx: Float32Array | null, gWeight: Float32Array | null, gBias: Float32Array | null, training: boolean,
  p: BatchNormParams,
): void {
  normalizeBackward(x, null, gy, mean, invStd, weight, gx, gWeight, gBias, null, training, p);
}

// The backward of batchNormReluForward: y is its output, so the ReLU passes g = gy·[y > 0]; that
// g is the residual's gradient (gResidual, when wanted) and batch norm's incoming gradient.
export function batchNormReluBackward(
  x: Float32Array, y: Float32Array | null, gy: Float32Array, mean: Float32Array, invStd: Float32Array,
  weight: Float32Array | null, bias: Float32Array | null, gx: Float32Array | null, gWeight: Float32Array | null,
  gBias: Float32Array | null, gResidual: Float32Array | null, training: boolean, p: BatchNormParams,
): void {
  // Without y (no residual), the forward's output again.
  let out = y;
  if (!out) {
    out = new Float32Array(x.length);
    batchNormReluForward(x, mean, invStd, weight, bias, null, out, p);
  }
  normalizeBackward(x, out, gy, mean, invStd, weight, gx, gWeight, gBias, gResidual, training, p);
}

function normalizeBackward(
  x: Float32Array, y: Float32Array | null, gy: Float32Array, mean: Float32Array, invStd: Float32Array,
  weight: Float32Array | null, gx: Float32Array | null, gWeight: Float32Array | null, gBias: Float32Array | null,
  gResidual: Float32Array | null, training: boolean, p: BatchNormParams,
): void {
  const { batch, channels, spatial } = p;
  const count = batch * spatial;
  const grad = (j: number) => (y && !(y[j]! > 0) ? 0 : gy[j]!);
  for (let c = 0; c < channels; c++) {
    const m = mean[c]!;
    const is = invStd[c]!;
    let sumGy = 0;
    let sumGyXhat = 0;
    for (let n = 0; n < batch; n++) {
      const base = (n * channels + c) * spatial;
      for (let i = 0; i < spatial; i++) {
        const g = grad(base + i);
        if (gResidual) gResidual[base + i] = g;
        sumGy += g;
        sumGyXhat += g * (x[base + i]! - m) * is;
      }
    }
    if (gBias) gBias[c] = sumGy;
    if (gWeight) gWeight[c] = sumGyXhat;
    if (!gx) continue;
    const k = is * (weight ? weight[c]! : 1);
    const meanGy = training ? sumGy / count : 0;
    const meanGyXhat = training ? sumGyXhat / count : 0;
    for (let n = 0; n < batch; n++) {
      const base = (n * channels + c) * spatial;
      for (let i = 0; i < spatial; i++) {
        const xhat = (x[base + i]! - m) * is;
        gx[base + i] = k * (grad(base + i) - meanGy - xhat * meanGyXhat);
      }
    }
  }
}
