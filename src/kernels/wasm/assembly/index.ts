// The module's exports. Thread-parallel kernels are "tasks": (params pointer, part, parts, slot),
// run once for each part of a split, on whichever pool thread claimed it, with the same parameter
// block; slot is that thread's id, selecting its scratch (see ../pool.ts).
import { gemmCore, packAWhole, paddedRows } from './gemm';

export { gemmScratchBytes, packedABytes } from './gemm';
export { convForwardTask, convBackwardInputTask, convBackwardWeightTask, convScratchBytes } from './conv';
export { unary, unaryBackward, binary3 } from './elementwise';
export { softmaxForward, softmaxBackward, sgdStep, adamStep } from './misc';

/** First byte JavaScript may allocate: everything below holds the module's static data. */
export function heapBase(): usize {
  return __heap_base;
}

// Parameter block: 0 a, 1 b, 2 c, 3 m, 4 n, 5 k, 6 transA, 7 transB, 8 accumulate,
// 9 scratch base, 10 scratch bytes per thread, 11 op(A) packed whole by packATask (or 0).
// Threads split the longer of m and n: n at 16 columns (64 bytes), m at 4 rows (one A panel).
// When they split n, each would pack all of A: JavaScript then runs packATask first, sharing it.
export function gemmTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const a = <usize>load<u32>(p), b = <usize>load<u32>(p, 4), c = <usize>load<u32>(p, 8);
  const m = load<i32>(p, 12), n = load<i32>(p, 16), k = load<i32>(p, 20);
  const transA = load<i32>(p, 24) != 0, transB = load<i32>(p, 28) != 0, acc = load<i32>(p, 32) != 0;
  const scratch = <usize>load<u32>(p, 36) + <usize>slot * <usize>load<u32>(p, 40);
  const apre = <usize>load<u32>(p, 44);
  const lda = transA ? m : k, ldb = transB ? k : n;
  if (splitsColumns(m, n, parts)) {
    const units = (n + 15) >> 4;
    const per = units / parts, extra = units % parts;
    const j0 = min(n, (part * per + min(part, extra)) << 4);
    const j1 = min(n, ((part + 1) * per + min(part + 1, extra)) << 4);
    if (j1 <= j0) return;
    const bo = transB ? <usize>j0 * ldb * 4 : <usize>j0 * 4;
    gemmCore(m, j1 - j0, k, a, lda, transA, b + bo, ldb, transB, c + <usize>j0 * 4, n, acc, 0, scratch, apre);
  } else {
    const units = (m + 3) >> 2;
    const per = units / parts, extra = units % parts;
    const i0 = min(m, (part * per + min(part, extra)) << 2);
    const i1 = min(m, ((part + 1) * per + min(part + 1, extra)) << 2);
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

// Parameter block as gemmTask's; packs op(A) whole into slot 11, the row panels split by thread.
export function packATask(p: usize, part: i32, parts: i32, slot: i32): void {
  const a = <usize>load<u32>(p), m = load<i32>(p, 12), k = load<i32>(p, 20);
  const transA = load<i32>(p, 24) != 0;
  const panels = paddedRows(m) >> 2;
  const r0 = (part * panels / parts) << 2, r1 = ((part + 1) * panels / parts) << 2;
  if (r1 > r0) packAWhole(a, transA ? m : k, transA, m, k, r0, r1, <usize>load<u32>(p, 44));
}
export { stridedCopy4, sumTo3, maxPoolTask, maxPoolBackward, averageWindows } from './layout';

/** Zeroes `bytes` bytes at `ptr` (a bulk memory.fill: faster than TypedArray.fill on shared memory). */
export function zero(ptr: usize, bytes: usize): void {
  memory.fill(ptr, 0, bytes);
}
export { batchNormStats, batchNormForward, batchNormBackward } from './batch-norm';
export { conv3dForwardTask, conv3dForwardUnits, conv3dBackwardInputTask, conv3dBackwardWeightTask, conv3dScratchBytes } from './conv3d';
export { convWinogradTask, winogradScratchBytes, winogradWeightBytes, winogradWeightsTask } from './winograd';
export { depthwiseConvTask, depthwiseScratchBytes, directConvTask, directConvScratchBytes } from './direct-conv';
