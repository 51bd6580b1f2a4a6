// wasmKernels: the typed-array kernels (ArrayKernels) on the compiled AssemblyScript module. Native kernels:
// gemm, convForward (Winograd F(2×2,3×3) for 3×3 stride-1 convs with enough tiles, a direct
// kernel for stride-1 convs with ≤ 16 output channels, another for depthwise ones, else im2col
// packed straight into GEMM panels; 3-D convs through vol2col), convBackwardInput/BackwardWeight
// (1-D to 3-D), unary, unaryBackward, binary (broadcasts that collapse to ≤ 3 dims with inner
// stride 0/1), stridedCopy (≤ 4 collapsed dims), sumTo (≤ 3), max, average and adaptive average
// pooling (1-D to 3-D) forward and backward, batch norm (stats, forward, backward), softmax
// forward/backward, sgd and adam steps. The rest (pad; NLL, a gather of one value per row; batch norm's per-channel
// statistics finish; dropout masks) run
// the reference kernel on the same views in WebAssembly memory: correct everywhere, fast where
// it matters.
import type {
  AdaptivePoolParams, BatchNormParams, BinaryOp, BinaryParams, ConvParams, GemmParams, ArrayKernels, PoolParams, StridedCopyParams,
  SumToParams, UnaryOp,
} from '../kernels.js';
import { refKernels } from '../ref/index.js';
import { adaptiveTables, avgTables, type WindowTable } from '../ref/pool.js';
import { Call, READ, READ_WRITE, WRITE } from './call.js';
import type { WasmHeap } from './memory.js';
import type { ThreadPool } from './pool.js';

export interface WasmExports {
  heapBase(): number;
  zero(ptr: number, bytes: number): void;
  gemmScratchBytes(k: number, n: number): number;
  gemmSharesA(m: number, n: number, nt: number): number;
  packedABytes(m: number, k: number): number;
  convScratchBytes(params: number, nt: number): number;
  winogradScratchBytes(params: number, nt: number): number;
  winogradWeightBytes(params: number): number;
  directConvScratchBytes(params: number, nt: number): number;
  depthwiseScratchBytes(params: number, nt: number): number;
  conv3dScratchBytes(params: number, nt: number): number;
  conv3dForwardUnits(params: number): number;
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
  stridedCopy4(x: number, out: number, d0: number, d1: number, d2: number, d3: number,
    s0: number, s1: number, s2: number, s3: number): void;
  sumTo3(x: number, out: number, outLen: number, d0: number, d1: number, d2: number, o0: number, o1: number, o2: number): void;
  maxPoolBackward(gy: number, argmax: number, gx: number, planes: number, inPlane: number, outPlane: number): void;
  averageWindows(src: number, dst: number, planes: number, inD: number, inH: number, inW: number,
    outD: number, outH: number, outW: number, tables: number, backward: number): void;
  batchNormStats(x: number, mean: number, variance: number, batch: number, channels: number, spatial: number): void;
  batchNormForward(x: number, mean: number, invStd: number, weight: number, bias: number, out: number,
    batch: number, channels: number, spatial: number): void;
  batchNormBackward(x: number, gy: number, mean: number, invStd: number, weight: number, gx: number, gWeight: number,
    gBias: number, training: number, batch: number, channels: number, spatial: number): void;
}

/** Task ids for the thread pool, in this order of export names. */
export const TASKS = ['gemmTask', 'convForwardTask', 'convBackwardInputTask', 'convBackwardWeightTask',
  'convWinogradTask', 'packATask', 'winogradWeightsTask', 'directConvTask', 'depthwiseConvTask',
  'conv3dForwardTask', 'conv3dBackwardInputTask', 'conv3dBackwardWeightTask', 'maxPoolTask'] as const;
const GEMM = 0, CONV_FWD = 1, CONV_BWD_IN = 2, CONV_BWD_W = 3, CONV_WINOGRAD = 4, PACK_A = 5, WINOGRAD_WEIGHTS = 6,
  CONV_DIRECT = 7, CONV_DEPTHWISE = 8, CONV3D_FWD = 9, CONV3D_BWD_IN = 10, CONV3D_BWD_W = 11, MAX_POOL = 12;

