// The module's exports. Thread-parallel kernels are "tasks": (params pointer, part, parts, slot),
// run once for each part of a split, on whichever pool thread claimed it, with the same parameter
// block; slot is that thread's id, selecting its scratch (see ../thread-pool.ts).
import {
  GEMM_A, GEMM_ACCUMULATE, GEMM_B, GEMM_C, GEMM_K, GEMM_M, GEMM_N, GEMM_PACKED_A, GEMM_PACKED_B, GEMM_SCRATCH,
  GEMM_SCRATCH_STRIDE, GEMM_TRANS_A, GEMM_TRANS_B,
} from '../abi';
import { gemmDensePacked, packDense } from './dense-packed';
import { gemmCore, packAWhole, paddedRows } from './gemm';
import { arg, ptr, splitAt } from './params';

export { gemmScratchBytes, packedABytes } from './gemm';
export { densePackedBytes, densePackedScratchBytes } from './dense-packed';
export { convForwardTask, convBackwardInputTask, convBackwardWeightTask, convScratchBytes } from './conv';
export { unaryTask, binaryTask } from './elementwise';
export { softmaxForward, softmaxBackward, optimTask, nllForward, nllBackward } from './misc';

/** First byte JavaScript may allocate: everything below holds the module's static data. */
export function heapBase(): usize {
  return __heap_base;
}

// The parameter block: the GEMM_* slots of ../abi.ts.
// Threads split the longer of m and n: n at 16 columns (64 bytes), m at 4 rows (one A panel).
// When they split n, each would pack all of A: JavaScript then runs packATask first, sharing it.
// With B packed (GEMM_PACKED_B: A·Bᵀ, m ≤ 3) they split n, whole 4-row blocks of B each.
export function gemmTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const a = ptr(p, GEMM_A), b = ptr(p, GEMM_B), c = ptr(p, GEMM_C);
  const m = arg(p, GEMM_M), n = arg(p, GEMM_N), k = arg(p, GEMM_K);
  const transA = arg(p, GEMM_TRANS_A) != 0, transB = arg(p, GEMM_TRANS_B) != 0, acc = arg(p, GEMM_ACCUMULATE) != 0;
  const scratch = ptr(p, GEMM_SCRATCH) + <usize>slot * ptr(p, GEMM_SCRATCH_STRIDE);
  const apre = ptr(p, GEMM_PACKED_A), bpre = ptr(p, GEMM_PACKED_B);
  const lda = transA ? m : k, ldb = transB ? k : n;
  if (splitsColumns(m, n, parts)) {
    const j0 = splitAt(n, parts, part, 16), j1 = splitAt(n, parts, part + 1, 16);
    if (j1 <= j0) return;
    if (bpre != 0) {
      gemmDensePacked(m, n, k, a, lda, b, bpre, c, n, acc, j0, j1, scratch);
      return;
    }
    const bo = transB ? <usize>j0 * ldb * 4 : <usize>j0 * 4;
    gemmCore(m, j1 - j0, k, a, lda, transA, b + bo, ldb, transB, c + <usize>j0 * 4, n, acc, 0, scratch, apre);
  } else {
    const i0 = splitAt(m, parts, part, 4), i1 = splitAt(m, parts, part + 1, 4);
    if (i1 <= i0) return;
    const ao = transA ? <usize>i0 * 4 : <usize>i0 * lda * 4;
    gemmCore(i1 - i0, n, k, a + ao, lda, transA, b, ldb, transB, c + <usize>i0 * n * 4, n, acc, 0, scratch);
  }
}
@inline function splitsColumns(m: i32, n: i32, nt: i32): bool { return n >= m || nt == 1; }

/** Whether gemmTask on nt threads splits columns, so that sharing one packing of A pays. */
export function gemmSharesA(m: i32, n: i32, nt: i32): bool {
  return nt > 1 && m > 2 && splitsColumns(m, n, nt);
}

