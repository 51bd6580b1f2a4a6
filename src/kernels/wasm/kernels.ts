// wasmKernels: the typed-array kernels (ArrayKernels) on the compiled AssemblyScript module. Native kernels:
// gemm, convolutions (conv-kernels.ts), unary, unaryBackward, binary (broadcasts that collapse to
// ≤ 3 dims with inner stride 0/1), stridedCopy (≤ 4 collapsed dims), sumTo (≤ 3), max, average
// and adaptive average pooling (1-D to 3-D) forward and backward, batch norm (stats, forward,
// backward, and fused with ReLU and a residual), softmax forward/backward, NLL, pad (≤ 6 dims),
// sgd and adam steps. Batch norm's per-channel statistics finish (a few values per channel) and
// dropout masks run the reference kernel on the same views in WebAssembly memory. On the thread
// pool: gemm, convolutions, max pooling and its backward, batch norm, unary, binary, pad (split
// over an unpadded dim 0) and the optimiser steps; the rest are small in the workloads profiled.
import type {
  AdaptivePoolParams, ArrayKernels, BatchNormParams, BinaryOp, BinaryParams, GemmParams, NllParams, PadMode, PadParams,
  PoolParams, StridedCopyParams, SumToParams, UnaryOp,
} from '../kernels.js';
import { refKernels } from '../ref/index.js';
import type { CpuStorage, Storage } from '../storage.js';
import { adaptiveTables, avgTables, type WindowTable } from '../ref/pool.js';
import {
  GEMM_A, GEMM_ACCUMULATE, GEMM_B, GEMM_C, GEMM_K, GEMM_M, GEMM_N, GEMM_PACKED_A, GEMM_PACKED_B, GEMM_SCRATCH, GEMM_SCRATCH_STRIDE,
  GEMM_TRANS_A, GEMM_TRANS_B, OP_ABS, OP_ADD, OP_DIV, OP_ELU, OP_EXP, OP_LEAKY_RELU, OP_LOG, OP_MUL, OP_NEG, OP_POW,
  OP_RECIPROCAL, OP_RELU, OP_SIGMOID, OP_SQRT, OP_SQUARE, OP_SUB, OP_TANH, PAD_CONSTANT, PAD_DIMS, PAD_MAX_RANK,
  PAD_MODE, PAD_PER_DIM, PAD_RANK, PAD_REFLECT, PAD_REPLICATE, POOL_DIMS, POOL_RELU, POOL_X, TASK_GEMM, TASK_MAX_POOL, TASK_PACK_A,
  OPT_ADAM, OPT_F, OPT_FLAG_A, OPT_FLAG_B, OPT_KIND, OPT_N, OPT_PARAM, OPT_SGD, PAD_BACKWARD, PAD_DST, PAD_SCRATCH, PAD_SRC,
  PAD_VALUE, POOL_BACKWARD, TASK_OPTIM, TASK_PACK_DENSE, TASK_PAD,
  BIN_A, BIN_A_STRIDES, BIN_B_STRIDES, BIN_D0, BIN_OP, BN_BACKWARD, BN_BATCH, BN_CHANNELS, BN_FORWARD, BN_GRAD_RESIDUAL,
  BN_BACKWARD_END, BN_BY_PLANES, BN_GRAD_INPUT, BN_OUT, BN_PASS, BN_RELU, BN_SCRATCH, BN_SPATIAL, BN_STATS,
  BN_STATS_END, BN_TRAINING, BN_X, TASK_BATCH_NORM, TASK_BINARY, TASK_UNARY, UN_BACKWARD, UN_GY, UN_N,
  UN_OP, UN_OUT, UN_PARAM, UN_X, UN_Y,
} from './abi.js';
import { READ, READ_WRITE, WRITE } from './call.js';
import { createConvKernels } from './conv-kernels.js';
import { DenseWeights } from './dense-weights.js';
import { collapse, collapseDims } from './dims.js';
import { align64, paramSlots, partsFor, withArrays, withScratch, type Runtime } from './runtime.js';
import type { Prepared } from './weight-cache.js';

