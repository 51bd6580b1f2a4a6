// The boundary between JavaScript and the WebAssembly module, defined once: task ids, parameter
// block slots and op codes. Written in the subset of TypeScript that AssemblyScript also compiles
// (plain integer constants), so ./assembly imports this very file and neither side can drift.

// Tasks: thread-parallel kernels run by the pool (see thread-pool.ts), by id; TASK_EXPORTS in
// exports.ts names the module export of each id.
export const TASK_GEMM = 0;
export const TASK_CONV_FWD = 1;
export const TASK_CONV_BWD_IN = 2;
export const TASK_CONV_BWD_W = 3;
export const TASK_CONV_WINOGRAD = 4;
export const TASK_PACK_A = 5;
export const TASK_WINOGRAD_WEIGHTS = 6;
export const TASK_CONV_DIRECT = 7;
export const TASK_CONV_DEPTHWISE = 8;
export const TASK_CONV3D_FWD = 9;
export const TASK_CONV3D_BWD_IN = 10;
export const TASK_CONV3D_BWD_W = 11;
export const TASK_MAX_POOL = 12;
export const TASK_WINOGRAD_GRAD_LANE = 13;
export const TASK_WINOGRAD_GRAD_FINISH = 14;
export const TASK_BATCH_NORM = 15;
export const TASK_UNARY = 16;
export const TASK_BINARY = 17;
export const TASK_PAD = 18;
export const TASK_OPTIM = 19;
export const TASK_CONV_DIRECT_BWD_W = 20;
export const TASK_CONV_WINOGRAD4 = 21; // F(4×4, 3×3): winograd4.ts
export const TASK_WINOGRAD4_WEIGHTS = 22;
export const TASK_CONV_SHIFTED_BWD_W = 23; // 5×5 convs over shifted copies, weight gradient: shifted-weight-grad.ts
export const TASK_CONV_SHIFTED_BWD_IN = 24; // its input gradient: shifted-input-grad.ts
export const TASK_CONV_SHIFTED = 25; // its forward: shifted-conv.ts
export const TASK_CONV_POLYPHASE = 26; // strided forward: polyphase-conv.ts
export const TASK_CONV_WINOGRAD5X5 = 27; // F(2×2, 5×5) forward: winograd5x5.ts
export const TASK_WINOGRAD5X5_WEIGHTS = 28;
// The Winograd forwards in phases (CONV_WINOGRAD_PHASE) on blocks the threads share, for few tiles.
export const TASK_WINOGRAD_PHASE = 29; // F(2×2, 3×3): winograd.ts
export const TASK_WINOGRAD4_PHASE = 30; // F(4×4, 3×3): winograd4.ts
export const TASK_WINOGRAD5X5_PHASE = 31; // F(2×2, 5×5): winograd5x5.ts
export const TASK_CONV_WINOGRAD_S2 = 32; // 3×3 stride-2 forward on its polyphase parts: winograd-s2.ts
export const TASK_WINOGRAD_S2_WEIGHTS = 33;
export const TASK_WINOGRAD_S2_PHASE = 34;
export const TASK_CONV_WINOGRAD_S2_BWD_IN = 35; // its input gradient by the adjoint: winograd-s2-input-grad.ts
// F(4×2, 3×3) forward, in phases only (CONV_WINOGRAD_PHASE): winograd42.ts.
export const TASK_WINOGRAD42_PHASE = 36;
export const TASK_WINOGRAD42_WEIGHTS = 37;
export const TASK_POLYPHASE_PLANES = 38; // a strided conv's input as its phase planes: polyphase-planes.ts
export const TASK_CONV_WINOGRAD4X4 = 39; // F(4×4, 4×4) forward: winograd4x4.ts
export const TASK_WINOGRAD4X4_WEIGHTS = 40;
export const TASK_WINOGRAD4X4_PHASE = 41;
export const TASK_CONV_WINOGRAD7 = 42; // F(3×3, 5×5) forward on 7×7 tiles: winograd7.ts
export const TASK_WINOGRAD7_WEIGHTS = 43;
export const TASK_WINOGRAD7_PHASE = 44;
// 3×3 stride-2 forward with 4×4 output tiles (F(4, 2) on the even phase): winograd4-s2.ts.
export const TASK_CONV_WINOGRAD4_S2 = 45;
export const TASK_WINOGRAD4_S2_WEIGHTS = 46;
export const TASK_WINOGRAD4_S2_PHASE = 47;
export const TASK_CONV_EPILOGUE = 48; // the forward's residual add and ReLU where its path has no fused store: conv-epilogue.ts
export const TASK_PACK_DENSE = 49; // a dense layer's weights packed as one stream: dense-packed.ts
export const TASK_COUNT = 50;

