// The module's exports as JavaScript sees them, and the export behind each task id of ./abi.ts.
import {
  TASK_CONV3D_BWD_IN, TASK_CONV3D_BWD_W, TASK_CONV3D_FWD, TASK_CONV_BWD_IN, TASK_CONV_BWD_W, TASK_CONV_DEPTHWISE,
  TASK_CONV_DIRECT, TASK_CONV_FWD, TASK_CONV_WINOGRAD, TASK_COUNT, TASK_GEMM, TASK_MAX_POOL, TASK_PACK_A,
  TASK_WINOGRAD_GRAD_FINISH, TASK_WINOGRAD_GRAD_LANE, TASK_WINOGRAD_WEIGHTS, TASK_BATCH_NORM, TASK_UNARY, TASK_BINARY,
  TASK_PAD, TASK_OPTIM, TASK_CONV_DIRECT_BWD_W, TASK_CONV_WINOGRAD4, TASK_WINOGRAD4_WEIGHTS,
  TASK_CONV_SHIFTED_BWD_W, TASK_CONV_SHIFTED_BWD_IN, TASK_CONV_SHIFTED, TASK_CONV_POLYPHASE, TASK_CONV_WINOGRAD5X5, TASK_WINOGRAD5X5_WEIGHTS,
  TASK_WINOGRAD_PHASE, TASK_WINOGRAD4_PHASE, TASK_WINOGRAD5X5_PHASE, TASK_CONV_WINOGRAD_S2, TASK_WINOGRAD_S2_WEIGHTS, TASK_WINOGRAD_S2_PHASE,
  TASK_CONV_WINOGRAD_S2_BWD_IN, TASK_WINOGRAD42_PHASE, TASK_WINOGRAD42_WEIGHTS, TASK_POLYPHASE_PLANES, TASK_CONV_WINOGRAD4X4,
  TASK_WINOGRAD4X4_WEIGHTS, TASK_WINOGRAD4X4_PHASE, TASK_CONV_WINOGRAD7, TASK_WINOGRAD7_WEIGHTS, TASK_WINOGRAD7_PHASE,
  TASK_CONV_WINOGRAD4_S2, TASK_WINOGRAD4_S2_WEIGHTS, TASK_WINOGRAD4_S2_PHASE, TASK_CONV_EPILOGUE, TASK_PACK_DENSE,
} from './abi.js';

export interface WasmExports {
  heapBase(): number;
  zero(ptr: number, bytes: number): void;
  gemmScratchBytes(k: number, n: number): number;
  gemmSharesA(m: number, n: number, nt: number): number;
  packedABytes(m: number, k: number): number;
  densePackedBytes(n: number, k: number): number;
  densePackedScratchBytes(m: number, cols: number): number;
  convScratchBytes(params: number, nt: number): number;
  polyphaseScratchBytes(params: number, nt: number): number;
  winogradScratchBytes(params: number, nt: number): number;
  winogradWeightBytes(params: number): number;
  winogradPhaseBytes(params: number): number;
  winograd4ScratchBytes(params: number, nt: number): number;
  winograd4Blocks(params: number): number;
  winograd4S2Blocks(params: number): number;
  winogradS2Blocks(params: number): number;
  winograd4WeightBytes(params: number): number;
  winograd4PhaseBytes(params: number): number;
  winograd5x5ScratchBytes(params: number, nt: number): number;
  winograd5x5PhaseBytes(params: number): number;
  winograd4x4ScratchBytes(params: number, nt: number): number;
  winograd4x4PhaseBytes(params: number): number;
  winograd7ScratchBytes(params: number, nt: number): number;
  winograd7WeightBytes(params: number): number;
  winograd7PhaseBytes(params: number): number;
  winogradS2ScratchBytes(params: number, nt: number): number;
  winogradS2WeightBytes(params: number): number;
  winogradS2PhaseBytes(params: number): number;
  winogradS2InputGradScratchBytes(params: number, nt: number): number;
  winogradS2InputGradBlocks(params: number): number;
  winograd42ScratchBytes(params: number, nt: number): number;
  winograd4S2ScratchBytes(params: number, nt: number): number;
  winograd4S2WeightBytes(params: number): number;
  winograd4S2PhaseBytes(params: number): number;
  winograd42WeightBytes(params: number): number;
  winograd42PhaseBytes(params: number): number;
  winogradGradStep(params: number): number;
  winogradGradLanes(params: number): number;
  winogradGradBytes(params: number): number;
  winogradGradScratchBytes(params: number): number;
  directConvScratchBytes(params: number, nt: number): number;
  directWeightGradScratchBytes(params: number, nt: number): number;
  shiftedWeightGradScratchBytes(params: number, nt: number): number;
  shiftedInputGradScratchBytes(params: number, nt: number): number;
  shiftedConvScratchBytes(params: number, nt: number): number;
  depthwiseScratchBytes(params: number, nt: number): number;
  conv3dScratchBytes(params: number, nt: number): number;
  conv3dForwardUnits(params: number): number;
  softmaxForward(x: number, out: number, outer: number, size: number, inner: number, log: number): void;
  softmaxBackward(y: number, gy: number, gx: number, outer: number, size: number, inner: number, log: number): void;
  nllForward(logp: number, target: number, loss: number, batch: number, classes: number): void;
  nllBackward(gLoss: number, target: number, gx: number, batch: number, classes: number): void;
  stridedCopy4(x: number, out: number, d0: number, d1: number, d2: number, d3: number,
    s0: number, s1: number, s2: number, s3: number): void;
  sumTo3(x: number, out: number, outLen: number, d0: number, d1: number, d2: number, o0: number, o1: number, o2: number): void;
  averageWindows(src: number, dst: number, planes: number, inD: number, inH: number, inW: number,
    outD: number, outH: number, outW: number, tables: number, backward: number): void;
}

