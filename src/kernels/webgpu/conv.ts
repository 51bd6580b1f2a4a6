// WebGPU convolution: each pass (forward, input gradient, weight gradient) runs as implicit GEMM
// where its per-group product is wide enough to fill the GEMM's tiles, and as the direct gather
// kernel otherwise (depthwise and other thin layers); usesGemm says why. The path taken is
// tallied on the context ('conv.<pass>.<path>'), so tests can assert which one ran.
import type { ConvParams } from '../kernels.js';
import type { Storage } from '../storage.js';
import { sizeOf } from '../../tensor/shape.js';
import type { GpuContext } from './context.js';
import { convBackwardInputDirect, convBackwardWeightDirect, convForwardDirect } from './conv-direct.js';
import { binary, unary } from './elementwise.js';
import { convBackwardInputGemm, convBackwardWeightGemm, convForwardGemm, usesGemm, type ConvPass } from './conv-gemm.js';

function gemmPath(ctx: GpuContext, pass: ConvPass, p: ConvParams): boolean {
  const gemm = usesGemm(pass, p);
  ctx.tally(`conv.${pass}.${gemm ? 'gemm' : 'direct'}`);
  return gemm;
}

// The epilogue (kernels.ts) by the elementwise passes, in place on out.
export function convForward(ctx: GpuContext, x: Storage, w: Storage, bias: Storage | null, out: Storage, p: ConvParams,
  residual: Storage | null = null, relu = false): void {
  if (gemmPath(ctx, 'forward', p)) convForwardGemm(ctx, x, w, bias, out, p);
  else convForwardDirect(ctx, x, w, bias, out, p);
  if (residual) {
    const shape = [sizeOf([p.batch, p.outChannels, ...p.outSize])];
    binary(ctx, 'add', out, residual, out, { shape, aStrides: [1], bStrides: [1] });
  }
  if (relu) unary(ctx, 'relu', out, out, 0);
}

export function convBackwardInput(ctx: GpuContext, gy: Storage, w: Storage, gx: Storage, p: ConvParams): void {
  if (gemmPath(ctx, 'backwardInput', p)) convBackwardInputGemm(ctx, gy, w, gx, p);
  else convBackwardInputDirect(ctx, gy, w, gx, p);
}

export function convBackwardWeight(ctx: GpuContext, x: Storage, gy: Storage, gw: Storage, p: ConvParams): void {
  if (gemmPath(ctx, 'backwardWeight', p)) convBackwardWeightGemm(ctx, x, gy, gw, p);
  else convBackwardWeightDirect(ctx, x, gy, gw, p);
}

// Both gradients, queued one after the other (null: not wanted).
export function convBackward(ctx: GpuContext, x: Storage, w: Storage, gy: Storage, gx: Storage | null, gw: Storage | null, p: ConvParams): void {
  if (gx) convBackwardInput(ctx, gy, w, gx, p);
  if (gw) convBackwardWeight(ctx, x, gy, gw, p);
}