// Below about a megaflop the dispatch costs more than a second thread saves (PERF-NOTES).
const PARALLEL_FLOPS = 1e6;
// Max pooling: a window element costs ~1.5 ns (loads, compare, select), tens of GEMM flops;
// AlexNet's last pool (256×13² → 6², 83k elements) ran in 60–77 µs on 2 threads, 112–155 on 1.
const PARALLEL_WINDOW_ELEMENTS = 5e4;
// Parts per thread for tasks whose parts cost nothing extra to split (no packing repeated per
// part): a thread slowed by a busy core then claims fewer of them (see pool.ts).
const PARTS_PER_THREAD = 4;

/** Up to PARTS_PER_THREAD parts per thread of `units` units, at least `minUnits` units each. */
function partsFor(nt: number, units: number, minUnits: number): number {
  // A multiple of nt: 3 equal parts on 2 threads leave one thread a third of the time alone.
  return nt === 1 ? 1 : Math.max(1, Math.floor(Math.min(nt * PARTS_PER_THREAD, units / minUnits) / nt)) * nt;
}
// From this many elements of A, packing it once for all threads (one more dispatch, ~25 µs)
// beats every thread packing all of it.
const SHARED_PACK_MIN = 65536;

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

// Merges adjacent dims that every operand walks contiguously (stride[d] = stride[d+1]·n[d+1])
// and drops size-1 dims, so a same-shape op becomes 1-D and a bias add 2-D; then pads to
// `rank` dims. Returns null if more than `rank` dims remain.
export function collapseDims(shape: readonly number[], strides: readonly (readonly number[])[], rank: number):
  { shape: number[]; strides: number[][] } | null {
  const outShape: number[] = [];
  const out = strides.map(() => [] as number[]);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, i) => out[i]![last] === s[d]! * n)) {
      outShape[last] = outShape[last]! * n;
      strides.forEach((s, i) => { out[i]![last] = s[d]!; });
    } else {
      outShape.push(n);
      strides.forEach((s, i) => out[i]!.push(s[d]!));
    }
  }
  if (outShape.length > rank) return null;
  while (outShape.length < rank) {
    outShape.unshift(1);
    for (const o of out) o.unshift(0);
  }
  return { shape: outShape, strides: out };
}

// Binary ops need innermost strides 0 or 1 on both sides (a SIMD run or a splat).
export function collapse(p: BinaryParams): { shape: number[]; as: number[]; bs: number[] } | null {
  const c = collapseDims(p.shape, [p.aStrides, p.bStrides], 3);
  if (!c) return null;
  const [as, bs] = c.strides as [number[], number[]];
  if ((as[2] !== 0 && as[2] !== 1) || (bs[2] !== 0 && bs[2] !== 1)) return null;
  return { shape: c.shape, as, bs };
}

// The 2-D view of a 1-D or 2-D conv (1-D as H = 1).
function conv2d(p: ConvParams): number[] {
  const d = p.inSize.length;
  const two = (a: readonly number[], one: number) => (d === 2 ? [a[0]!, a[1]!] : [one, a[0]!]);
  const [ih, iw] = two(p.inSize, 1), [oh, ow] = two(p.outSize, 1), [kh, kw] = two(p.kernelSize, 1);
  const [sh, sw] = two(p.stride, 1), [ph, pw] = two(p.padBegin, 0), [dh, dw] = two(p.dilation, 1);
  return [p.batch, p.inChannels, p.outChannels, p.groups, ih!, iw!, oh!, ow!, kh!, kw!, sh!, sw!, ph!, pw!, dh!, dw!];
}

// The 3-D geometry in conv3d.ts's slot order (4 batch … 25 dw), or null for 1-D and 2-D convs.
function conv3dGeometry(p: ConvParams): number[] | null {
  if (p.inSize.length !== 3) return null;
  return [p.batch, p.inChannels, p.outChannels, p.groups, ...p.inSize, ...p.outSize, ...p.kernelSize, ...p.stride,
    ...p.padBegin, ...p.dilation];
}

