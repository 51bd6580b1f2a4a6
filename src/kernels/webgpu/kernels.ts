// webgpuKernels: the Kernels interface on one WebGPU device, every operation a WGSL kernel.
import type { Kernels } from '../kernels.js';
import {
  batchNormBackward, batchNormFinishStats, batchNormForward, batchNormReluBackward, batchNormReluForward, batchNormStats,
} from './batch-norm.js';
import type { GpuContext } from './context.js';
import { convBackward, convBackwardInput, convBackwardWeight, convForward } from './conv.js';
import { binary, stridedCopy, sumTo, unary, unaryBackward } from './elementwise.js';
import { gemm } from './gemm.js';
import { dropoutMask } from './dropout.js';
import { adamStep, sgdStep } from './optim.js';
import { padBackward, padForward } from './pad.js';
import {
  adaptiveAvgPoolBackward, adaptiveAvgPoolForward, avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward,
} from './pool.js';
import { nllBackward, nllForward, softmaxBackward, softmaxForward } from './softmax.js';

export function createWebGpuKernels(ctx: GpuContext): Kernels {
  return {
    unary: (...a) => unary(ctx, ...a),
    unaryBackward: (...a) => unaryBackward(ctx, ...a),
    binary: (...a) => binary(ctx, ...a),
    stridedCopy: (...a) => stridedCopy(ctx, ...a),
    sumTo: (...a) => sumTo(ctx, ...a),
    gemm: (...a) => gemm(ctx, ...a),
    convForward: (...a) => convForward(ctx, ...a),
    convBackwardInput: (...a) => convBackwardInput(ctx, ...a),
    convBackwardWeight: (...a) => convBackwardWeight(ctx, ...a),
    convBackward: (...a) => convBackward(ctx, ...a),
    maxPoolForward: (...a) => maxPoolForward(ctx, ...a),
    maxPoolBackward: (...a) => maxPoolBackward(ctx, ...a),
    avgPoolForward: (...a) => avgPoolForward(ctx, ...a),
    avgPoolBackward: (...a) => avgPoolBackward(ctx, ...a),
    adaptiveAvgPoolForward: (...a) => adaptiveAvgPoolForward(ctx, ...a),
    adaptiveAvgPoolBackward: (...a) => adaptiveAvgPoolBackward(ctx, ...a),
    padForward: (...a) => padForward(ctx, ...a),
    padBackward: (...a) => padBackward(ctx, ...a),
    softmaxForward: (...a) => softmaxForward(ctx, ...a),
    softmaxBackward: (...a) => softmaxBackward(ctx, ...a),
    nllForward: (...a) => nllForward(ctx, ...a),
    nllBackward: (...a) => nllBackward(ctx, ...a),
    batchNormStats: (...a) => batchNormStats(ctx, ...a),
    batchNormFinishStats: (...a) => batchNormFinishStats(ctx, ...a),
    batchNormForward: (...a) => batchNormForward(ctx, ...a),
    batchNormBackward: (...a) => batchNormBackward(ctx, ...a),
    batchNormReluForward: (...a) => batchNormReluForward(ctx, ...a),
    batchNormReluBackward: (...a) => batchNormReluBackward(ctx, ...a),
    dropoutMask: (...a) => dropoutMask(ctx, ...a),
    sgdStep: (...a) => sgdStep(ctx, ...a),
    adamStep: (...a) => adamStep(ctx, ...a),
  } satisfies Kernels;
}