// Every task reads its parameters from one block of 32-bit slots (the most: padding, 7 + 6 × 5).
export const PARAM_SLOTS = 37;

// GEMM (gemmTask, packATask): C (m × n) = op(A) · op(B) (+ C).
export const GEMM_A = 0;
export const GEMM_B = 1;
export const GEMM_C = 2;
export const GEMM_M = 3;
export const GEMM_N = 4;
export const GEMM_K = 5;
export const GEMM_TRANS_A = 6;
export const GEMM_TRANS_B = 7;
export const GEMM_ACCUMULATE = 8;
export const GEMM_SCRATCH = 9; // scratch base
export const GEMM_SCRATCH_STRIDE = 10; // scratch bytes per thread
export const GEMM_PACKED_A = 11; // op(A) packed whole by packATask, or 0
export const GEMM_PACKED_B = 12; // C = A·Bᵀ, m ≤ 3: B packed by packDenseTask (dense-packed.ts), or 0

// 2-D convolutions (1-D as H = 1): conv.ts, winograd.ts, direct-conv.ts. Pointers first, then the
// geometry (CONV_GEOMETRY slots from CONV_BATCH on, in this order), then scratch.
export const CONV_X = 0; // x, or gy for the backward passes
export const CONV_W = 1; // w, or gy for the weight gradient
export const CONV_C = 2; // bias, gx or gw
export const CONV_OUT = 3; // out (forward kernels)
export const CONV_BATCH = 4;
export const CONV_CIN = 5;
export const CONV_COUT = 6;
export const CONV_GROUPS = 7;
export const CONV_IH = 8;
export const CONV_IW = 9;
export const CONV_OH = 10;
export const CONV_OW = 11;
export const CONV_KH = 12;
export const CONV_KW = 13;
export const CONV_SH = 14;
export const CONV_SW = 15;
export const CONV_PH = 16;
export const CONV_PW = 17;
export const CONV_DH = 18;
export const CONV_DW = 19;
export const CONV_GEOMETRY = 16;
export const CONV_SCRATCH = 20; // scratch base
export const CONV_SCRATCH_STRIDE = 21; // scratch bytes per thread
export const CONV_FLIP = 22; // Winograd and direct: w is a forward conv's (cin, cout, kh, kw); this computes its input gradient
export const CONV_WINOGRAD_U = 23; // Winograd: the transformed weights (winogradWeightsTask writes them)
// Winograd weight gradient (winograd-weight-grad.ts): x in CONV_X, gy in CONV_W, gw in CONV_C; the
// tiles are cut into CONV_GRAD_LANES lanes, each taken in steps of at most CONV_GRAD_LD tiles.
export const CONV_GRAD_LD = 24; // tiles per step (the leading dimension of its transforms)
export const CONV_GRAD_LANES = 25; // lanes, each summing its own dU
export const CONV_GRAD_BASE = 26; // the lanes' sums (winogradGradBytes bytes)
export const CONV_GRAD_SIDE = 27; // output tile side: 2 for F(2×2, 3×3), 4 for F(4×4, 3×3)
// im2col forward, ungrouped: w already packed whole by packATask (packAWhole's layout), or 0.
export const CONV_PACKED_W = 28;
// Winograd forward: 1 when parts split the output channels (every part takes all tiles), 0 tiles.
export const CONV_WINOGRAD_BY_CHANNELS = 29;
// Winograd forward in phases (the *_PHASE tasks): the blocks the threads share (V, then M), and
// the phase: 0 input transform (parts split input channels), 1 GEMMs (planes), 2 output transform
// (output channels).
export const CONV_WINOGRAD_V = 30;
export const CONV_WINOGRAD_PHASE = 31;
// Forward kernels' epilogue (conv-epilogue.ts): out += residual (its pointer, or 0), then ReLU
// (1) on the fresh outputs; TASK_CONV_EPILOGUE's outputs are CONV_OUT_SIZE floats at CONV_OUT.
export const CONV_RESIDUAL = 32;
export const CONV_RELU = 33;
export const CONV_OUT_SIZE = 34;

