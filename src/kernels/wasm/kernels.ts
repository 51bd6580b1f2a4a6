// wasmKernels: the Kernels interface on the compiled AssemblyScript module. Native kernels:
// gemm, convForward/BackwardInput/BackwardWeight (2-D and 1-D), unary, unaryBackward, binary
// (broadcasts that collapse to ≤ 3 dims with inner stride 0/1), softmax forward/backward, sgd
// and adam steps. Every other kernel, and shapes the native ones do not cover (3-D conv), run
// the reference kernel on the same views: correct everywhere, fast where it matters.
import type {
  BinaryOp, BinaryParams, ConvParams, GemmParams, Kernels, UnaryOp,
} from '../kernels.js';
import { refKernels } from '../ref/index.js';
import { Call, READ, READ_WRITE, WRITE } from './call.js';
import type { WasmHeap } from './memory.js';
import type { ThreadPool } from './pool.js';

export interface WasmExports {
  heapBase(): number;
  gemmScratchBytes(k: number, n: number): number;
  convScratchBytes(params: number, nt: number): number;
  unary(op: number, x: number, out: number, n: number, a: number): void;
  unaryBackward(op: number, x: number, y: number, gy: number, gx: number, n: number, a: number): void;
  binary3(op: number, a: number, b: number, out: number, d0: number, d1: number, d2: number,
    as0: number, as1: number, as2: number, bs0: number, bs1: number, bs2: number): void;
  softmaxForward(x: number, out: number, outer: number, size: number, inner: number, log: number): void;
  softmaxBackward(y: number, gy: number, gx: number, outer: number, size: number, inner: number, log: number): void;
  sgdStep(param: number, grad: number, buf: number, n: number, lr: number, momentum: number, dampening: number,
    nesterov: number, weightDecay: number, firstStep: number): void;
  adamStep(param: number, grad: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number,
    eps: number, weightDecay: number, decoupled: number, stepSize: number, bc2Sqrt: number): void;
}

/** Task ids for the thread pool, in this order of export names. */
export const TASKS = ['gemmTask', 'convForwardTask', 'convBackwardInputTask', 'convBackwardWeightTask'] as const;
const GEMM = 0, CONV_FWD = 1, CONV_BWD_IN = 2, CONV_BWD_W = 3;

// Below about a megaflop the dispatch costs more than a second thread saves (PERF-NOTES).
const PARALLEL_FLOPS = 1e6;

export interface Runtime {
  heap: WasmHeap;
  ex: WasmExports;
  pool: ThreadPool;
  params: number; // a 32-slot parameter block for tasks
}

const UNARY: readonly UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'abs', 'square', 'reciprocal', 'relu', 'leakyRelu',
  'elu', 'sigmoid', 'tanh'];
const BINARY: readonly BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow'];

const align64 = (n: number) => Math.ceil(n / 64) * 64;

// Merges output dims that both operands walk contiguously and drops size-1 dims, so a
// same-shape op becomes 1-D and a bias add 2-D. Returns null if more than 3 dims remain or an
// innermost stride is neither 0 nor 1.
export function collapse(p: BinaryParams): { shape: number[]; as: number[]; bs: number[] } | null {
  const shape: number[] = [], as: number[] = [], bs: number[] = [];
  for (let d = 0; d < p.shape.length; d++) {
    const n = p.shape[d]!;
    if (n === 1) continue;
    const sa = p.aStrides[d]!, sb = p.bStrides[d]!;
    const last = shape.length - 1;
    if (last >= 0 && as[last] === sa * n && bs[last] === sb * n) {
      shape[last] = shape[last]! * n;
      as[last] = sa;
      bs[last] = sb;
    } else {
      shape.push(n);
      as.push(sa);
      bs.push(sb);
    }
  }
  while (shape.length < 3) {
    shape.unshift(1);
    as.unshift(0);
    bs.unshift(0);
  }
  if (shape.length > 3 || (as[2] !== 0 && as[2] !== 1) || (bs[2] !== 0 && bs[2] !== 1)) return null;
  return { shape, as, bs };
}