// Winograd F(2×2, 3×3) for 3×3 stride-1 undilated ungrouped convs with enough channels that its
// 16 GEMMs stay efficient (2.25× fewer products; error ~1e-6 relative, within float32 noise), and
// enough 2×2 output tiles: each block of tiles reads all 16·cin·cout transformed weights, which
// with only a few tiles costs more than it saves. Measured at batch 1: 1.4–1.6× faster than
// im2col from 64→64 at 56² to 256→256 at 14² (49 tiles), on 1 thread and on 2; 1.2–1.4× slower
// for 512→512 at 7² (16 tiles). The choice must not depend on the thread count: results would.
const WINOGRAD_MIN_TILES = 40;
function winogradFits(geo: number[]): boolean {
  const [batch, cin, cout, groups, , , oh, ow, kh, kw, sh, sw, , , dh, dw] = geo;
  const tiles = batch! * Math.ceil(oh! / 2) * Math.ceil(ow! / 2);
  return groups === 1 && kh === 3 && kw === 3 && sh === 1 && sw === 1 && dh === 1 && dw === 1 &&
    cin! >= 16 && cout! >= 16 && tiles >= WINOGRAD_MIN_TILES;
}

// The direct kernel for stride-1 undilated ungrouped convs with at most 16 output channels, where
// im2col packing costs more than the few products each packed element feeds (LeNet-5's forward
// convs ran 2–2.3× faster than through the GEMM). Not for input gradients: as a full correlation
// of the output gradient it multiplies the padding too (LeNet-5's conv2: 2.1 ms vs 1.4 ms).
function directFits(geo: number[]): boolean {
  const [, , cout, groups, , , , , , , sh, sw, , , dh, dw] = geo;
  return groups === 1 && cout! <= 16 && sh === 1 && sw === 1 && dh === 1 && dw === 1;
}

// Depthwise (one filter per channel), stride 1 or 2 across, undilated: its own direct kernel.
function depthwiseFits(geo: number[]): boolean {
  const [, cin, cout, groups, , , , , , , , sw, , , dh, dw] = geo;
  return groups === cin && cout === cin && (sw === 1 || sw === 2) && dh === 1 && dw === 1;
}