const names: Record<number, string> = {
  [TASK_GEMM]: 'gemmTask', [TASK_CONV_FWD]: 'convForwardTask', [TASK_CONV_BWD_IN]: 'convBackwardInputTask',
  [TASK_CONV_BWD_W]: 'convBackwardWeightTask', [TASK_CONV_WINOGRAD]: 'convWinogradTask', [TASK_PACK_A]: 'packATask',
  [TASK_WINOGRAD_WEIGHTS]: 'winogradWeightsTask', [TASK_CONV_DIRECT]: 'directConvTask',
  [TASK_CONV_DEPTHWISE]: 'depthwiseConvTask', [TASK_CONV3D_FWD]: 'conv3dForwardTask',
  [TASK_CONV3D_BWD_IN]: 'conv3dBackwardInputTask', [TASK_CONV3D_BWD_W]: 'conv3dBackwardWeightTask',
  [TASK_MAX_POOL]: 'maxPoolTask', [TASK_WINOGRAD_GRAD_LANE]: 'winogradGradLaneTask',
  [TASK_WINOGRAD_GRAD_FINISH]: 'winogradGradFinishTask', [TASK_BATCH_NORM]: 'batchNormTask', [TASK_UNARY]: 'unaryTask',
  [TASK_BINARY]: 'binaryTask', [TASK_PAD]: 'padTask', [TASK_OPTIM]: 'optimTask',
  [TASK_CONV_DIRECT_BWD_W]: 'directWeightGradTask', [TASK_CONV_WINOGRAD4]: 'convWinograd4Task',
  [TASK_WINOGRAD4_WEIGHTS]: 'winograd4WeightsTask', [TASK_CONV_SHIFTED_BWD_W]: 'shiftedWeightGradTask',
  [TASK_CONV_SHIFTED_BWD_IN]: 'shiftedInputGradTask', [TASK_CONV_SHIFTED]: 'shiftedConvTask',
  [TASK_CONV_POLYPHASE]: 'convPolyphaseTask', [TASK_CONV_WINOGRAD5X5]: 'convWinograd5x5Task',
  [TASK_WINOGRAD5X5_WEIGHTS]: 'winograd5x5WeightsTask', [TASK_WINOGRAD_PHASE]: 'winogradPhaseTask',
  [TASK_WINOGRAD4_PHASE]: 'winograd4PhaseTask', [TASK_WINOGRAD5X5_PHASE]: 'winograd5x5PhaseTask',
  [TASK_CONV_WINOGRAD_S2]: 'convWinogradS2Task', [TASK_WINOGRAD_S2_WEIGHTS]: 'winogradS2WeightsTask',
  [TASK_WINOGRAD_S2_PHASE]: 'winogradS2PhaseTask', [TASK_CONV_WINOGRAD_S2_BWD_IN]: 'convWinogradS2InputGradTask',
  [TASK_WINOGRAD42_PHASE]: 'winograd42PhaseTask', [TASK_WINOGRAD42_WEIGHTS]: 'winograd42WeightsTask',
  [TASK_POLYPHASE_PLANES]: 'polyphasePlanesTask', [TASK_CONV_WINOGRAD4X4]: 'convWinograd4x4Task',
  [TASK_WINOGRAD4X4_WEIGHTS]: 'winograd4x4WeightsTask', [TASK_WINOGRAD4X4_PHASE]: 'winograd4x4PhaseTask',
  [TASK_CONV_WINOGRAD7]: 'convWinograd7Task', [TASK_WINOGRAD7_WEIGHTS]: 'winograd7WeightsTask', [TASK_WINOGRAD7_PHASE]: 'winograd7PhaseTask',
  [TASK_CONV_WINOGRAD4_S2]: 'convWinograd4S2Task', [TASK_WINOGRAD4_S2_WEIGHTS]: 'winograd4S2WeightsTask',
  [TASK_WINOGRAD4_S2_PHASE]: 'winograd4S2PhaseTask', [TASK_CONV_EPILOGUE]: 'convEpilogueTask',
  [TASK_PACK_DENSE]: 'packDenseTask',
};

/** The export name of each task, indexed by task id. */
export const TASK_EXPORTS: readonly string[] = Array.from({ length: TASK_COUNT }, (_, id) => {
  const name = names[id];
  if (!name) throw new Error(`wasm backend: task id ${id} has no export`);
  return name;
});