// The 2-D view of a conv (1-D as H = 1), or null for shapes the native kernels do not cover.
function conv2d(p: ConvParams): number[] | null {
  const d = p.inSize.length;
  if (d !== 1 && d !== 2) return null;
  const two = (a: readonly number[], one: number) => (d === 2 ? [a[0]!, a[1]!] : [one, a[0]!]);
  const [ih, iw] = two(p.inSize, 1), [oh, ow] = two(p.outSize, 1), [kh, kw] = two(p.kernelSize, 1);
  const [sh, sw] = two(p.stride, 1), [ph, pw] = two(p.padBegin, 0), [dh, dw] = two(p.dilation, 1);
  return [p.batch, p.inChannels, p.outChannels, p.groups, ih!, iw!, oh!, ow!, kh!, kw!, sh!, sw!, ph!, pw!, dh!, dw!];
}

export function createWasmKernels(rt: Runtime) {
  const { heap, ex, pool } = rt;

  // Runs a conv task: a = slot 0, b = slot 1, c = slot 2 pointers, the geometry, then scratch.
  function convTask(task: number, geo: number[], ptrs: number[], call: Call, flops: number): void {
    const nt = pool.plan(flops >= PARALLEL_FLOPS);
    let P = heap.i32(rt.params, 22);
    P[0] = ptrs[0]!; P[1] = ptrs[1]!; P[2] = ptrs[2]!; P[3] = ptrs[3] ?? 0;
    for (let i = 0; i < 16; i++) P[4 + i] = geo[i]!;
    const stride = align64(ex.convScratchBytes(rt.params, nt));
    const scratch = call.scratch(stride * nt + 64);
    P = heap.i32(rt.params, 22);
    P[20] = align64(scratch);
    P[21] = stride;
    call.begin();
    try {
      pool.run(task, rt.params, nt);
    } finally {
      call.end();
    }
  }

  return {
    unary(op: UnaryOp, x: Float32Array, out: Float32Array, param: number): void {
      const call = new Call(heap, [x, out], [READ, WRITE]).begin();
      try {
        ex.unary(UNARY.indexOf(op), call.ptrs[0]!, call.ptrs[1]!, x.length, param);
      } finally {
        call.end();
      }
    },
    unaryBackward(op: UnaryOp, x: Float32Array, y: Float32Array, gy: Float32Array, gx: Float32Array, param: number): void {
      const call = new Call(heap, [x, y, gy, gx], [READ, READ, READ, WRITE]).begin();
      try {
        const [px, py, pgy, pgx] = call.ptrs;
        ex.unaryBackward(UNARY.indexOf(op), px!, py!, pgy!, pgx!, gy.length, param);
      } finally {
        call.end();
      }
    },
    binary(op: BinaryOp, a: Float32Array, b: Float32Array, out: Float32Array, p: BinaryParams): void {
      const c = collapse(p);
      if (!c) return refKernels.binary(op, a, b, out, p);
      const call = new Call(heap, [a, b, out], [READ, READ, WRITE]).begin();
      try {
        const [pa, pb, po] = call.ptrs;
        ex.binary3(BINARY.indexOf(op), pa!, pb!, po!, c.shape[0]!, c.shape[1]!, c.shape[2]!,
          c.as[0]!, c.as[1]!, c.as[2]!, c.bs[0]!, c.bs[1]!, c.bs[2]!);
      } finally {
        call.end();
      }
    },
    stridedCopy: refKernels.stridedCopy,
    sumTo: refKernels.sumTo,
    gemm(a: Float32Array, b: Float32Array, c: Float32Array, p: GemmParams): void {
      const { m, n, k } = p;
      if (m === 0 || n === 0) return;
      const call = new Call(heap, [a, b, c], [READ, READ, p.accumulate ? READ_WRITE : WRITE]);
      const nt = pool.plan(2 * m * n * k >= PARALLEL_FLOPS);
      // Threads split the longer side, so each needs packing space for at most all of n.
      const stride = align64(ex.gemmScratchBytes(k, n));
      const scratch = align64(call.scratch(stride * nt + 64));
      const P = heap.i32(rt.params, 11);
      P[0] = call.ptrs[0]!; P[1] = call.ptrs[1]!; P[2] = call.ptrs[2]!;
      P[3] = m; P[4] = n; P[5] = k;
      P[6] = p.transA ? 1 : 0; P[7] = p.transB ? 1 : 0; P[8] = p.accumulate ? 1 : 0;
      P[9] = scratch; P[10] = stride;
      call.begin();
      try {
        pool.run(GEMM, rt.params, nt);
      } finally {
        call.end();
      }
    },

    convForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, p: ConvParams): void {
      const geo = conv2d(p);
      if (!geo) return refKernels.convForward(x, w, bias, out, p);
      if (out.length === 0) return;
      const call = new Call(heap, [x, w, bias, out], [READ, READ, READ, WRITE]);
      const [px, pw, pb, po] = call.ptrs;
      convTask(CONV_FWD, geo, [px!, pw!, pb!, po!], call, 2 * out.length * w.length / p.outChannels);
    },
    convBackwardInput(gy: Float32Array, w: Float32Array, gx: Float32Array, p: ConvParams): void {
      const geo = conv2d(p);
      if (!geo) return refKernels.convBackwardInput(gy, w, gx, p);
      if (gy.length === 0) return void gx.fill(0);
      const call = new Call(heap, [gy, w, gx], [READ, READ, WRITE]);
      convTask(CONV_BWD_IN, geo, call.ptrs, call, 2 * gy.length * w.length / p.outChannels);
    },
    convBackwardWeight(x: Float32Array, gy: Float32Array, gw: Float32Array, p: ConvParams): void {
      const geo = conv2d(p);
      if (!geo) return refKernels.convBackwardWeight(x, gy, gw, p);
      if (gy.length === 0) return void gw.fill(0);
      const call = new Call(heap, [x, gy, gw], [READ, READ, WRITE]);
      convTask(CONV_BWD_W, geo, call.ptrs, call, 2 * gy.length * gw.length / p.outChannels);
    },

    maxPoolForward: refKernels.maxPoolForward,
    maxPoolBackward: refKernels.maxPoolBackward,
    avgPoolForward: refKernels.avgPoolForward,
    avgPoolBackward: refKernels.avgPoolBackward,
    adaptiveAvgPoolForward: refKernels.adaptiveAvgPoolForward,
    adaptiveAvgPoolBackward: refKernels.adaptiveAvgPoolBackward,
    padForward: refKernels.padForward,
    padBackward: refKernels.padBackward,

    softmaxForward(x: Float32Array, out: Float32Array, p): void {
      const call = new Call(heap, [x, out], [READ, WRITE]).begin();
      try {
        ex.softmaxForward(call.ptrs[0]!, call.ptrs[1]!, p.outer, p.size, p.inner, p.log ? 1 : 0);
      } finally {
        call.end();
      }
    },
    softmaxBackward(y: Float32Array, gy: Float32Array, gx: Float32Array, p): void {
      const call = new Call(heap, [y, gy, gx], [READ, READ, WRITE]).begin();
      try {
        const [py, pgy, pgx] = call.ptrs;
        ex.softmaxBackward(py!, pgy!, pgx!, p.outer, p.size, p.inner, p.log ? 1 : 0);
      } finally {
        call.end();
      }
    },
    nllForward: refKernels.nllForward,
    nllBackward: refKernels.nllBackward,

    batchNormStats: refKernels.batchNormStats,
    batchNormForward: refKernels.batchNormForward,
    batchNormBackward: refKernels.batchNormBackward,

    sgdStep(param: Float32Array, grad: Float32Array, buf: Float32Array | null, p): void {
      const call = new Call(heap, [param, grad, buf], [READ_WRITE, READ, READ_WRITE]).begin();
      try {
        const [pp, pg, pb] = call.ptrs;
        ex.sgdStep(pp!, pg!, pb!, param.length, p.lr, p.momentum, p.dampening, p.nesterov ? 1 : 0, p.weightDecay,
          p.firstStep ? 1 : 0);
      } finally {
        call.end();
      }
    },
    adamStep(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, p): void {
      const call = new Call(heap, [param, grad, m, v], [READ_WRITE, READ, READ_WRITE, READ_WRITE]).begin();
      try {
        const [pp, pg, pm, pv] = call.ptrs;
        const stepSize = p.lr / (1 - Math.pow(p.beta1, p.step));
        const bc2Sqrt = Math.sqrt(1 - Math.pow(p.beta2, p.step));
        ex.adamStep(pp!, pg!, pm!, pv!, param.length, p.lr, p.beta1, p.beta2, p.eps, p.weightDecay,
          p.decoupled ? 1 : 0, stepSize, bc2Sqrt);
      } finally {
        call.end();
      }
    },
  } satisfies Kernels;
}