// 3-D convolutions (conv3d.ts): pointers as CONV_X … CONV_OUT, then the geometry.
export const VOL_BATCH = 4;
export const VOL_CIN = 5;
export const VOL_COUT = 6;
export const VOL_GROUPS = 7;
export const VOL_ID = 8;
export const VOL_IH = 9;
export const VOL_IW = 10;
export const VOL_OD = 11;
export const VOL_OH = 12;
export const VOL_OW = 13;
export const VOL_KD = 14;
export const VOL_KH = 15;
export const VOL_KW = 16;
export const VOL_SD = 17;
export const VOL_SH = 18;
export const VOL_SW = 19;
export const VOL_PD = 20;
export const VOL_PH = 21;
export const VOL_PW = 22;
export const VOL_DD = 23;
export const VOL_DH = 24;
export const VOL_DW = 25;
export const VOL_GEOMETRY = 22;
export const VOL_SCRATCH = 26;
export const VOL_SCRATCH_STRIDE = 27;

// Max pooling (maxPoolTask; threads split the planes): 0 x, 1 out, 2 argmax (or 0), 3 planes, then
// from POOL_DIMS on 18 slots of 3 dims each (1-D and 2-D with leading size-1 dims): in, out,
// kernel, stride, pad, dilation; POOL_BACKWARD 1 scatters gy (POOL_X) into gx (POOL_OUT) instead.
// POOL_RELU: forward 1 for a ReLU on the outputs (a ReLU after the pool); backward that forward's
// output y (or 0), whose zeros keep their gy from gx.
export const POOL_X = 0;
export const POOL_OUT = 1;
export const POOL_ARGMAX = 2;
export const POOL_PLANES = 3;
export const POOL_DIMS = 4;
export const POOL_BACKWARD = 22;
export const POOL_RELU = 23;

// Padding (padTask; threads split the indices of dim 0 when it is not padded, else one part): the
// rank, mode, arrays, value (f32), direction, a scratch of 64 bytes (a cache line) per thread (the row
// odometer), then per dim from PAD_DIMS on: in size, out size, pad before (negative crops), input
// element stride, step (PadParams.step: every step-th input element, constant mode).
export const PAD_RANK = 0;
export const PAD_MODE = 1;
export const PAD_SRC = 2;
export const PAD_DST = 3;
export const PAD_VALUE = 4;
export const PAD_BACKWARD = 5;
export const PAD_SCRATCH = 6;
export const PAD_DIMS = 7;
export const PAD_PER_DIM = 5;
export const PAD_MAX_RANK = 6;

// Optimiser steps (optimTask; threads split the elements): SGD or Adam, the arrays, the count, then
// the f32 hyper-parameters from OPT_F on: SGD lr, momentum, dampening, weight decay; Adam lr, β1,
// β2, eps, weight decay, step size, √(1 − β2^t). The flags: nesterov / first step (SGD), decoupled (Adam).
export const OPT_KIND = 0; // OPT_SGD or OPT_ADAM
export const OPT_PARAM = 1;
export const OPT_GRAD = 2;
export const OPT_BUF = 3; // SGD's momentum buffer (or 0), Adam's m
export const OPT_V = 4;
export const OPT_N = 5;
export const OPT_FLAG_A = 6;
export const OPT_FLAG_B = 7;
export const OPT_F = 8;
export const OPT_SGD = 0;
export const OPT_ADAM = 1;

