// The reference backend: plain TypeScript, the living definition every fast kernel must match.
import type { Backend, Storage } from '../backend.js';
import type { Kernels } from '../kernels.js';
import { adamStep, sgdStep } from './optim.js';
import { batchNormBackward, batchNormForward, batchNormStats } from './batch-norm.js';
import { convBackwardInput, convBackwardWeight, convForward } from './conv.js';
import { binary, unary, unaryBackward } from './elementwise.js';
import { gemm } from './gemm.js';
import { padBackward, padForward } from './pad.js';
import {
  adaptiveAvgPoolBackward, adaptiveAvgPoolForward, avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward,
} from './pool.js';
import { nllBackward, nllForward, softmaxBackward, softmaxForward } from './softmax.js';
import { stridedCopy, sumTo } from './strided.js';

export const refKernels = {
  unary, unaryBackward, binary, stridedCopy, sumTo, gemm,
  convForward, convBackwardInput, convBackwardWeight,
  maxPoolForward, maxPoolBackward, avgPoolForward, avgPoolBackward, adaptiveAvgPoolForward, adaptiveAvgPoolBackward,
  padForward, padBackward,
  softmaxForward, softmaxBackward, nllForward, nllBackward,
  batchNormStats, batchNormForward, batchNormBackward,
  sgdStep, adamStep,
} satisfies Kernels;

class RefStorage implements Storage {
  readonly data: Float32Array;
  constructor(readonly size: number) {
    this.data = new Float32Array(size);
  }
}

export const refBackend: Backend = {
  name: 'ref',
  kernels: refKernels,
  alloc: (size) => new RefStorage(size),
  allocUninitialized: (size) => new RefStorage(size),
  setNumThreads: () => {},
  getNumThreads: () => 1,
  describe: () => 'ref (plain TypeScript reference kernels, 1 thread)',
};