// Element-wise and batch-norm kernels are memory-bound: about 128k elements (512 KB) read before a
// second thread pays for waking it.
const PARALLEL_ELEMENTS = 1 << 17;
// Max pooling: a window element costs ~1.5 ns (loads, compare, select), tens of GEMM flops;
// AlexNet's last pool (256×13² → 6², 83k elements) ran in 60–77 µs on 2 threads, 112–155 on 1.
// 2×2 windows at stride 2 cost a third of that (assembly/max-pool2.ts) and count so: LeNet-5's
// second pool (16×10² → 5², batch 64: 102k elements, 50 µs on 1 thread back to back), 150 µs
// after the last dispatch, took a median 114–170 µs on 2 threads against 82–85 on 1 (busy machine).
const PARALLEL_WINDOW_ELEMENTS = 5e4;
const POOL2_COST = 1 / 3;
// 3×3 windows at stride 2 (assembly/max-pool3.ts) cost a quarter: ResNet-18's pool (64×112² →
// 56², 1.8M elements) 192–225 µs against the general kernel's 724–800 on 1 thread (with argmax
// 460–496 against 916–974), AlexNet's 192×27² → 13² 26–30 against 122–124 (BENCHMARKS.md).
const POOL3_COST = 1 / 4;
// GEMMs below this many flops (~90 µs on 1 thread) run on one: each of LeNet-5's 120→84 layer's
// three (1.3 MFLOP, batch 64), 150 µs after the last dispatch, took a median 145 µs on 2 threads
// against 29 on 1 (busy machine: the woken worker claims its part, then waits for a core); 2
// to 4 MFLOP were no faster on 2 threads even at their 10th percentile, and at best a second thread
// saves half of 30–90 µs. The 400→120 layer's (6.1 MFLOP) stay on 2.
const PARALLEL_GEMM_FLOPS = 4e6;
// From this many elements of A, packing it once for all threads (one more dispatch, ~25 µs)
// beats every thread packing all of it.
const SHARED_PACK_MIN = 65536;
// Batch norm's reductions on several threads split the planes (sums a plane, then a pass adding
// them) from this spatial size; below, the channels. W8's shapes on 2 threads, the planes' vs the
// channels' split: backward sums at 16×16 0.47 vs 0.67 ms, at 8×8 0.20 vs 0.20, stats at 8×8
// 0.107 vs 0.089 (alternating in one process, a busy host). Inside W8's step the 8×8 channel
// split ran slower on 2 threads than on 1 (each thread reads every image, half of it just written
// by the other core): its backward sums and stats took 3.1 ms a step, on 1 thread 1.9, by planes
// 1.5 (the thread pool's tasks timed in 10 steps).
const PLANE_SUMS_MIN_SPATIAL = 64;

const UNARY: Record<UnaryOp, number> = {
  neg: OP_NEG, exp: OP_EXP, log: OP_LOG, sqrt: OP_SQRT, abs: OP_ABS, square: OP_SQUARE, reciprocal: OP_RECIPROCAL,
  relu: OP_RELU, leakyRelu: OP_LEAKY_RELU, elu: OP_ELU, sigmoid: OP_SIGMOID, tanh: OP_TANH,
};
const PAD_MODES: Record<PadMode, number> = { constant: PAD_CONSTANT, reflect: PAD_REFLECT, replicate: PAD_REPLICATE };
const BINARY: Record<BinaryOp, number> = { add: OP_ADD, sub: OP_SUB, mul: OP_MUL, div: OP_DIV, pow: OP_POW };

