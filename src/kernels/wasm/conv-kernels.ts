// Convolutions on the module: the path chosen by conv-paths.ts, the parameter block filled, the
// scratch sized, the task split into parts and run on the pool. Counts the path each call took.
// The forward on storages keeps its prepared weights (Winograd-transformed, or packed for the
// im2col GEMM) across calls, keyed by the weight's storage and version (weight-cache.ts).
import type { ConvParams } from '../kernels.js';
import type { CpuStorage, Storage } from '../storage.js';
import {
  CONV_BATCH, CONV_FLIP, CONV_PACKED_W, CONV_SCRATCH, CONV_WINOGRAD_BY_CHANNELS, CONV_SCRATCH_STRIDE, CONV_WINOGRAD_U, TASK_CONV3D_BWD_IN, TASK_CONV3D_BWD_W,
  TASK_CONV3D_FWD, TASK_CONV_BWD_IN, TASK_CONV_BWD_W, TASK_CONV_DEPTHWISE, TASK_CONV_DIRECT, TASK_CONV_DIRECT_BWD_W,
  TASK_CONV_FWD, TASK_CONV_POLYPHASE, TASK_CONV_WINOGRAD, TASK_CONV_WINOGRAD4, TASK_PACK_A, TASK_WINOGRAD_GRAD_FINISH, TASK_WINOGRAD_GRAD_LANE, TASK_WINOGRAD_WEIGHTS,
  TASK_WINOGRAD4_WEIGHTS, VOL_BATCH, VOL_SCRATCH, VOL_SCRATCH_STRIDE, CONV_GRAD_LD, GEMM_A, GEMM_K, GEMM_M, GEMM_PACKED_A, GEMM_TRANS_A,
  CONV_GRAD_BASE, CONV_GRAD_LANES, CONV_GRAD_SIDE, TASK_CONV_SHIFTED_BWD_W, TASK_CONV_SHIFTED_BWD_IN, TASK_CONV_SHIFTED,
  TASK_CONV_WINOGRAD5X5, TASK_WINOGRAD5X5_WEIGHTS, CONV_WINOGRAD_V, CONV_WINOGRAD_PHASE, TASK_WINOGRAD_PHASE,
  TASK_WINOGRAD4_PHASE, TASK_WINOGRAD5X5_PHASE, TASK_CONV_WINOGRAD_S2, TASK_WINOGRAD_S2_WEIGHTS, TASK_WINOGRAD_S2_PHASE,
  TASK_CONV_WINOGRAD_S2_BWD_IN, TASK_WINOGRAD42_PHASE, TASK_WINOGRAD42_WEIGHTS, TASK_POLYPHASE_PLANES, TASK_CONV_WINOGRAD4X4,
  TASK_WINOGRAD4X4_WEIGHTS, TASK_WINOGRAD4X4_PHASE, TASK_CONV_WINOGRAD7, TASK_WINOGRAD7_WEIGHTS, TASK_WINOGRAD7_PHASE,
  TASK_CONV_WINOGRAD4_S2, TASK_WINOGRAD4_S2_WEIGHTS, TASK_WINOGRAD4_S2_PHASE, TASK_CONV_EPILOGUE, CONV_RESIDUAL, CONV_RELU, CONV_OUT_SIZE,
  PARAM_SLOTS,
} from './abi.js';
import { Call, READ, WRITE } from './call.js';
import {
  conv2d, conv3dGeometry, forwardPath, inputGradientPath, polyphaseConv, weightGradientPath, type ConvPath, type Geometry,
} from './conv-paths.js';
import { phaseWeights } from './polyphase-weights.js';
import { align64, PARALLEL_FLOPS, paramSlots, partsFor, type Runtime } from './runtime.js';
import { MAX_PARTS, type Job } from './thread-pool.js';
import { WeightCache, type Prepared } from './weight-cache.js';

/** The forward's epilogue (kernels.ts convForward): the residual's pointer (0: none), ReLU, out's size. */
interface Epilogue { residual: number; relu: boolean; size: number }

/** The three convolution passes, whose paths are counted separately. */
export type ConvPass = 'convForward' | 'convBackwardInput' | 'convBackwardWeight';

// A conv task's main dispatch handed to its caller (the job on nt threads), to run together with another.
type MainRun = (job: Job, nt: number) => void;
// Runs the input gradient given the weight gradient's lanes (its job on nt threads); says whether
// the lanes ran with it.
type WithLanes = (lanes: Job, nt: number) => boolean;