// Pad modes.
export const PAD_CONSTANT = 0;
export const PAD_REFLECT = 1;
export const PAD_REPLICATE = 2;

// Batch norm (batchNormTask): which pass, then its arrays (0 where not wanted) and the (N, C, S)
// shape. Statistics are BN_STATS (its sums), the backward BN_BACKWARD (its sums) then
// BN_GRAD_INPUT when gx is wanted. The passes over the data split the (image, channel) planes;
// with BN_BY_PLANES the sums passes store each plane's, and an END pass (BN_STATS_END,
// BN_BACKWARD_END) split by channels adds them; without, the sums passes split channels and end
// their own. The fused batch norm + ReLU passes set BN_RELU: forward adds BN_RESIDUAL (when
// not 0) before the ReLU; backward masks gy where y ≤ 0: BN_RESIDUAL, or where that is 0 (a
// forward without residual), y recomputed from BN_X, BN_MEAN, BN_INV_STD, BN_WEIGHT and BN_BIAS.
export const BN_PASS = 0;
export const BN_X = 1;
export const BN_GY = 2;
export const BN_MEAN = 3;
export const BN_INV_STD = 4; // the variance for BN_STATS (written)
export const BN_WEIGHT = 5;
export const BN_BIAS = 6;
export const BN_OUT = 7; // out, or gx
export const BN_GRAD_WEIGHT = 8;
export const BN_GRAD_BIAS = 9;
export const BN_RESIDUAL = 10; // the residual (forward), or the fused forward's output y (backward)
export const BN_GRAD_RESIDUAL = 11;
export const BN_RELU = 12;
export const BN_TRAINING = 13;
export const BN_BATCH = 14;
export const BN_CHANNELS = 15;
export const BN_SPATIAL = 16;
// 4 f64 a channel (the channel sums, then the backward's gx coefficients), then with BN_BY_PLANES
// each plane's sums (2 for the stats, 3 for the backward; see batchNormTask)
export const BN_SCRATCH = 17;
export const BN_BY_PLANES = 18;
export const BN_STATS = 0;
export const BN_FORWARD = 1;
export const BN_BACKWARD = 2;
export const BN_STATS_END = 3;
export const BN_BACKWARD_END = 4;
export const BN_GRAD_INPUT = 5;

// Unary ops (unaryTask; threads split elements): forward out = op(x), or backward gx from x, y, gy.
export const UN_OP = 0;
export const UN_BACKWARD = 1;
export const UN_X = 2;
export const UN_Y = 3;
export const UN_GY = 4;
export const UN_OUT = 5; // out, or gx
export const UN_N = 6;
export const UN_PARAM = 7; // f32 (leakyRelu's slope, elu's alpha)

// Binary ops (binaryTask; threads split rows, or the one row): the collapsed (d0, d1, d2) form.
export const BIN_OP = 0;
export const BIN_A = 1;
export const BIN_B = 2;
export const BIN_OUT = 3;
export const BIN_D0 = 4; // then d1, d2
export const BIN_A_STRIDES = 7; // 3 slots
export const BIN_B_STRIDES = 10; // 3 slots

// Unary op codes (the order of UnaryOp in ../kernels.ts).
export const OP_NEG = 0;
export const OP_EXP = 1;
export const OP_LOG = 2;
export const OP_SQRT = 3;
export const OP_ABS = 4;
export const OP_SQUARE = 5;
export const OP_RECIPROCAL = 6;
export const OP_RELU = 7;
export const OP_LEAKY_RELU = 8;
export const OP_ELU = 9;
export const OP_SIGMOID = 10;
export const OP_TANH = 11;

// Binary op codes.
export const OP_ADD = 0;
export const OP_SUB = 1;
export const OP_MUL = 2;
export const OP_DIV = 3;
export const OP_POW = 4;
