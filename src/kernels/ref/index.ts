// The reference backend: plain TypeScript, the living definition every fast kernel must match.
import type { Backend } from '../backend.js';
import { cpuKernels, readCpu, writeCpu } from '../cpu-kernels.js';
import type { ArrayKernels } from '../kernels.js';
import type { CpuStorage } from '../storage.js';
import { adamStep, sgdStep } from './optim.js';
import { dropoutMask } from './dropout.js';
import {
  batchNormBackward, batchNormFinishStats, batchNormForward, batchNormReluBackward, batchNormReluForward, batchNormStats,
} from './batch-norm.js';
import { convBackward, convBackwardInput, convBackwardWeight, convForward } from './conv.js';
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
  convForward, convBackwardInput, convBackwardWeight, convBackward,
  maxPoolForward, maxPoolBackward, avgPoolForward, avgPoolBackward, adaptiveAvgPoolForward, adaptiveAvgPoolBackward,
  padForward, padBackward,
  softmaxForward, softmaxBackward, nllForward, nllBackward,
  batchNormStats, batchNormFinishStats, batchNormForward, batchNormBackward, batchNormReluForward, batchNormReluBackward,
  dropoutMask, sgdStep, adamStep,
} satisfies ArrayKernels;

class RefStorage implements CpuStorage {
  readonly device = 'cpu';
  readonly data: Float32Array;
  version = 0;
  constructor(readonly size: number) {
    this.data = new Float32Array(size);
  }
}

export const refBackend: Backend = {
  name: 'ref',
  device: 'cpu',
  kernels: cpuKernels(refKernels),
  alloc: (size) => new RefStorage(size),
  allocUninitialized: (size) => new RefStorage(size),
  write: writeCpu,
  read: readCpu,
  setNumThreads: () => {},
  getNumThreads: () => 1,
  describe: () => 'ref (plain TypeScript reference kernels, 1 thread)',
};