// polyphase-winograd runs its phase planes' stride-1 conv by the task of PHASE_CONV_TASKS.
const FORWARD_TASKS: Record<Exclude<ConvPath, 'polyphase-winograd'>, number> = {
  winograd: TASK_CONV_WINOGRAD, winograd4: TASK_CONV_WINOGRAD4, direct: TASK_CONV_DIRECT, shifted: TASK_CONV_SHIFTED, depthwise: TASK_CONV_DEPTHWISE, im2col: TASK_CONV_FWD,
  polyphase: TASK_CONV_POLYPHASE, vol2col: TASK_CONV3D_FWD, winograd5x5: TASK_CONV_WINOGRAD5X5,
  'winograd-s2': TASK_CONV_WINOGRAD_S2, winograd42: TASK_WINOGRAD42_PHASE, winograd7: TASK_CONV_WINOGRAD7,
  'winograd4-s2': TASK_CONV_WINOGRAD4_S2,
};
const PHASE_CONV_TASKS = { winograd4: TASK_CONV_WINOGRAD4, winograd4x4: TASK_CONV_WINOGRAD4X4 };
const WEIGHT_GRADIENT_TASKS = { shifted: TASK_CONV_SHIFTED_BWD_W, direct: TASK_CONV_DIRECT_BWD_W, im2col: TASK_CONV_BWD_W };
// The forward's arrays: x, w, bias, out, residual.
const FORWARD_MODES = [READ, READ, READ, WRITE, READ];