export function createWasmKernels(rt: Runtime) {
  const { heap, ex, pool } = rt;
  const conv = createConvKernels(rt);

  // Average pooling: the reference's window tables, copied next to the data, walked natively.
  function averageWindows(src: Float32Array, dst: Float32Array, planes: number, inSize: readonly number[],
    tables: WindowTable[], backward: boolean): void {
    const [inD, inH, inW] = [1, 1, ...inSize].slice(-3) as [number, number, number];
    const flat = tables.flatMap((t) => [t.lo, t.hi, t.extent]);
    withScratch(rt, [src, dst], [READ, WRITE], (call) => call.scratch(flat.reduce((n, a) => n + a.length, 0) * 4),
      ([ps, pd], tablePtr) => {
        let at = tablePtr;
        for (const a of flat) {
          heap.i32(at, a.length).set(a);
          at += a.length * 4;
        }
        ex.averageWindows(ps!, pd!, planes, inD, inH, inW, tables[0]!.lo.length, tables[1]!.lo.length,
          tables[2]!.lo.length, tablePtr, backward ? 1 : 0);
      });
  }

  // out = op(x), or backward gx from x, y and gy; threads split the elements.
  function unaryTask(op: UnaryOp, backward: boolean, x: number, y: number, gy: number, out: number, n: number,
    param: number): void {
    const P = paramSlots(rt);
    P[UN_OP] = UNARY[op]; P[UN_BACKWARD] = backward ? 1 : 0;
    P[UN_X] = x; P[UN_Y] = y; P[UN_GY] = gy; P[UN_OUT] = out; P[UN_N] = n;
    heap.f32(rt.params + UN_PARAM * 4, 1)[0] = param;
    const nt = pool.plan(n >= PARALLEL_ELEMENTS);
    pool.run(TASK_UNARY, rt.params, nt, partsFor(nt, n, 4096));
  }

  // Max pooling forward (x, out, argmax) or backward (gy, gx, argmax), 1-D and 2-D as 3-D with
  // leading size-1 dims; threads split the planes.
  // relu: POOL_RELU's value (abi.ts).
  function maxPoolTask(ptrs: readonly number[], relu: number, backward: boolean, parallel: boolean, p: PoolParams): void {
    const three = (a: readonly number[], one: number) => [one, one, ...a].slice(-3);
    const planes = p.batch * p.channels;
    const P = paramSlots(rt);
    P.set([...ptrs, planes], POOL_X);
    P[POOL_RELU] = relu;
    P.set([...three(p.inSize, 1), ...three(p.outSize, 1), ...three(p.kernelSize, 1), ...three(p.stride, 1),
      ...three(p.padBegin, 0), ...three(p.dilation, 1)], POOL_DIMS);
    P[POOL_BACKWARD] = backward ? 1 : 0;
    const nt = pool.plan(parallel);
    pool.run(TASK_MAX_POOL, rt.params, nt, partsFor(nt, planes, 1));
  }

  // A max pool's window elements, those max-pool2.ts takes (2-D 2×2 windows at stride 2, unpadded,
  // undilated, ≥ 4 outputs a row: layout.ts's isPool2) and max-pool3.ts (3×3 at stride 2, padded by
  // at most 1, ≥ 8 outputs a row with whole windows: isPool3) at their lower cost.
  function windowCost(outputs: number, p: PoolParams): number {
    const plain = p.kernelSize.length === 2 && p.stride.every((s) => s === 2) && p.dilation.every((d) => d === 1);
    const w = p.inSize[1]!, ow = p.outSize[1]!, pw = p.padBegin[1]!;
    const pool2 = plain && p.kernelSize.every((k) => k === 2) && p.padBegin.every((b) => b === 0) && ow >= 4;
    const insideFrom = Math.min(pw, ow), insideTo = Math.max(insideFrom, Math.min(ow, Math.floor((w - 3 + pw) / 2) + 1));
    const pool3 = plain && p.kernelSize.every((k) => k === 3) && p.padBegin.every((b) => b <= 1) && insideTo - insideFrom >= 8;
    return outputs * p.kernelSize.reduce((s, k) => s * k, 1) * (pool2 ? POOL2_COST : pool3 ? POOL3_COST : 1);
  }

  // An SGD or Adam step on pointers in slot order from OPT_PARAM; threads split the elements.
  function optimTask(kind: number, ptrs: readonly number[], n: number, flags: readonly [boolean, boolean],
    values: readonly number[]): void {
    const P = paramSlots(rt);
    P[OPT_KIND] = kind;
    P.set(ptrs, OPT_PARAM);
    P[OPT_N] = n;
    P[OPT_FLAG_A] = flags[0] ? 1 : 0; P[OPT_FLAG_B] = flags[1] ? 1 : 0;
    heap.f32(rt.params + OPT_F * 4, values.length).set(values);
    const nt = pool.plan(n >= PARALLEL_ELEMENTS);
    pool.run(TASK_OPTIM, rt.params, nt, partsFor(nt, n, 4096));
  }

  // Batch norm's stats, forward or backward (pass) on arrays in slot order from BN_X, as the
  // passes batch-norm.ts describes. The reductions keep 4 f64 a channel in a scratch, and on
  // several threads 2 or 3 a plane (from a spatial size of PLANE_SUMS_MIN_SPATIAL).
  function batchNorm(pass: number, arrays: readonly (Float32Array | null)[], modes: readonly number[], training: boolean,
    relu: boolean, p: BatchNormParams): void {
    const planes = p.batch * p.channels;
    const nt = pool.plan(planes * p.spatial >= PARALLEL_ELEMENTS);
    const byPlanes = nt > 1 && p.spatial >= PLANE_SUMS_MIN_SPATIAL;
    const planeSums = byPlanes ? (pass === BN_STATS ? 2 : 3) : 0;
    const scratchBytes = pass === BN_FORWARD ? 0 : 32 * p.channels + 8 * planeSums * planes;
    withScratch(rt, arrays, modes, (call) => (scratchBytes ? call.scratch(scratchBytes) : 0), (ptrs, scratch) => {
      const P = paramSlots(rt);
      P.fill(0, BN_X, BN_GRAD_RESIDUAL + 1);
      P.set(ptrs, BN_X);
      P[BN_RELU] = relu ? 1 : 0;
      P[BN_TRAINING] = training ? 1 : 0;
      P[BN_BATCH] = p.batch; P[BN_CHANNELS] = p.channels; P[BN_SPATIAL] = p.spatial;
      P[BN_SCRATCH] = scratch;
      P[BN_BY_PLANES] = byPlanes ? 1 : 0;
      const run = (step: number, units: number) => {
        P[BN_PASS] = step;
        pool.run(TASK_BATCH_NORM, rt.params, nt, partsFor(nt, units, 1));
      };
      const reduced = byPlanes ? planes : p.channels;
      if (pass === BN_FORWARD) {
        run(BN_FORWARD, planes);
      } else if (pass === BN_STATS) {
        run(BN_STATS, reduced);
        if (byPlanes) run(BN_STATS_END, p.channels);
      } else {
        run(BN_BACKWARD, reduced);
        if (byPlanes) run(BN_BACKWARD_END, p.channels);
        if (P[BN_OUT] !== 0) run(BN_GRAD_INPUT, planes);
      }
    });
  }

  const kernels = {
    unary(op: UnaryOp, x: Float32Array, out: Float32Array, param: number): void {
      withArrays(rt, [x, out], [READ, WRITE], ([px, po]) => unaryTask(op, false, px!, 0, 0, po!, x.length, param));
    },
    unaryBackward(op: UnaryOp, x: Float32Array, y: Float32Array, gy: Float32Array, gx: Float32Array, param: number): void {
      withArrays(rt, [x, y, gy, gx], [READ, READ, READ, WRITE], ([px, py, pgy, pgx]) =>
        unaryTask(op, true, px!, py!, pgy!, pgx!, gy.length, param));
    },
    binary(op: BinaryOp, a: Float32Array, b: Float32Array, out: Float32Array, p: BinaryParams): void {
      const c = collapse(p);
      if (!c) return refKernels.binary(op, a, b, out, p);
      withArrays(rt, [a, b, out], [READ, READ, WRITE], (ptrs) => {
        const P = paramSlots(rt);
        P[BIN_OP] = BINARY[op];
        P.set(ptrs, BIN_A);
        P.set(c.shape, BIN_D0);
        P.set(c.as, BIN_A_STRIDES);
        P.set(c.bs, BIN_B_STRIDES);
        const rows = c.shape[0]! * c.shape[1]!;
        const nt = pool.plan(out.length >= PARALLEL_ELEMENTS);
        pool.run(TASK_BINARY, rt.params, nt, rows >= nt ? partsFor(nt, rows, 1) : nt);
      });
    },
    stridedCopy(x: Float32Array, out: Float32Array, p: StridedCopyParams): void {
      const c = collapseDims(p.shape, [p.strides], 4);
      if (!c || out.length === 0) return refKernels.stridedCopy(x, out, p);
      const [d0, d1, d2, d3] = c.shape, [s0, s1, s2, s3] = c.strides[0]!;
      withArrays(rt, [x, out], [READ, WRITE], ([px, po]) =>
        ex.stridedCopy4(px!, po!, d0!, d1!, d2!, d3!, s0!, s1!, s2!, s3!));
    },
    sumTo(x: Float32Array, out: Float32Array, p: SumToParams): void {
      const c = collapseDims(p.shape, [p.outStrides], 3);
      if (!c || (c.strides[0]![2] !== 0 && c.strides[0]![2] !== 1)) return refKernels.sumTo(x, out, p);
      const [d0, d1, d2] = c.shape, [o0, o1, o2] = c.strides[0]!;
      withArrays(rt, [x, out], [READ, WRITE], ([px, po]) => ex.sumTo3(px!, po!, out.length, d0!, d1!, d2!, o0!, o1!, o2!));
    },
    gemm(a: Float32Array, b: Float32Array, c: Float32Array, p: GemmParams): void {
      gemm(a, b, c, p, null);
    },
    convForward: conv.convForward,
    convBackwardInput: conv.convBackwardInput,
    convBackwardWeight: conv.convBackwardWeight,
    convBackward: conv.convBackward,

    maxPoolForward(x: Float32Array, out: Float32Array, argmax: Int32Array | null, p: PoolParams, relu = false): void {
      withArrays(rt, [x, out, argmax], [READ, WRITE, WRITE], (ptrs) =>
        maxPoolTask(ptrs, relu ? 1 : 0, false, windowCost(out.length, p) >= PARALLEL_WINDOW_ELEMENTS, p));
    },
    maxPoolBackward(gy: Float32Array, argmax: Int32Array, gx: Float32Array, p: PoolParams, y: Float32Array | null = null): void {
      // A scatter: memory-bound like the element-wise kernels (gx zeroed, then each gy added), and
      // cheaper per element: on 2 threads from 256k elements of gx. LeNet-5's first (301k, batch 64)
      // took 69 / 196 µs (10th percentile / median) on 2 threads after a 150-µs pause, the worker
      // asleep, against 67–68 on 1 (bench/small-tasks.ts, busy machine). In W3's step it comes
      // right after conv2's weight gradient, the worker still polling: at 2 threads 48–49 µs, where
      // on 1 thread it took 95–171 (69–113 in the 1-thread step: half its gradient is read from
      // the other core's cache, where conv2's input gradient wrote it), and the worker, kept awake,
      // no longer has to be woken for conv1's weight gradient next (the caller's wait for it 2–12
      // µs against 30–97). bench/lenet-dispatches.ts, 3 rounds alternating with main, load 1.5–2.9.
      withArrays(rt, [gy, gx, argmax, y], [READ, WRITE, READ, READ], ([pgy, pgx, pa, py]) =>
        maxPoolTask([pgy!, pgx!, pa!], py!, true, gx.length >= 2 * PARALLEL_ELEMENTS, p));
    },
    avgPoolForward(x: Float32Array, out: Float32Array, p: PoolParams): void {
      averageWindows(x, out, p.batch * p.channels, p.inSize, avgTables(p), false);
    },
    avgPoolBackward(gy: Float32Array, gx: Float32Array, p: PoolParams): void {
      averageWindows(gy, gx, p.batch * p.channels, p.inSize, avgTables(p), true);
    },
    adaptiveAvgPoolForward(x: Float32Array, out: Float32Array, p: AdaptivePoolParams): void {
      averageWindows(x, out, p.batch * p.channels, p.inSize, adaptiveTables(p), false);
    },
    adaptiveAvgPoolBackward(gy: Float32Array, gx: Float32Array, p: AdaptivePoolParams): void {
      averageWindows(gy, gx, p.batch * p.channels, p.inSize, adaptiveTables(p), true);
    },
    padForward(x: Float32Array, out: Float32Array, p: PadParams): void {
      pad(x, out, p, false);
    },
    padBackward(gy: Float32Array, gx: Float32Array, p: PadParams): void {
      pad(gy, gx, p, true);
    },

    softmaxForward(x: Float32Array, out: Float32Array, p): void {
      withArrays(rt, [x, out], [READ, WRITE], ([px, po]) =>
        ex.softmaxForward(px!, po!, p.outer, p.size, p.inner, p.log ? 1 : 0));
    },
    softmaxBackward(y: Float32Array, gy: Float32Array, gx: Float32Array, p): void {
      withArrays(rt, [y, gy, gx], [READ, READ, WRITE], ([py, pgy, pgx]) =>
        ex.softmaxBackward(py!, pgy!, pgx!, p.outer, p.size, p.inner, p.log ? 1 : 0));
    },
    nllForward(logp: Float32Array, target: Int32Array, loss: Float32Array, p: NllParams): void {
      withArrays(rt, [logp, target, loss], [READ, READ, WRITE], ([pl, pt, po]) =>
        ex.nllForward(pl!, pt!, po!, p.batch, p.classes));
    },
    nllBackward(gLoss: Float32Array, target: Int32Array, gx: Float32Array, p: NllParams): void {
      withArrays(rt, [gLoss, target, gx], [READ, READ, WRITE], ([pg, pt, px]) =>
        ex.nllBackward(pg!, pt!, px!, p.batch, p.classes));
    },
    batchNormFinishStats: refKernels.batchNormFinishStats,
    dropoutMask: refKernels.dropoutMask,

    batchNormStats(x: Float32Array, mean: Float32Array, variance: Float32Array, p: BatchNormParams): void {
      // Slots BN_X … BN_GRAD_BIAS in order; the variance goes where BN_INV_STD is.
      batchNorm(BN_STATS, [x, null, mean, variance], [READ, READ, WRITE, WRITE], false, false, p);
    },
    batchNormForward(x: Float32Array, mean: Float32Array, invStd: Float32Array, weight: Float32Array | null,
      bias: Float32Array | null, out: Float32Array, p: BatchNormParams): void {
      batchNorm(BN_FORWARD, [x, null, mean, invStd, weight, bias, out], [READ, READ, READ, READ, READ, READ, WRITE], false,
        false, p);
    },
    batchNormBackward(x: Float32Array, gy: Float32Array, mean: Float32Array, invStd: Float32Array,
      weight: Float32Array | null, gx: Float32Array | null, gWeight: Float32Array | null, gBias: Float32Array | null,
      training: boolean, p: BatchNormParams): void {
      batchNorm(BN_BACKWARD, [x, gy, mean, invStd, weight, null, gx, gWeight, gBias],
        [READ, READ, READ, READ, READ, READ, WRITE, WRITE, WRITE], training, false, p);
    },
    batchNormReluForward(x: Float32Array, mean: Float32Array, invStd: Float32Array, weight: Float32Array | null,
      bias: Float32Array | null, residual: Float32Array | null, out: Float32Array, p: BatchNormParams): void {
      batchNorm(BN_FORWARD, [x, null, mean, invStd, weight, bias, out, null, null, residual],
        [READ, READ, READ, READ, READ, READ, WRITE, READ, READ, READ], false, true, p);
    },
    batchNormReluBackward(x: Float32Array, y: Float32Array | null, gy: Float32Array, mean: Float32Array,
      invStd: Float32Array, weight: Float32Array | null, bias: Float32Array | null, gx: Float32Array | null,
      gWeight: Float32Array | null, gBias: Float32Array | null, gResidual: Float32Array | null, training: boolean,
      p: BatchNormParams): void {
      // Without y, the kernel recomputes the ReLU's mask from x (abi.ts, BN_RELU).
      batchNorm(BN_BACKWARD, [x, gy, mean, invStd, weight, bias, gx, gWeight, gBias, y, gResidual],
        [READ, READ, READ, READ, READ, READ, WRITE, WRITE, WRITE, READ, WRITE], training, true, p);
    },

    sgdStep(param: Float32Array, grad: Float32Array, buf: Float32Array | null, p): void {
      withArrays(rt, [param, grad, buf, null], [READ_WRITE, READ, READ_WRITE, READ], (ptrs) =>
        optimTask(OPT_SGD, ptrs, param.length, [p.nesterov, p.firstStep], [p.lr, p.momentum, p.dampening, p.weightDecay]));
    },
    adamStep(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, p): void {
      const stepSize = p.lr / (1 - Math.pow(p.beta1, p.step));
      const bc2Sqrt = Math.sqrt(1 - Math.pow(p.beta2, p.step));
      withArrays(rt, [param, grad, m, v], [READ_WRITE, READ, READ_WRITE, READ_WRITE], (ptrs) =>
        optimTask(OPT_ADAM, ptrs, param.length, [p.decoupled, false],
          [p.lr, p.beta1, p.beta2, p.eps, p.weightDecay, stepSize, bc2Sqrt]));
    },
  } satisfies ArrayKernels;
  const dense = new DenseWeights(heap, ex);
  const data = (s: Storage) => (s as CpuStorage).data;
  /** gemm on storages where B may be a dense layer's packed weights (dense-weights.ts); false: not such a product. */
  function gemmStored(a: Storage, b: Storage, c: Storage, p: GemmParams): boolean {
    const u = dense.prepared(b, p); // allocates: before the views are taken
    if (u) {
      dense.packedCalls++;
      gemm(data(a), data(b), data(c), p, u);
    }
    return u !== null;
  }
  return { kernels, convPathCounts: conv.pathCounts, convForwardStored: conv.convForwardStored, gemmStored, dense };

  // packedB: B's copy packed by packDenseTask (dense-weights.ts), packed first when stale.
  function gemm(a: Float32Array, b: Float32Array, c: Float32Array, p: GemmParams, packedB: Prepared | null): void {
    const { m, n, k } = p;
    if (m === 0 || n === 0) return;
    const nt = pool.plan(2 * m * n * k >= PARALLEL_GEMM_FLOPS);
    // Not where gemmDots runs (few rows of A·Bᵀ): the packed path would sum in another order,
    // and results must not depend on the thread count.
    const dots = m <= 16 && p.transB && !p.transA;
    const shareA = !dots && m * k >= SHARED_PACK_MIN && ex.gemmSharesA(m, n, nt) !== 0;
    withScratch(rt, [a, b, c], [READ, READ, p.accumulate ? READ_WRITE : WRITE], (call) => {
      // Threads split the longer side, so each needs packing space for at most all of n (with B
      // packed: its sums for all of n).
      const stride = align64(packedB ? ex.densePackedScratchBytes(m, n) : ex.gemmScratchBytes(k, n));
      const packed = shareA ? align64(ex.packedABytes(m, k)) : 0;
      const scratch = align64(call.scratch(packed + stride * nt + 64));
      const P = paramSlots(rt);
      P[GEMM_A] = call.ptrs[0]!; P[GEMM_B] = call.ptrs[1]!; P[GEMM_C] = call.ptrs[2]!;
      P[GEMM_M] = m; P[GEMM_N] = n; P[GEMM_K] = k;
      P[GEMM_TRANS_A] = p.transA ? 1 : 0; P[GEMM_TRANS_B] = p.transB ? 1 : 0; P[GEMM_ACCUMULATE] = p.accumulate ? 1 : 0;
      P[GEMM_SCRATCH] = scratch + packed; P[GEMM_SCRATCH_STRIDE] = stride; P[GEMM_PACKED_A] = shareA ? scratch : 0;
      P[GEMM_PACKED_B] = packedB ? packedB.ptr : 0;
    }, () => {
      if (packedB?.stale) {
        pool.run(TASK_PACK_DENSE, rt.params, nt);
        packedB.written();
      }
      // Column parts of at least 128 share the packed A (or pack a small one): more parts than
      // threads cost nothing. Row parts would each pack all of B: one per thread.
      if (shareA) pool.run(TASK_PACK_A, rt.params, nt);
      pool.run(TASK_GEMM, rt.params, nt, n >= m ? partsFor(nt, n, 128) : nt);
    });
  }

  // Padding natively up to PAD_MAX_RANK dims (the reference beyond, and for scalars); threads split
  // dim 0 where it is not padded (batches), which keeps every part's rows in its own slab.
  function pad(src: Float32Array, dst: Float32Array, p: PadParams, backward: boolean): void {
    const nd = p.outShape.length;
    if (nd === 0 || nd > PAD_MAX_RANK) return (backward ? refKernels.padBackward : refKernels.padForward)(src, dst, p);
    const splits = nd > 1 && p.padBegin[0] === 0 && p.inShape[0] === p.outShape[0];
    const nt = pool.plan(splits && Math.max(src.length, dst.length) >= PARALLEL_ELEMENTS);
    withScratch(rt, [src, dst], [READ, WRITE], (call) => align64(call.scratch(nt * 64 + 64)), ([ps, pd], scratch) => {
      const P = paramSlots(rt);
      P[PAD_RANK] = nd;
      P[PAD_MODE] = PAD_MODES[p.mode];
      P[PAD_SRC] = ps!; P[PAD_DST] = pd!; P[PAD_BACKWARD] = backward ? 1 : 0; P[PAD_SCRATCH] = scratch;
      heap.f32(rt.params + PAD_VALUE * 4, 1)[0] = p.value;
      let stride = 1;
      for (let d = nd - 1; d >= 0; d--) {
        const at = PAD_DIMS + d * PAD_PER_DIM;
        P[at] = p.inShape[d]!; P[at + 1] = p.outShape[d]!; P[at + 2] = p.padBegin[d]!; P[at + 3] = stride;
        P[at + 4] = p.step?.[d] ?? 1;
        stride *= p.inShape[d]!;
      }
      pool.run(TASK_PAD, rt.params, nt, nt === 1 ? 1 : partsFor(nt, p.outShape[0]!, 1));
    });
  }
}