// Parameter block as gemmTask's; packs op(A) whole into GEMM_PACKED_A, the row panels split by thread.
export function packATask(p: usize, part: i32, parts: i32, slot: i32): void {
  const a = ptr(p, GEMM_A), m = arg(p, GEMM_M), k = arg(p, GEMM_K);
  const transA = arg(p, GEMM_TRANS_A) != 0;
  const panels = paddedRows(m) >> 2;
  const r0 = (part * panels / parts) << 2, r1 = ((part + 1) * panels / parts) << 2;
  if (r1 > r0) packAWhole(a, transA ? m : k, transA, m, k, r0, r1, ptr(p, GEMM_PACKED_A));
}
// Parameter block as gemmTask's (B: the weights, n × k); packs B's 4-row blocks into GEMM_PACKED_B, split by part.
export function packDenseTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const n = arg(p, GEMM_N), blocks = n >> 2;
  const j0 = (part * blocks / parts) << 2, j1 = ((part + 1) * blocks / parts) << 2;
  if (j1 > j0) packDense(ptr(p, GEMM_B), n, arg(p, GEMM_K), j0, j1, ptr(p, GEMM_PACKED_B));
}
export { stridedCopy4, sumTo3, maxPoolTask, averageWindows } from './layout';

/** Zeroes `bytes` bytes at `ptr` (a bulk memory.fill: faster than TypedArray.fill on shared memory). */
export function zero(ptr: usize, bytes: usize): void {
  memory.fill(ptr, 0, bytes);
}
export { batchNormTask } from './batch-norm';
export { conv3dForwardTask, conv3dForwardUnits, conv3dBackwardInputTask, conv3dBackwardWeightTask, conv3dScratchBytes } from './conv3d';
export { convWinogradTask, winogradPhaseBytes, winogradPhaseTask, winogradScratchBytes, winogradWeightBytes } from './winograd';
export { convWinograd4Task, winograd4Blocks, winograd4PhaseBytes, winograd4PhaseTask, winograd4ScratchBytes, winograd4WeightBytes } from './winograd4';
export { winogradWeightsTask, winograd4WeightsTask, winograd42WeightsTask, winograd4S2WeightsTask } from './winograd-weights';
export { convEpilogueTask } from './conv-epilogue';
export { convWinograd4S2Task, winograd4S2Blocks, winograd4S2PhaseBytes, winograd4S2PhaseTask, winograd4S2ScratchBytes, winograd4S2WeightBytes } from './winograd4-s2';
export { winograd42PhaseBytes, winograd42PhaseTask, winograd42ScratchBytes, winograd42WeightBytes } from './winograd42';
export { convWinograd5x5Task, winograd5x5PhaseBytes, winograd5x5PhaseTask, winograd5x5ScratchBytes } from './winograd5x5';
export { convWinograd4x4Task, winograd4x4PhaseBytes, winograd4x4PhaseTask, winograd4x4ScratchBytes } from './winograd4x4';
export { winograd4x4WeightsTask, winograd5x5WeightsTask, winograd7WeightsTask } from './winograd-wide-weights';
export {
  convWinograd7Task, winograd7PhaseBytes, winograd7PhaseTask, winograd7ScratchBytes, winograd7WeightBytes,
} from './winograd7';
export { polyphasePlanesTask } from './polyphase-planes';
export { depthwiseConvTask, depthwiseScratchBytes, directConvTask, directConvScratchBytes } from './direct-conv';
export {
  winogradGradBytes, winogradGradFinishTask, winogradGradLanes, winogradGradLaneTask, winogradGradScratchBytes,
  winogradGradStep,
} from './winograd-weight-grad';
export { directWeightGradScratchBytes, directWeightGradTask } from './direct-weight-grad';
export { shiftedWeightGradScratchBytes, shiftedWeightGradTask } from './shifted-weight-grad';
export { shiftedInputGradScratchBytes, shiftedInputGradTask } from './shifted-input-grad';
export { shiftedConvScratchBytes, shiftedConvTask } from './shifted-conv';
export { padTask } from './pad';
export { convPolyphaseTask, polyphaseScratchBytes } from './polyphase-conv';
export { convWinogradS2Task, winogradS2Blocks, winogradS2PhaseBytes, winogradS2PhaseTask, winogradS2ScratchBytes, winogradS2WeightBytes, winogradS2WeightsTask } from './winograd-s2';
export { convWinogradS2InputGradTask, winogradS2InputGradBlocks, winogradS2InputGradScratchBytes } from './winograd-s2-input-grad';
