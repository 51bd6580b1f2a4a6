// Convolution (1D, 2D, 3D; stride, padding, dilation, groups) as im2col + gemm, per image and
// group, exactly as the lecture derives it:
//   forward          out_g (Cout/G, P) = W_g (Cout/G, Cin/G·K) · A (Cin/G·K, P)  (+ bias)
//   backward input   A' = W_gᵀ · gy_g, then col2im(A') scatter-adds into gx
//   backward weight  gW_g += gy_g · Aᵀ
// where A is im2col of the group's input channels, K = ∏kernelSize and P = ∏outSize.
// The columns buffer is scratch owned by the call (one per call, reused for every image/group).
import type { ConvParams, GemmParams } from '../kernels.js';
import { gemm } from './gemm.js';
import { col2im, im2col, type Im2colParams } from './im2col.js';

interface ConvLayout {
  inPlane: number; // ∏inSize
  outPlane: number; // P = ∏outSize
  cinG: number; // input channels per group
  coutG: number; // output channels per group
  rows: number; // Cin/G · K: rows of A, columns of W_g
  geom: Im2colParams; // one group's channels of one image
  pointwise: boolean; // 1×1 kernel, stride 1, no padding: A is the input itself, no copy needed
}

function layout(p: ConvParams): ConvLayout {
  const prod = (a: readonly number[]): number => a.reduce((s, v) => s * v, 1);
  const cinG = p.inChannels / p.groups;
  const kVol = prod(p.kernelSize);
  const pointwise = kVol === 1 &&
    p.stride.every((s) => s === 1) && p.padBegin.every((v) => v === 0) &&
    p.inSize.every((v, i) => v === p.outSize[i]);
  return {
    inPlane: prod(p.inSize),
    outPlane: prod(p.outSize),
    cinG,
    coutG: p.outChannels / p.groups,
    rows: cinG * kVol,
    geom: {
      channels: cinG, inSize: p.inSize, outSize: p.outSize, kernelSize: p.kernelSize,
      stride: p.stride, padBegin: p.padBegin, dilation: p.dilation,
    },
    pointwise,
  };
}

function gemmParams(m: number, n: number, k: number, transA: boolean, transB: boolean, accumulate: boolean): GemmParams {
  return { m, n, k, transA, transB, accumulate };
}

// x: (N, Cin, ...in), w: (Cout, Cin/G, ...k), bias: (Cout) | null, out: (N, Cout, ...out); then
// + residual and ReLU (the epilogue, kernels.ts) as plain loops.
export function convForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, p: ConvParams,
  residual: Float32Array | null = null, relu = false): void {
  const L = layout(p);
  const { inPlane, outPlane: P, cinG, coutG, rows } = L;
  const cols = L.pointwise ? null : new Float32Array(rows * P); // A: (rows, P)
  for (let n = 0; n < p.batch; n++) {
    for (let g = 0; g < p.groups; g++) {
      const xStart = (n * p.inChannels + g * cinG) * inPlane;
      const xg = x.subarray(xStart, xStart + cinG * inPlane); // (Cin/G, ...in)
      const wg = w.subarray(g * coutG * rows, (g + 1) * coutG * rows); // (Cout/G, rows)
      const oStart = (n * p.outChannels + g * coutG) * P;
      const og = out.subarray(oStart, oStart + coutG * P); // (Cout/G, P)
      // Starting from the bias and accumulating saves a second pass over the output.
      if (bias) for (let o = 0; o < coutG; o++) og.fill(bias[g * coutG + o]!, o * P, (o + 1) * P);
      if (cols) im2col(xg, cols, L.geom);
      gemm(wg, cols ?? xg, og, gemmParams(coutG, P, rows, false, false, bias !== null));
    }
  }
  const size = p.batch * p.outChannels * P;
  if (residual) for (let i = 0; i < size; i++) out[i] = out[i]! + residual[i]!;
  if (relu) for (let i = 0; i < size; i++) out[i] = out[i]! > 0 ? out[i]! : 0;
}

// gy: (N, Cout, ...out), w: (Cout, Cin/G, ...k), gx: (N, Cin, ...in) overwritten
export function convBackwardInput(gy: Float32Array, w: Float32Array, gx: Float32Array, p: ConvParams): void {
  const L = layout(p);
  const { inPlane, outPlane: P, cinG, coutG, rows } = L;
  gx.fill(0, 0, p.batch * p.inChannels * inPlane);
  const cols = L.pointwise ? null : new Float32Array(rows * P); // A': (rows, P)
  for (let n = 0; n < p.batch; n++) {
    for (let g = 0; g < p.groups; g++) {
      const wg = w.subarray(g * coutG * rows, (g + 1) * coutG * rows); // (Cout/G, rows), read transposed
      const yStart = (n * p.outChannels + g * coutG) * P;
      const gyg = gy.subarray(yStart, yStart + coutG * P); // (Cout/G, P)
      const xStart = (n * p.inChannels + g * cinG) * inPlane;
      const gxg = gx.subarray(xStart, xStart + cinG * inPlane); // (Cin/G, ...in)
      if (cols) {
        gemm(wg, gyg, cols, gemmParams(rows, P, coutG, true, false, false));
        col2im(cols, gxg, L.geom);
      } else {
        gemm(wg, gyg, gxg, gemmParams(rows, P, coutG, true, false, false));
      }
    }
  }
}

// x: (N, Cin, ...in), gy: (N, Cout, ...out), gw: (Cout, Cin/G, ...k) overwritten
export function convBackwardWeight(x: Float32Array, gy: Float32Array, gw: Float32Array, p: ConvParams): void {
  const L = layout(p);
  const { inPlane, outPlane: P, cinG, coutG, rows } = L;
  gw.fill(0, 0, p.outChannels * rows);
  const cols = L.pointwise ? null : new Float32Array(rows * P); // A: (rows, P)
  for (let n = 0; n < p.batch; n++) {
    for (let g = 0; g < p.groups; g++) {
      const xStart = (n * p.inChannels + g * cinG) * inPlane;
      const xg = x.subarray(xStart, xStart + cinG * inPlane);
      const yStart = (n * p.outChannels + g * coutG) * P;
      const gyg = gy.subarray(yStart, yStart + coutG * P); // (Cout/G, P)
      const gwg = gw.subarray(g * coutG * rows, (g + 1) * coutG * rows); // (Cout/G, rows)
      if (cols) im2col(xg, cols, L.geom);
      // Summing over the batch: every image adds its gy_g · Aᵀ.
      gemm(gyg, cols ?? xg, gwg, gemmParams(coutG, rows, P, false, true, true));
    }
  }
}

// Both gradients, one after the other (null: not wanted).
export function convBackward(x: Float32Array, w: Float32Array, gy: Float32Array, gx: Float32Array | null, gw: Float32Array | null,
  p: ConvParams): void {
  if (gx) convBackwardInput(gy, w, gx, p);
  if (gw) convBackwardWeight(x, gy, gw, p);
}