export function createWasmKernels(rt: Runtime) {
  const { heap, ex, pool } = rt;

  // Runs a conv task: a = slot 0, b = slot 1, c = slot 2 pointers, the geometry, then scratch.
  function convTask(task: number, geo: number[], ptrs: number[], call: Call, flops: number, flip = false): void {
    const nt = pool.plan(flops >= PARALLEL_FLOPS);
    const winograd = task === CONV_WINOGRAD;
    let P = heap.i32(rt.params, 24);
    P[0] = ptrs[0]!; P[1] = ptrs[1]!; P[2] = ptrs[2]!; P[3] = ptrs[3] ?? 0;
    for (let i = 0; i < 16; i++) P[4 + i] = geo[i]!;
    P[22] = flip ? 1 : 0;
    const bytes = winograd ? ex.winogradScratchBytes(rt.params, nt)
      : task === CONV_DIRECT ? ex.directConvScratchBytes(rt.params, nt)
        : task === CONV_DEPTHWISE ? ex.depthwiseScratchBytes(rt.params, nt) : ex.convScratchBytes(rt.params, nt);
    const stride = align64(bytes);
    // Winograd's transformed weights: one block shared by the threads, ahead of their scratch.
    const shared = winograd ? align64(ex.winogradWeightBytes(rt.params)) : 0;
    const scratch = align64(call.scratch(shared + stride * nt + 64));
    P = heap.i32(rt.params, 24);
    P[20] = scratch + shared;
    P[21] = stride;
    P[23] = scratch;
    // Splittable without repeated packing: Winograd's tiles (≥ 64 per part, so its GEMMs stay
    // wide) and weight panels, the direct kernels' (image, channel block) units and planes.
    // im2col parts would each pack the weights or the columns again: one per thread.
    const [batch, cin, cout, , , , oh, ow] = geo as [number, number, number, number, number, number, number, number];
    const parts = winograd ? partsFor(nt, batch * Math.ceil(oh / 2) * Math.ceil(ow / 2), 64)
      : task === CONV_DIRECT ? partsFor(nt, batch * Math.ceil(cout / 4), 1)
        : task === CONV_DEPTHWISE ? partsFor(nt, batch * cin, 1) : nt;
    call.begin();
    try {
      if (winograd) pool.run(WINOGRAD_WEIGHTS, rt.params, nt, partsFor(nt, Math.ceil(cout / 4), 1));
      pool.run(task, rt.params, nt, parts);
    } finally {
      call.end();
    }
  }

  // Runs a 3-D conv task: slots 0–3 pointers, 4–25 the geometry, 26–27 scratch (see conv3d.ts).
  // The forward splits (image, group, plane chunk) units; the backward passes, input channels.
  function volumeTask(task: number, geo: number[], call: Call, flops: number): void {
    const nt = pool.plan(flops >= PARALLEL_FLOPS);
    let P = heap.i32(rt.params, 28);
    for (let i = 0; i < 4; i++) P[i] = call.ptrs[i] ?? 0;
    for (let i = 0; i < 22; i++) P[4 + i] = geo[i]!;
    const stride = align64(ex.conv3dScratchBytes(rt.params, nt));
    const scratch = align64(call.scratch(stride * nt + 64));
    P = heap.i32(rt.params, 28);
    P[26] = scratch;
    P[27] = stride;
    // Forward units cost no extra packing each: several per thread, as many as there are.
    const parts = task === CONV3D_FWD ? partsFor(nt, ex.conv3dForwardUnits(rt.params), 1) : nt;
    call.begin();
    try {
      pool.run(task, rt.params, nt, parts);
    } finally {
      call.end();
    }
  }

  // The call of a conv kernel over `arrays`; null when the conv was 3-D and `volume` ran it.
  function convCall(arrays: (Float32Array | null)[], modes: number[], p: ConvParams, volume: number,
    flops: number): Call | null {
    const call = new Call(heap, arrays, modes);
    const vol = conv3dGeometry(p);
    if (!vol) return call;
    volumeTask(volume, vol, call, flops);
    return null;
  }

  // Average pooling: the reference's window tables, copied next to the data, walked natively.
  function averageWindows(src: Float32Array, dst: Float32Array, planes: number, inSize: readonly number[],
    tables: WindowTable[], backward: boolean): void {
    const [inD, inH, inW] = [1, 1, ...inSize].slice(-3) as [number, number, number];
    const flat = tables.flatMap((t) => [t.lo, t.hi, t.extent]);
    const call = new Call(heap, [src, dst], [READ, WRITE]);
    const tablePtr = call.scratch(flat.reduce((n, a) => n + a.length, 0) * 4);
    call.begin();
    try {
      let at = tablePtr;
      for (const a of flat) {
        heap.i32(at, a.length).set(a);
        at += a.length * 4;
      }
      ex.averageWindows(call.ptrs[0]!, call.ptrs[1]!, planes, inD, inH, inW, tables[0]!.lo.length, tables[1]!.lo.length,
        tables[2]!.lo.length, tablePtr, backward ? 1 : 0);
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
    stridedCopy(x: Float32Array, out: Float32Array, p: StridedCopyParams): void {
      const c = collapseDims(p.shape, [p.strides], 4);
      if (!c || out.length === 0) return refKernels.stridedCopy(x, out, p);
      const call = new Call(heap, [x, out], [READ, WRITE]).begin();
      try {
        const [d0, d1, d2, d3] = c.shape, [s0, s1, s2, s3] = c.strides[0]!;
        ex.stridedCopy4(call.ptrs[0]!, call.ptrs[1]!, d0!, d1!, d2!, d3!, s0!, s1!, s2!, s3!);
      } finally {
        call.end();
      }
    },
    sumTo(x: Float32Array, out: Float32Array, p: SumToParams): void {
      const c = collapseDims(p.shape, [p.outStrides], 3);
      if (!c || (c.strides[0]![2] !== 0 && c.strides[0]![2] !== 1)) return refKernels.sumTo(x, out, p);
      const call = new Call(heap, [x, out], [READ, WRITE]).begin();
      try {
        const [d0, d1, d2] = c.shape, [o0, o1, o2] = c.strides[0]!;
        ex.sumTo3(call.ptrs[0]!, call.ptrs[1]!, out.length, d0!, d1!, d2!, o0!, o1!, o2!);
      } finally {
        call.end();
      }
    },
    gemm(a: Float32Array, b: Float32Array, c: Float32Array, p: GemmParams): void {
      const { m, n, k } = p;
      if (m === 0 || n === 0) return;
      const call = new Call(heap, [a, b, c], [READ, READ, p.accumulate ? READ_WRITE : WRITE]);
      const nt = pool.plan(2 * m * n * k >= PARALLEL_FLOPS);
      // Threads split the longer side, so each needs packing space for at most all of n.
      const stride = align64(ex.gemmScratchBytes(k, n));
      // Not where gemmDots runs (few rows of A·Bᵀ): the packed path would sum in another order,
      // and results must not depend on the thread count.
      const dots = m <= 16 && p.transB && !p.transA;
      const shareA = !dots && m * k >= SHARED_PACK_MIN && ex.gemmSharesA(m, n, nt) !== 0;
      const packed = shareA ? align64(ex.packedABytes(m, k)) : 0;
      const scratch = align64(call.scratch(packed + stride * nt + 64));
      const P = heap.i32(rt.params, 12);
      P[0] = call.ptrs[0]!; P[1] = call.ptrs[1]!; P[2] = call.ptrs[2]!;
      P[3] = m; P[4] = n; P[5] = k;
      P[6] = p.transA ? 1 : 0; P[7] = p.transB ? 1 : 0; P[8] = p.accumulate ? 1 : 0;
      P[9] = scratch + packed; P[10] = stride; P[11] = shareA ? scratch : 0;
      call.begin();
      try {
        // Column parts of at least 128 share the packed A (or pack a small one): more parts than
        // threads cost nothing. Row parts would each pack all of B: one per thread.
        if (shareA) pool.run(PACK_A, rt.params, nt);
        pool.run(GEMM, rt.params, nt, n >= m ? partsFor(nt, n, 128) : nt);
      } finally {
        call.end();
      }
    },

    convForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, p: ConvParams): void {
      if (out.length === 0) return;
      const flops = 2 * out.length * w.length / p.outChannels;
      const call = convCall([x, w, bias, out], [READ, READ, READ, WRITE], p, CONV3D_FWD, flops);
      if (!call) return;
      const geo = conv2d(p);
      const task = winogradFits(geo) ? CONV_WINOGRAD : directFits(geo) ? CONV_DIRECT
        : depthwiseFits(geo) ? CONV_DEPTHWISE : CONV_FWD;
      convTask(task, geo, call.ptrs, call, flops);
    },
    convBackwardInput(gy: Float32Array, w: Float32Array, gx: Float32Array, p: ConvParams): void {
      if (gy.length === 0) return void gx.fill(0);
      const flops = 2 * gy.length * w.length / p.outChannels;
      const call = convCall([gy, w, gx], [READ, READ, WRITE], p, CONV3D_BWD_IN, flops);
      if (!call) return;
      const geo = conv2d(p);
      // For 3×3 stride 1 the input gradient is itself such a conv: gy with the weights rotated
      // and transposed, padded 2 − pad. Winograd runs it when the padding stays non-negative.
      const [b, cin, cout, , ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw] = geo as [number, number, number,
        number, number, number, number, number, number, number, number, number, number, number, number, number];
      const tgeo = [b, cout, cin, 1, oh, ow, ih, iw, kh, kw, sh, sw, 2 - ph, 2 - pw, dh, dw];
      if (winogradFits(geo) && winogradFits(tgeo) && ph <= 2 && pw <= 2) {
        return convTask(CONV_WINOGRAD, tgeo, [call.ptrs[0]!, call.ptrs[1]!, 0, call.ptrs[2]!], call, flops, true);
      }
      convTask(CONV_BWD_IN, geo, call.ptrs, call, flops);
    },
    convBackwardWeight(x: Float32Array, gy: Float32Array, gw: Float32Array, p: ConvParams): void {
      if (gy.length === 0) return void gw.fill(0);
      const flops = 2 * gy.length * gw.length / p.outChannels;
      const call = convCall([x, gy, gw], [READ, READ, WRITE], p, CONV3D_BWD_W, flops);
      if (call) convTask(CONV_BWD_W, conv2d(p), call.ptrs, call, flops);
    },

    maxPoolForward(x: Float32Array, out: Float32Array, argmax: Int32Array | null, p: PoolParams): void {
      // 1-D and 2-D as 3-D with leading size-1 dims; threads split the planes.
      const three = (a: readonly number[], one: number) => [one, one, ...a].slice(-3);
      const call = new Call(heap, [x, out, argmax], [READ, WRITE, WRITE]).begin();
      try {
        const planes = p.batch * p.channels;
        heap.i32(rt.params, 22).set([...call.ptrs, planes, ...three(p.inSize, 1), ...three(p.outSize, 1),
          ...three(p.kernelSize, 1), ...three(p.stride, 1), ...three(p.padBegin, 0), ...three(p.dilation, 1)]);
        const nt = pool.plan(out.length * p.kernelSize.reduce((s, k) => s * k, 1) >= PARALLEL_WINDOW_ELEMENTS);
        pool.run(MAX_POOL, rt.params, nt, partsFor(nt, planes, 1));
      } finally {
        call.end();
      }
    },
    maxPoolBackward(gy: Float32Array, argmax: Int32Array, gx: Float32Array, p: PoolParams): void {
      const call = new Call(heap, [gy, argmax, gx], [READ, READ, WRITE]).begin();
      try {
        const [pg, pa, px] = call.ptrs;
        const size = (a: readonly number[]) => a.reduce((s, v) => s * v, 1);
        ex.maxPoolBackward(pg!, pa!, px!, p.batch * p.channels, size(p.inSize), size(p.outSize));
      } finally {
        call.end();
      }
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
    batchNormFinishStats: refKernels.batchNormFinishStats,
    dropoutMask: refKernels.dropoutMask,

    batchNormStats(x: Float32Array, mean: Float32Array, variance: Float32Array, p: BatchNormParams): void {
      const call = new Call(heap, [x, mean, variance], [READ, WRITE, WRITE]).begin();
      try {
        const [px, pm, pv] = call.ptrs;
        ex.batchNormStats(px!, pm!, pv!, p.batch, p.channels, p.spatial);
      } finally {
        call.end();
      }
    },
    batchNormForward(x: Float32Array, mean: Float32Array, invStd: Float32Array, weight: Float32Array | null,
      bias: Float32Array | null, out: Float32Array, p: BatchNormParams): void {
      const call = new Call(heap, [x, mean, invStd, weight, bias, out], [READ, READ, READ, READ, READ, WRITE]).begin();
      try {
        const [px, pm, pi, pw, pb, po] = call.ptrs;
        ex.batchNormForward(px!, pm!, pi!, pw!, pb!, po!, p.batch, p.channels, p.spatial);
      } finally {
        call.end();
      }
    },
    batchNormBackward(x: Float32Array, gy: Float32Array, mean: Float32Array, invStd: Float32Array,
      weight: Float32Array | null, gx: Float32Array | null, gWeight: Float32Array | null, gBias: Float32Array | null,
      training: boolean, p: BatchNormParams): void {
      const call = new Call(heap, [x, gy, mean, invStd, weight, gx, gWeight, gBias],
        [READ, READ, READ, READ, READ, WRITE, WRITE, WRITE]).begin();
      try {
        const [px, pg, pm, pi, pw, pgx, pgw, pgb] = call.ptrs;
        ex.batchNormBackward(px!, pg!, pm!, pi!, pw!, pgx!, pgw!, pgb!, training ? 1 : 0, p.batch, p.channels, p.spatial);
      } finally {
        call.end();
      }
    },

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
  } satisfies ArrayKernels;
}