export function createConvKernels(rt: Runtime) {
  const { heap, ex, pool } = rt;
  /** Calls per pass and path ("convForward winograd"), for tests and profiles; "convBackward together": gradients in one dispatch. */
  const pathCounts = new Map<string, number>();
  const pathKey = (pass: ConvPass, path: ConvPath) => `${pass} ${path}`;
  const count = (key: string) => pathCounts.set(key, (pathCounts.get(key) ?? 0) + 1);

  const cache = new WeightCache(heap);

  // The Winograd forward tasks: output tile side, the fewest tiles a part splitting tiles takes
  // (below, parts split output channels: see convTask), transformed weights' bytes and their task,
  // and the forward in phases (for few tiles): its planes ξ, shared blocks' bytes (0: does not fit) and task;
  // `blocks`, where the variant's blocks are fixed by the geometry (winograd-frame.ts forwardTask):
  // how many (0: not fixed here), each then a part of the split by tiles.
  interface WinogradKind {
    side: number; partTiles: number; weightBytes: (params: number) => number; weights: number;
    planes: number; phaseBytes: (params: number) => number; phases: number; blocks?: (params: number) => number;
  }
  const winogradKinds: Record<number, WinogradKind> = {
    [TASK_CONV_WINOGRAD]: { side: 2, partTiles: 64, weightBytes: ex.winogradWeightBytes, weights: TASK_WINOGRAD_WEIGHTS,
      planes: 16, phaseBytes: ex.winogradPhaseBytes, phases: TASK_WINOGRAD_PHASE },
    [TASK_CONV_WINOGRAD4]: { side: 4, partTiles: 96, weightBytes: ex.winograd4WeightBytes, weights: TASK_WINOGRAD4_WEIGHTS,
      planes: 36, phaseBytes: ex.winograd4PhaseBytes, phases: TASK_WINOGRAD4_PHASE, blocks: ex.winograd4Blocks },
    // F(2×2, 5×5): F(4×4)'s 36 planes of cout × cin.
    [TASK_CONV_WINOGRAD5X5]: { side: 2, partTiles: 64, weightBytes: ex.winograd4WeightBytes, weights: TASK_WINOGRAD5X5_WEIGHTS,
      planes: 36, phaseBytes: ex.winograd5x5PhaseBytes, phases: TASK_WINOGRAD5X5_PHASE },
    // 3×3 stride 2 on its polyphase parts (winograd-s2.ts): 25 planes of cout × cin.
    [TASK_CONV_WINOGRAD_S2]: { side: 2, partTiles: 64, weightBytes: ex.winogradS2WeightBytes, weights: TASK_WINOGRAD_S2_WEIGHTS,
      planes: 25, phaseBytes: ex.winogradS2PhaseBytes, phases: TASK_WINOGRAD_S2_PHASE, blocks: ex.winogradS2Blocks },
    // 3×3 stride 2 with 4×4 output tiles (winograd4-s2.ts): 81 planes of cout × cin.
    [TASK_CONV_WINOGRAD4_S2]: { side: 4, partTiles: 64, weightBytes: ex.winograd4S2WeightBytes, weights: TASK_WINOGRAD4_S2_WEIGHTS,
      planes: 81, phaseBytes: ex.winograd4S2PhaseBytes, phases: TASK_WINOGRAD4_S2_PHASE, blocks: ex.winograd4S2Blocks },
    // F(4×4, 4×4) (winograd4x4.ts): 49 planes of cout × cin (winograd7.ts's points), on 4×4 output tiles.
    [TASK_CONV_WINOGRAD4X4]: { side: 4, partTiles: 48, weightBytes: ex.winograd7WeightBytes, weights: TASK_WINOGRAD4X4_WEIGHTS,
      planes: 49, phaseBytes: ex.winograd4x4PhaseBytes, phases: TASK_WINOGRAD4X4_PHASE },
    // Its input gradient (winograd-s2-input-grad.ts) on the flipped weights' planes; never in phases.
    [TASK_CONV_WINOGRAD_S2_BWD_IN]: { side: 2, partTiles: 64, weightBytes: ex.winogradS2WeightBytes, weights: TASK_WINOGRAD_S2_WEIGHTS,
      planes: 25, phaseBytes: () => 0, phases: -1 },
    // F(4×2, 3×3) (winograd42.ts): 24 planes of cout × cin, in phases only (its task is the phases').
    [TASK_WINOGRAD42_PHASE]: { side: 2, partTiles: 64, weightBytes: ex.winograd42WeightBytes, weights: TASK_WINOGRAD42_WEIGHTS,
      planes: 24, phaseBytes: ex.winograd42PhaseBytes, phases: TASK_WINOGRAD42_PHASE },
    // F(3×3, 5×5) (winograd7.ts): 49 planes of cout × cin, on 3×3 output tiles.
    [TASK_CONV_WINOGRAD7]: { side: 3, partTiles: 64, weightBytes: ex.winograd7WeightBytes, weights: TASK_WINOGRAD7_WEIGHTS,
      planes: 49, phaseBytes: ex.winograd7PhaseBytes, phases: TASK_WINOGRAD7_PHASE },
  };

  // Scratch bytes per thread of the 2-D conv tasks (the im2col tasks: convScratchBytes).
  const scratchBytes: Record<number, (params: number, nt: number) => number> = {
    [TASK_CONV_WINOGRAD]: ex.winogradScratchBytes, [TASK_CONV_WINOGRAD4]: ex.winograd4ScratchBytes, [TASK_CONV_DIRECT]: ex.directConvScratchBytes,
    [TASK_CONV_DEPTHWISE]: ex.depthwiseScratchBytes, [TASK_CONV_DIRECT_BWD_W]: ex.directWeightGradScratchBytes,
    [TASK_CONV_SHIFTED_BWD_W]: ex.shiftedWeightGradScratchBytes, [TASK_CONV_SHIFTED_BWD_IN]: ex.shiftedInputGradScratchBytes,
    [TASK_CONV_SHIFTED]: ex.shiftedConvScratchBytes, [TASK_CONV_POLYPHASE]: ex.polyphaseScratchBytes,
    [TASK_CONV_WINOGRAD5X5]: ex.winograd5x5ScratchBytes, [TASK_CONV_WINOGRAD_S2]: ex.winogradS2ScratchBytes,
    [TASK_CONV_WINOGRAD_S2_BWD_IN]: ex.winogradS2InputGradScratchBytes, [TASK_WINOGRAD42_PHASE]: ex.winograd42ScratchBytes,
    [TASK_CONV_WINOGRAD4X4]: ex.winograd4x4ScratchBytes, [TASK_CONV_WINOGRAD7]: ex.winograd7ScratchBytes,
    [TASK_CONV_WINOGRAD4_S2]: ex.winograd4S2ScratchBytes,
  };

  // Parts of a split whose blocks are fixed by the geometry (`blocks`: how many, 0 where not
  // fixed): one per block, so that a thread waits at most one block's time for the other's last;
  // MAX_PARTS at most (then several blocks a part); 0 where not fixed.
  const fixed = (nt: number, blocks: ((params: number) => number) | undefined) =>
    nt === 1 ? 0 : Math.min(MAX_PARTS, blocks?.(rt.params) ?? 0);

  // The direct conv's parts of (image, 4-channel block) units: each packs all the weights again
  // and pads its images, so at least 4 images a part, or the 4 parts a thread of any task. ResNet-20's
  // 3 → 16 stem at 32², batch 128, best wall time of 5 (bench/resnet20-convs.ts --phases, 2
  // rounds, load ~2): 8 parts (4 a thread) forward / input gradient ×1.63–1.66 / ×1.52–1.57 on 2
  // threads, the calling thread waiting 0.32–0.52 ms for the worker's last part; 32 parts (4
  // images each) ×1.78–1.84 / ×1.68–1.71, waits 0.04–0.05, their serial run 1.00–1.02× 1 thread's
  // time; 128 (an image each) 1.04–1.09× (the weights packed again), ×1.71–1.73 / ×1.53–1.67.
  const directParts = (nt: number, batch: number, blocks: number) =>
    Math.max(partsFor(nt, batch * blocks, 1), partsFor(nt, batch, 4, 64));

  // Fills the parameter block's pointers (CONV_X … CONV_OUT), geometry and flip.
  function setGeometry(ptrs: readonly number[], geo: Geometry, flip: boolean): Int32Array {
    const P = paramSlots(rt);
    for (let i = 0; i < 4; i++) P[i] = ptrs[i] ?? 0;
    P.set(geo, CONV_BATCH);
    P[CONV_FLIP] = flip ? 1 : 0;
    return P;
  }

  // The im2col forward's weights (cout, kg) packed whole into `dst` (packATask's own slots, so
  // the conv's parameter block is saved around it).
  function packWeights(w: number, cout: number, kg: number, dst: number, nt: number): void {
    const P = paramSlots(rt);
    const saved = P.slice();
    P[GEMM_A] = w; P[GEMM_M] = cout; P[GEMM_K] = kg; P[GEMM_TRANS_A] = 0; P[GEMM_PACKED_A] = dst;
    pool.run(TASK_PACK_A, rt.params, nt, partsFor(nt, Math.ceil(cout / 4), 1));
    paramSlots(rt).set(saved);
  }

  // Runs a 2-D conv task on pointers (CONV_X … CONV_OUT) and a geometry; allocates its scratch.
  // The weights prepared for it (Winograd's transform, the im2col forward's packing) go to `u`
  // when given (computed only when stale), else Winograd's to scratch and im2col packs per block.
  // `before` runs once the inputs are in, ahead of everything else (on nt threads). The Winograd
  // tasks run the epilogue in their frame; any other, by the epilogue task after its own. `main`,
  // when given, runs the main dispatch where there is one (not in phases).
  function convTask(task: number, geo: Geometry, ptrs: readonly number[], call: Call, flops: number, flip = false,
    u: Prepared | null = null, before: ((nt: number) => void) | null = null, epilogue: Epilogue | null = null,
    main: MainRun | null = null): void {
    const nt = pool.plan(flops >= PARALLEL_FLOPS);
    const winograd = winogradKinds[task];
    const packed = (task === TASK_CONV_FWD || task === TASK_CONV_POLYPHASE) && u ? u : null;
    let P = setGeometry(ptrs, geo, flip);
    const stride = align64((scratchBytes[task] ?? ex.convScratchBytes)(rt.params, nt));
    // Splittable without repeated packing: Winograd's tiles (≥ partTiles per part, so its GEMMs
    // stay wide) or, with fewer tiles than that per thread, its output channels (≥ 64 per part:
    // each part transforms all the tiles' inputs, and reads only its rows of the weights), and
    // weight panels; the direct kernels' (image, channel block) units and planes. im2col parts
    // would each pack the weights or the columns again, direct weight-gradient parts pad each
    // image again: one per thread. Winograd by channels runs in phases instead where all its
    // tiles fit one block (batch 1: 7² to 28² maps), so that no part transforms the input again.
    const [batch, cin, cout, , , , oh, ow] = geo;
    const side = winograd?.side ?? 2, partTiles = winograd?.partTiles ?? 1;
    const tiles = batch * Math.ceil(oh / side) * Math.ceil(ow / side);
    // The stride-2 input gradient splits images, or with fewer than threads its output channels (dx's).
    const s2InputGrad = task === TASK_CONV_WINOGRAD_S2_BWD_IN;
    const byChannels = !!winograd && nt > 1 && (s2InputGrad ? batch < nt : tiles < partTiles * nt);
    // Shared by the threads, ahead of their scratch: Winograd's transformed weights (unless
    // cached) and, in phases, its transformed input and products.
    const weights = winograd && !u ? align64(winograd.weightBytes(rt.params)) : 0;
    // F(2×2) on one image runs in phases on 1 thread too: their blocks hold only the tiles there
    // are (7²: V and M rows of 16 floats, 1 MiB for 512→512, against 16 MiB at TB = 256 per row).
    // 512→512 at 7², 1 thread, 4 alternating rounds: 2.88–3.04 ms against 3.19–3.48.
    const inPhases = byChannels || (task === TASK_CONV_WINOGRAD && batch === 1) || task === TASK_WINOGRAD42_PHASE;
    const phased = winograd && inPhases ? align64(winograd.phaseBytes(rt.params)) : 0;
    const scratch = align64(call.scratch(weights + phased + stride * nt + 64));
    P = paramSlots(rt);
    P[CONV_SCRATCH] = scratch + weights + phased;
    P[CONV_SCRATCH_STRIDE] = stride;
    P[CONV_WINOGRAD_U] = winograd && u ? u.ptr : scratch;
    P[CONV_WINOGRAD_V] = scratch + weights;
    P[CONV_PACKED_W] = packed ? packed.ptr : 0;
    P[CONV_WINOGRAD_BY_CHANNELS] = byChannels ? 1 : 0;
    P[CONV_RESIDUAL] = epilogue?.residual ?? 0;
    P[CONV_RELU] = epilogue?.relu ? 1 : 0;
    const parts = s2InputGrad ? (byChannels ? partsFor(nt, Math.ceil(cout / 4), 1) : fixed(nt, ex.winogradS2InputGradBlocks) || 1)
      : winograd ? (byChannels ? partsFor(nt, Math.ceil(cout / 4), 16) : fixed(nt, winograd.blocks) || partsFor(nt, tiles, partTiles))
      : task === TASK_CONV_DIRECT ? directParts(nt, batch, Math.ceil(cout / 4))
        : task === TASK_CONV_DEPTHWISE ? partsFor(nt, batch * cin, 1)
          : task === TASK_CONV_SHIFTED_BWD_IN || task === TASK_CONV_SHIFTED ? partsFor(nt, batch, 1) : nt;
    call.begin();
    try {
      before?.(nt);
      if (winograd && (!u || u.stale)) {
        pool.run(winograd.weights, rt.params, nt, partsFor(nt, Math.ceil(cout / 4), 1));
        u?.written();
      }
      if (packed?.stale) {
        packWeights(call.ptrs[1]!, cout, geo[1] * geo[8] * geo[9], packed.ptr, nt);
        packed.written();
      }
      if (winograd && phased) {
        // Parts of the input channels, of the planes ξ (one each: the GEMM phase's parts are
        // long, and the thread that finishes first waits out the other's last part), of the output
        // channels. The planes' parts with the workers claiming from the front (measured faster:
        // thread-pool.ts). W4 at 2 threads, one plane a part against 8 parts (3–10 planes),
        // alternating forward by forward in one process, 2 × 60 forwards (11:14 UTC Dec 6, load
        // 1.8): best 23.58 / 23.63 ms against 24.11 / 23.95, 10th percentile 23.75 / 24.03 against
        // 24.24 / 24.48 (the calling thread had waited 161 µs a 7² GEMM phase of 1.45 ms for the
        // worker's last part: BENCHMARKS.md "ResNet-18 at batch 1 on two threads: where the parts land,
        // and the wait for the last one").
        const planes = winograd.planes;
        for (const [phase, units, least, perThread] of [[0, cin, 16, undefined], [1, planes, 1, planes], [2, cout, 16, undefined]] as const) {
          paramSlots(rt)[CONV_WINOGRAD_PHASE] = phase;
          pool.run(winograd.phases, rt.params, nt, partsFor(nt, units, least, perThread), phase === 1);
        }
      } else if (main) main({ id: task, params: rt.params, parts }, nt);
      else pool.run(task, rt.params, nt, parts);
      if (epilogue && !winograd) epiloguePass(epilogue, nt);
    } finally {
      call.end();
    }
  }

  // The weight gradient by Winograd F(side × side, 3×3) (see assembly/winograd-weight-grad.ts):
  // the lanes of tiles (each a part: transforms and GEMMs into its own sums), then gw from their
  // sum (threads split the channel pairs). `withLanes`, when given, is handed the lanes' job (on a
  // copy of the parameter block, which it may overwrite) and runs them unless it says it did.
  function winogradWeightGradient(geo: Geometry, ptrs: readonly number[], call: Call, flops: number, side: number,
    withLanes: WithLanes | null): void {
    const nt = pool.plan(flops >= PARALLEL_FLOPS);
    let P = paramSlots(rt);
    for (let i = 0; i < 3; i++) P[i] = ptrs[i]!;
    P.set(geo, CONV_BATCH);
    P[CONV_GRAD_SIDE] = side;
    P[CONV_GRAD_LD] = ex.winogradGradStep(rt.params);
    const lanes = P[CONV_GRAD_LANES] = ex.winogradGradLanes(rt.params);
    const shared = align64(ex.winogradGradBytes(rt.params)), stride = align64(ex.winogradGradScratchBytes(rt.params));
    const copy = withLanes ? align64(PARAM_SLOTS * 4) : 0;
    const scratch = align64(call.scratch(copy + shared + stride * nt + 64));
    P = paramSlots(rt);
    P[CONV_GRAD_BASE] = scratch + copy;
    P[CONV_SCRATCH] = scratch + copy + shared;
    P[CONV_SCRATCH_STRIDE] = stride;
    const params = withLanes ? scratch : rt.params;
    if (withLanes) heap.i32(params, PARAM_SLOTS).set(P);
    call.begin();
    try {
      if (!withLanes?.({ id: TASK_WINOGRAD_GRAD_LANE, params, parts: lanes }, nt)) pool.run(TASK_WINOGRAD_GRAD_LANE, params, nt, lanes);
      pool.run(TASK_WINOGRAD_GRAD_FINISH, params, nt, partsFor(nt, geo[1] * geo[2] / 4, 64));
    } finally {
      call.end();
    }
  }

  // Runs a 3-D conv task. The forward splits (image, group, plane chunk) units; the backward
  // passes, input channels.
  // The forward's epilogue, if any, by the epilogue task after the conv's.
  function volumeTask(task: number, geo: number[], call: Call, flops: number, epilogue: Epilogue | null): void {
    const nt = pool.plan(flops >= PARALLEL_FLOPS);
    let P = paramSlots(rt);
    for (let i = 0; i < 4; i++) P[i] = call.ptrs[i] ?? 0;
    P.set(geo, VOL_BATCH);
    const stride = align64(ex.conv3dScratchBytes(rt.params, nt));
    const scratch = align64(call.scratch(stride * nt + 64));
    P = paramSlots(rt);
    P[VOL_SCRATCH] = scratch;
    P[VOL_SCRATCH_STRIDE] = stride;
    // Forward units cost no extra packing each: several per thread, as many as there are.
    const parts = task === TASK_CONV3D_FWD ? partsFor(nt, ex.conv3dForwardUnits(rt.params), 1) : nt;
    call.begin();
    try {
      pool.run(task, rt.params, nt, parts);
      if (epilogue) epiloguePass(epilogue, nt);
    } finally {
      call.end();
    }
  }

  // The epilogue task over the conv's whole output (CONV_OUT), once its own task has run, on the
  // conv's threads, in parts of at least 4,096 floats as the unary op's (kernels.ts).
  function epiloguePass(e: Epilogue, nt: number): void {
    const P = paramSlots(rt);
    P[CONV_RESIDUAL] = e.residual;
    P[CONV_RELU] = e.relu ? 1 : 0;
    P[CONV_OUT_SIZE] = e.size;
    pool.run(TASK_CONV_EPILOGUE, rt.params, nt, partsFor(nt, e.size, 4096));
  }

  // Runs the conv on `call` as 3-D (with the forward's epilogue, if any) when p is: then true.
  function ranVolume(pass: ConvPass, call: Call, p: ConvParams, volume: number, flops: number, epilogue: Epilogue | null = null): boolean {
    const vol = conv3dGeometry(p);
    if (!vol) return false;
    count(pathKey(pass, 'vol2col'));
    volumeTask(volume, vol, call, flops, epilogue);
    return true;
  }

  // A strided conv as the stride-1 Winograd conv over its phase planes (conv-paths.ts): the planes
  // written to scratch first, and where the transformed weights are to be computed, the phase
  // kernels they are computed from.
  function polyphaseWinograd(geo: Geometry, call: Call, flops: number, u: Prepared | null, epilogue: Epilogue | null): void {
    const phase = polyphaseConv(geo);
    const [batch, cin, cout, , , , , , k, , s] = geo, [, cq, , , hq, wq, , , r] = phase.geo;
    const [x, w, bias, out] = call.ptrs as [number, number, number, number];
    const planes = call.scratch(batch * cq * hq * wq * 4);
    const kernels = !u || u.stale ? call.scratch(cout * cq * r * r * 4) : 0;
    convTask(PHASE_CONV_TASKS[phase.path], phase.geo, [planes, kernels, bias, out], call, flops, false, u, (nt) => {
      const saved = paramSlots(rt).slice();
      setGeometry([x, 0, 0, planes], geo, false);
      pool.run(TASK_POLYPHASE_PLANES, rt.params, nt, partsFor(nt, batch * cq, 1));
      paramSlots(rt).set(saved);
      if (kernels) phaseWeights(heap.f32(w, cout * cin * k * k), heap.f32(kernels, cout * cq * r * r), cout, cin, k, s);
    }, epilogue);
  }

  // The epilogue (kernels.ts convForward) on out's own part of each task's work; residual is
  // read in place on the heap (or copied in, as the other inputs).
  function forward(x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, p: ConvParams,
    u: Prepared | null, residual: Float32Array | null, relu: boolean): void {
    if (out.length === 0) return;
    const flops = 2 * out.length * w.length / p.outChannels;
    const call = new Call(heap, [x, w, bias, out, residual], FORWARD_MODES);
    // The residual's pointer is known once the call has placed the arrays (in place or copied).
    const epilogue = residual || relu ? { residual: call.ptrs[4]!, relu, size: out.length } : null;
    if (ranVolume('convForward', call, p, TASK_CONV3D_FWD, flops, epilogue)) return;
    const { geo, path, key } = forwardPlan(p);
    count(key);
    if (path === 'polyphase-winograd') polyphaseWinograd(geo, call, flops, u, epilogue);
    else convTask(FORWARD_TASKS[path], geo, call.ptrs, call, flops, false, u, null, epilogue);
  }

  // A 2-D forward's geometry, path and pathCounts key, and the block its prepared weights need
  // (the cache's kind and bytes; null: nothing to keep), worked out once per parameters object: a
  // layer's come back the same (frozen) object while its shapes repeat (ops/conv.ts).
  interface ForwardPlan { geo: Geometry; path: ConvPath; key: string; kind: string | null; bytes: number }
  const plans = new WeakMap<ConvParams, ForwardPlan>();
  function forwardPlan(p: ConvParams): ForwardPlan {
    let plan = plans.get(p);
    if (!plan) plans.set(p, plan = newForwardPlan(p));
    return plan;
  }

  // Winograd's transformed weights, or the im2col and polyphase paths' packed weights (ungrouped convs).
  function newForwardPlan(p: ConvParams): ForwardPlan {
    const geo = conv2d(p), path = forwardPath(geo);
    let taskGeo = geo, task: number;
    if (path === 'polyphase-winograd') {
      const phase = polyphaseConv(geo);
      taskGeo = phase.geo;
      task = PHASE_CONV_TASKS[phase.path];
    } else task = FORWARD_TASKS[path];
    const winograd = winogradKinds[task], key = pathKey('convForward', path);
    if (winograd) {
      setGeometry([], taskGeo, false);
      return { geo, path, key, kind: `${path} ${p.outChannels}×${taskGeo[1]}`, bytes: winograd.weightBytes(rt.params) };
    }
    if ((path !== 'im2col' && path !== 'polyphase') || p.groups !== 1) return { geo, path, key, kind: null, bytes: 0 };
    const kg = taskGeo[1] * taskGeo[8] * taskGeo[9];
    return { geo, path, key, kind: `packed ${p.outChannels}×${kg}`, bytes: ex.packedABytes(p.outChannels, kg) };
  }

  // The cached block of w's prepared values for this forward conv, or null (nothing to keep).
  function prepared(w: Storage, p: ConvParams): Prepared | null {
    if (p.inSize.length === 3 || p.batch === 0) return null;
    const plan = forwardPlan(p);
    return plan.kind === null ? null : cache.get(w, plan.kind, plan.bytes);
  }

  // The input gradient; its main dispatch by `main` where given (see convTask).
  function backwardInput(gy: Float32Array, w: Float32Array, gx: Float32Array, p: ConvParams, main: MainRun | null): void {
    if (gy.length === 0) return void gx.fill(0);
    const flops = 2 * gy.length * w.length / p.outChannels;
    const call = new Call(heap, [gy, w, gx], [READ, READ, WRITE]);
    if (ranVolume('convBackwardInput', call, p, TASK_CONV3D_BWD_IN, flops)) return;
    const geo = conv2d(p);
    const how = inputGradientPath(geo);
    count(pathKey('convBackwardInput', how.path));
    if (how.geo) {
      const task = how.path === 'winograd-s2' ? TASK_CONV_WINOGRAD_S2_BWD_IN : FORWARD_TASKS[how.path];
      convTask(task, how.geo, [call.ptrs[0]!, call.ptrs[1]!, 0, call.ptrs[2]!], call, flops, true, null, null, null, main);
    } else convTask(how.path === 'shifted' ? TASK_CONV_SHIFTED_BWD_IN : TASK_CONV_BWD_IN, geo, call.ptrs, call, flops, false, null, null, null, main);
  }

  // The weight gradient; where it runs in Winograd lanes, `withLanes` (if given) is handed them and
  // the result is true, else false (withLanes not called).
  function backwardWeight(x: Float32Array, gy: Float32Array, gw: Float32Array, p: ConvParams, withLanes: WithLanes | null): boolean {
    if (gy.length === 0) {
      gw.fill(0);
      return false;
    }
    const flops = 2 * gy.length * gw.length / p.outChannels;
    const call = new Call(heap, [x, gy, gw], [READ, READ, WRITE]);
    if (ranVolume('convBackwardWeight', call, p, TASK_CONV3D_BWD_W, flops)) return false;
    const geo = conv2d(p);
    const path = weightGradientPath(geo);
    count(pathKey('convBackwardWeight', path));
    // Stride 2 (winograd-s2) runs F(2×2)'s lanes with its own transforms (the geometry's stride picks them).
    if (path === 'winograd' || path === 'winograd4' || path === 'winograd-s2') {
      winogradWeightGradient(geo, call.ptrs, call, flops, path === 'winograd4' ? 4 : 2, withLanes);
      return withLanes !== null;
    }
    convTask(WEIGHT_GRADIENT_TASKS[path], geo, call.ptrs, call, flops);
    return false;
  }

  const data = (s: Storage) => (s as CpuStorage).data;

  return {
    pathCounts: pathCounts as ReadonlyMap<string, number>,
    convForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, p: ConvParams,
      residual: Float32Array | null = null, relu = false): void {
      forward(x, w, bias, out, p, null, residual, relu);
    },
    /** convForward on storages, reusing w's prepared values while w's version is unchanged. */
    convForwardStored(x: Storage, w: Storage, bias: Storage | null, out: Storage, p: ConvParams,
      residual: Storage | null = null, relu = false): void {
      const u = prepared(w, p); // allocates: before the views are taken
      forward(data(x), data(w), bias ? data(bias) : null, data(out), p, u, residual ? data(residual) : null, relu);
    },
    convBackwardInput(gy: Float32Array, w: Float32Array, gx: Float32Array, p: ConvParams): void {
      backwardInput(gy, w, gx, p, null);
    },
    convBackwardWeight(x: Float32Array, gy: Float32Array, gw: Float32Array, p: ConvParams): void {
      backwardWeight(x, gy, gw, p, null);
    },
    /**
     * Both gradients. Where the weight gradient runs in Winograd lanes, they run in one dispatch
     * with the input gradient's main task (ThreadPool.runTogether): a thread out of one's parts
     * takes the other's instead of waiting for the other thread's last lane.
     */
    convBackward(x: Float32Array, w: Float32Array, gy: Float32Array, gx: Float32Array | null, gw: Float32Array | null, p: ConvParams): void {
      if (!gx || !gw) {
        if (gx) backwardInput(gy, w, gx, p, null);
        if (gw) backwardWeight(x, gy, gw, p, null);
        return;
      }
      const withLanes: WithLanes = (lanes, nt) => {
        let ran = false;
        backwardInput(gy, w, gx, p, (job, jobThreads) => {
          if (jobThreads === nt) {
            if (pool.runTogether(job, lanes, nt)) count('convBackward together');
            ran = true;
          } else pool.run(job.id, job.params, jobThreads, job.parts);
        });
        return ran;
      };
      if (!backwardWeight(x, gy, gw, p, withLanes)) backwardInput(gy, w, gx, p, null);
    },
  };
}
