// Conformance: convolution (forward, both backward passes), pooling, pad and batch norm of every
// fast implementation against the reference, on seeded data over odd sizes, channel counts that
// are not multiples of 4, strides, paddings, dilations, groups, 1-D/2-D/3-D.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConvParams, PadParams, PoolParams } from '../../src/kernels/kernels.js';
import type { Rng } from '../../src/tensor/rng.js';
import { sizeOf } from '../../src/tensor/shape.js';
import { assertClose, data, forEachImpl, gpu, refKernels, rng, wasm, type Impl } from './harness.js';

const outLen = (n: number, k: number, s: number, p: number, d: number) => Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;

// [batch, cin, cout, groups, inSize, kernel, stride, pad, dilation, the wasm paths of the forward,
// input-gradient and weight-gradient passes]; kernel and stride are the same along every axis, or
// given per axis. The paths are asserted: a changed threshold that moves a case to another path
// fails here, and every path must keep a case (see below).
type Case = [number, number, number, number, number[], number | number[], number | number[], number, number, string];
const CASES: Case[] = [
  [2, 3, 5, 1, [7, 9], 3, 1, 1, 1, 'direct direct direct'],
  [1, 4, 6, 2, [8, 8], 3, 2, 0, 1, 'polyphase im2col im2col'],
  [3, 6, 6, 6, [11, 10], 3, 1, 2, 2, 'im2col im2col im2col'], // depthwise, dilated
  [2, 8, 4, 1, [5, 5], 1, 1, 0, 1, 'direct direct im2col'], // pointwise
  [2, 8, 6, 2, [6, 7], 1, 1, 0, 1, 'im2col im2col im2col'], // grouped pointwise
  [2, 4, 5, 1, [9, 9], 1, 2, 0, 1, 'im2col im2col im2col'], // strided 1×1 (downsampling shortcut): im2col, not polyphase
  [1, 3, 8, 1, [23, 23], 7, 2, 3, 1, 'polyphase im2col im2col'], // ResNet's stem shape, smaller
  [1, 3, 8, 1, [40, 75], 7, 2, 3, 1, 'polyphase im2col im2col'], // stride 2 with rows long enough for vector packing
  [1, 3, 8, 1, [20, 93], 11, 4, 2, 1, 'polyphase im2col im2col'], // AlexNet's stem: stride 4, vector packing
  [1, 3, 16, 1, [67, 71], 11, 4, 2, 1, 'polyphase-winograd im2col im2col'], // AlexNet's stem, smaller: F(4×4, 3×3) on 48 phase planes, odd output
  [2, 3, 18, 1, [45, 50], 11, 4, 2, 1, 'polyphase-winograd im2col im2col'], // the same, batch 2: partial tiles, planes past the input
  [1, 3, 16, 1, [31, 35], 7, 2, 3, 1, 'polyphase-winograd im2col im2col'], // ResNet's stem, smaller: F(4×4, 4×4) on 12 phase planes, rows of 5 tiles, the last partial
  [2, 3, 17, 1, [30, 41], 7, 2, 3, 1, 'polyphase-winograd im2col im2col'], // the same, batch 2, odd output channels
  [2, 4, 16, 1, [19, 22], 5, 2, 1, 1, 'polyphase-winograd im2col im2col'], // 5×5 stride 2: 3-tap phase kernels, a zero tap in each
  [1, 2, 16, 1, [38, 38], 8, 2, 0, 1, 'polyphase-winograd im2col im2col'], // 8×8 stride 2, unpadded: 4-tap phase kernels, no zero tap
  [2, 3, 4, 1, [19], 5, 1, 2, 1, 'direct direct im2col'], // 1-D through the direct kernel (≤ 16 output channels, stride 1)
  [4, 8, 13, 1, [20, 21], 3, 1, 1, 1, 'direct direct direct'], // direct, split over threads, a partial channel block
  [40, 2, 3, 1, [16, 16], 3, 1, 1, 1, 'direct direct direct'], // direct weight gradient by triples first, a triple split by input channels
  [20, 3, 7, 1, [12, 12], 3, 1, 1, 1, 'direct direct direct'], // by triples first: 3 triples, split inside the second
  [8, 1, 6, 1, [28, 28], 5, 1, 2, 1, 'shifted direct shifted'], // LeNet-5's conv1 over shifted copies: the weight gradient in 7 blocks of 4 taps
  [2, 3, 7, 1, [10, 12], 5, 1, 2, 1, 'shifted direct shifted'], // shifted copies: 120 positions (a partial block of 16), a last channel without its pair
  [1, 2, 6, 1, [36, 36], 5, 1, 2, 1, 'direct direct direct'], // over 32² output positions: past the shifted copies' limit
  [3, 5, 9, 1, [9, 11], 5, 1, 1, 1, 'direct shifted shifted'], // shifted copies: 63 positions (a partial vector), an odd channel count; 15 (ci, kx) pairs
  [2, 1, 40, 1, [12, 12], 5, 1, 2, 1, 'im2col direct im2col'], // one input channel, 40 output: the im2col weight gradient splits taps
  [4, 1, 5, 1, [30, 31], 1, 2, 0, 1, 'im2col im2col im2col'], // one channel, strided 1×1
  [2, 5, 5, 5, [9, 13], 3, 1, 1, 1, 'depthwise im2col im2col'], // depthwise kernel, stride 1
  [1, 4, 4, 4, [12, 17], 5, 2, 2, 1, 'depthwise im2col im2col'], // depthwise, stride 2
  [1, 3, 3, 3, [6, 7], 3, 2, 0, 1, 'depthwise im2col im2col'], // depthwise, stride 2, unpadded, odd sizes
  [4, 16, 16, 16, [30, 30], 3, 1, 1, 1, 'depthwise im2col im2col'], // depthwise over both threads
  [2, 5, 7, 1, [33, 31], 5, 3, 2, 1, 'polyphase im2col im2col'],
  [1, 6, 9, 3, [9, 7], 2, 2, 1, 3, 'im2col im2col im2col'],
  [2, 7, 3, 1, [1, 1], 1, 1, 0, 1, 'direct direct im2col'],
  [1, 3, 5, 1, [4, 4], 5, 1, 2, 1, 'shifted direct im2col'], // kernel larger than the input
  [1, 3, 6, 1, [4, 4], 5, 1, 2, 1, 'shifted direct shifted'], // the same, both over shifted copies: most of each copy is padding
  [2, 3, 4, 1, [17], 3, 2, 1, 1, 'polyphase im2col im2col'], // 1-D
  [1, 2, 3, 1, [4, 5, 3], 3, 1, 1, 1, 'vol2col vol2col vol2col'], // 3-D
  [2, 6, 8, 2, [7, 9, 8], 3, 2, 1, 1, 'vol2col vol2col vol2col'], // 3-D, grouped and strided
  [1, 3, 5, 1, [6, 7, 9], 3, 1, 2, 2, 'vol2col vol2col vol2col'], // 3-D, dilated
  [2, 4, 6, 1, [5, 6, 7], 1, 1, 0, 1, 'vol2col vol2col vol2col'], // 3-D pointwise
  [2, 1, 8, 1, [12, 14, 15], 3, 1, 1, 1, 'vol2col vol2col vol2col'], // single-band volume over both threads: the weight gradient splits taps
  [1, 8, 16, 1, [10, 12, 12], 3, 1, 1, 1, 'vol2col vol2col vol2col'], // 3-D over both threads
  [1, 16, 4, 1, [3, 50, 50], 3, 1, 1, 1, 'vol2col vol2col vol2col'], // 3-D whose vol2col takes one output plane per chunk
  [4, 32, 64, 1, [20, 20], 3, 1, 1, 1, 'winograd4 winograd4 winograd4'], // big enough to run on both threads (Winograd F(4×4): 100 tiles)
  [2, 32, 20, 1, [30, 27], 3, 1, 1, 1, 'winograd4 winograd4 winograd4'], // F(4×4): odd width, 4-tile groups and partial ones, partial tiles
  [2, 33, 16, 1, [29, 33], 3, 1, 0, 1, 'winograd4 winograd4 winograd4'], // F(4×4) without padding, odd output
  [6, 32, 18, 1, [13, 14], 3, 1, 2, 1, 'winograd4 winograd4 winograd4'], // F(4×4) with wide padding
  [2, 520, 18, 1, [13, 14], 3, 1, 2, 1, 'winograd winograd4 winograd'], // F(2×2) with wide padding (K = 520: over F(4×4)'s limit)
  [2, 260, 18, 1, [13, 14], 3, 1, 2, 1, 'winograd4 winograd4 winograd4'], // F(4×4) summing K = 260 in chunks of 64 and a last one of 4
  [5, 16, 20, 1, [27, 26], 3, 1, 1, 1, 'winograd4 winograd4 winograd4'], // F(4×4), K = 16, 2 threads split tiles mid-row
  [5, 32, 32, 1, [26, 26], 3, 1, 1, 1, 'winograd4 winograd4 winograd4'], // F(4×4) batched in fixed blocks: 245 tiles, 5 blocks of 48 and one of 5 (a partial panel)
  [24, 16, 16, 1, [8, 8], 3, 1, 1, 1, 'winograd4 winograd4 winograd4'], // F(4×4) at 8²: rows of 2 tiles, groups of 4 across rows (the weight gradient's too), 2 lanes
  [1, 24, 130, 1, [44, 44], 3, 1, 1, 1, 'winograd4 winograd4 winograd4'], // F(4×4), 121 tiles on 2 threads: in phases (one block of all tiles), a partial panel
  [2, 512, 16, 1, [16, 16], 3, 1, 1, 1, 'winograd4 winograd4 winograd4'], // F(4×4) at the most input channels it takes
  [2, 513, 16, 1, [16, 16], 3, 1, 1, 1, 'winograd winograd4 winograd'], // one more: the forward on F(2×2); the input gradient's K is 16
  [3, 16, 16, 1, [8, 8], 3, 1, 1, 1, 'winograd42 winograd winograd'], // 16 → 16 on F(4×2) (12 tiles of 4×4, 24 of 4×2), 3 images: GEMMs with K = 16
  [2, 16, 16, 1, [12, 12], 3, 1, 0, 1, 'winograd4 winograd4 winograd4'], // unpadded 16 → 16 (the weight gradient: rows of 3 F(4×4) tiles, the last partial)
  [2, 16, 520, 1, [12, 12], 3, 1, 0, 1, 'winograd4 winograd winograd4'], // unpadded, the input gradient on F(2×2) (its K is 520)
  [2, 8, 16, 1, [12, 12], 3, 1, 0, 1, 'direct im2col direct'], // unpadded, 8 input channels: the input gradient by im2col (its transposed conv is larger)
  [4, 13, 20, 1, [20, 21], 3, 1, 1, 1, 'im2col direct direct'], // input gradient by the direct kernel: 13 channels (a partial block), both threads
  [2, 7, 13, 1, [9, 7], 3, 1, 0, 1, 'direct im2col direct'], // direct weight gradient: rows not a multiple of 4, channels not of 3
  [1, 40, 36, 1, [5, 5], 3, 1, 1, 1, 'im2col im2col im2col'], // too few tiles for Winograd, over 32 channels: im2col
  [1, 6, 16, 1, [14, 14], 5, 1, 0, 1, 'winograd7 shifted shifted'], // LeNet-5's conv2: F(3×3, 5×5) on 6 input channels, its input gradient by the adjoint of the shifted copies
  [2, 3, 16, 1, [14, 14], 5, 1, 0, 1, 'direct shifted shifted'], // one input channel fewer than Winograd 5×5 takes: the direct kernel
  [1, 4, 16, 1, [12, 12], 5, 1, 0, 1, 'winograd5x5 shifted shifted'], // the fewest input channels Winograd 5×5 takes, F(2×2, 5×5) (9 tiles of 3×3)
  [3, 6, 20, 1, [9, 8], 5, 1, 5, 1, 'winograd7 shifted shifted'], // both with padding past the kernel's reach (no transposed conv), 3 images on 2 threads
  [1, 16, 18, 1, [5, 6], 3, 1, 1, 1, 'im2col direct direct'], // too few tiles for Winograd: im2col (the input gradient, 16 channels: direct)
  [1, 64, 72, 1, [7, 7], 3, 1, 1, 1, 'winograd42 im2col im2col'], // 16 tiles of 2×2: Winograd forward only, by F(4×2) (8 tiles), on 2 threads in phases
  [1, 40, 36, 1, [14, 13], 3, 1, 1, 1, 'winograd4 winograd4 winograd4'], // 16 tiles of 4×4: the fewest F(4×4) takes
  [1, 130, 38, 1, [21, 18], 3, 1, 1, 1, 'winograd4 winograd4 winograd4'], // F(4×4), K = 130: 30 tiles, the last 6 by columns (32 rows at once, then 4, then 2); rows of 5 tiles, clipped
  [1, 40, 100, 1, [21, 18], 3, 1, 1, 1, 'winograd4 winograd4 winograd4'], // the same for the input gradient (K = 100 output channels)
  [1, 64, 130, 1, [7, 7], 3, 1, 1, 1, 'winograd42 im2col im2col'], // F(4×2) on 2 threads in phases, a partial panel
  [1, 24, 20, 1, [9, 11], 3, 1, 1, 1, 'winograd42 im2col direct'], // F(4×2): odd sides (a last tile of 1 row, 1 column), 4-tile groups and a pair
  [1, 16, 16, 1, [3, 35], 3, 1, 1, 1, 'winograd42 direct direct'], // the same, one tile row of 3 outputs' height
  [2, 17, 18, 1, [13, 5], 3, 1, 0, 1, 'winograd42 im2col direct'], // F(4×2) unpadded: rows of 2 tiles, groups across rows and images
  [2, 20, 16, 1, [5, 6], 3, 1, 2, 1, 'winograd42 im2col direct'], // F(4×2) with wide padding: 7 × 8 outputs
  [1, 512, 20, 1, [7, 7], 3, 1, 1, 1, 'winograd42 im2col im2col'], // F(4×2) at the most input channels it takes (K in chunks of 64)
  [1, 513, 20, 1, [7, 7], 3, 1, 1, 1, 'winograd im2col im2col'], // one more: F(2×2) in phases
  [1, 260, 36, 1, [9, 9], 3, 1, 1, 1, 'winograd42 im2col im2col'], // F(4×2) summing K = 260 in chunks of 64 and a last one of 4
  [1, 24, 20, 1, [2, 40], 3, 1, 1, 1, 'winograd im2col direct'], // 2 output rows: F(4×2) would compute twice the rows; F(2×2) in phases
  [1, 648, 20, 1, [7, 7], 3, 1, 1, 1, 'winograd im2col im2col'], // the same with the weights' K in blocks
  [1, 16, 600, 1, [13, 13], 3, 1, 1, 1, 'winograd4 winograd winograd4'], // the input gradient by F(2×2) in phases: flipped weights, transformed per call
  [2, 648, 16, 1, [12, 12], 3, 1, 1, 1, 'winograd winograd4 winograd'], // F(2×2) with the weights' K split into blocks
  [1, 520, 64, 1, [33, 32], 3, 1, 1, 1, 'winograd winograd4 winograd'], // the weight gradient's tiles in 4 lanes of several steps
  [2, 64, 64, 1, [13, 11], 3, 1, 0, 1, 'winograd4 winograd4 winograd4'], // Winograd weight gradient: unpadded, odd output (rows of 3 F(4×4) tiles, the last partial; groups across rows)
  [2, 64, 64, 1, [24, 24], 3, 1, 1, 1, 'winograd4 winograd4 winograd4'], // F(4×4) weight gradient, 64 → 64: steps of 16 tiles across rows of 6 (groups of 1–3 tiles in a row by whole vectors, reading on past them, the plane's last by lanes), 2 lanes of whole steps; the batched forward's blocks of at most 32 tiles
  [4, 18, 18, 1, [32, 32], 3, 1, 1, 1, 'winograd4 winograd4 winograd4'], // F(4×4) weight gradient in steps of whole images: 112 tiles rounded to 128 (2 images of 64), 2 lanes
  [1, 24, 70, 1, [6, 6], 3, 1, 1, 1, 'im2col im2col im2col'], // more output channels than positions: threads split channels
  [2, 30, 90, 3, [5, 7], 3, 2, 1, 1, 'polyphase im2col im2col'], // the same, grouped and strided
  [2, 64, 16, 4, [14, 14], 3, 2, 1, 1, 'polyphase im2col im2col'],
  [2, 5, 6, 1, [9, 13], 2, 2, 0, 1, 'polyphase im2col im2col'], // polyphase, kernel = stride: no wide columns, the GEMM writes out directly; the last input column unused
  [2, 6, 20, 1, [11, 14], 4, 2, 2, 1, 'polyphase im2col im2col'], // polyphase, even kernel and padding
  [1, 24, 70, 1, [6, 6], 3, 2, 1, 1, 'polyphase im2col im2col'], // polyphase, more output channels than positions: threads split channels
  [1, 72, 100, 1, [45, 41], 4, 2, 1, 1, 'polyphase im2col im2col'], // polyphase: 2 blocks of wide columns, of K (1152) and of output channels
  [1, 32, 40, 1, [28, 28], 3, 2, 1, 1, 'winograd-s2 winograd-s2 winograd-s2'], // 3×3 stride 2 on its polyphase parts: 49 tiles, on 2 threads in phases
  [2, 16, 20, 1, [32, 33], 3, 2, 1, 1, 'winograd4-s2 winograd-s2 winograd-s2'], // 4×4 stride-2 tiles over 2 images: 40 tiles, rows of 5 (a group of 4 and a lone tile), odd output
  [4, 17, 16, 1, [15, 13], 3, 2, 0, 1, 'winograd-s2 winograd-s2 winograd-s2'], // stride-2 Winograd unpadded: rows of 3 tiles, groups across rows and images, partial tiles
  [4, 17, 16, 1, [15, 17], 3, 2, 0, 1, 'winograd-s2 winograd-s2 winograd-s2'], // 7 × 8 outputs: 4×4 tiles would need fewer products, but rows of 2 tiles
  [3, 16, 24, 1, [28, 27], 3, 2, 1, 1, 'winograd-s2 winograd-s2 winograd-s2'], // 147 tiles split over threads (14² outputs: 4×4 tiles would need more products)
  [1, 16, 16, 1, [14, 14], 3, 2, 1, 1, 'winograd-s2 im2col im2col'], // 16 tiles: the fewest stride-2 Winograd's forward takes (its gradients: 40)
  [1, 700, 24, 1, [17, 17], 3, 2, 1, 1, 'winograd-s2 im2col im2col'], // stride-2 Winograd with the weights' K split into blocks
  [5, 16, 18, 1, [9, 10], 3, 2, 2, 1, 'winograd-s2 winograd-s2 winograd-s2'], // stride-2 Winograd with padding 2
  [9, 32, 64, 1, [16, 16], 3, 2, 1, 1, 'winograd-s2 winograd-s2 winograd-s2'], // ResNet-20's 32→64, fewer images: 144 tiles in 3 fixed blocks of 48; the input gradient in blocks of 4 images (4 + 4 + 1)
  [9, 16, 32, 1, [32, 31], 3, 2, 1, 1, 'winograd4-s2 winograd-s2 winograd-s2'], // ResNet-20's 16→32, fewer images: 144 4×4 tiles split over threads; the weight gradient in 8 lanes of several steps, odd width
  [5, 20, 17, 1, [12, 11], 3, 2, 0, 1, 'winograd-s2 winograd-s2 winograd-s2'], // unpadded, an input row and column no tile reads, lanes splitting images mid-row
  [4, 16, 16, 1, [18, 14], 3, 2, 0, 1, 'winograd-s2 winograd-s2 winograd-s2'], // unpadded, 18 rows: the input gradient's strips reach 17, its last row zeroed alone
  [2, 24, 700, 1, [17, 17], 3, 2, 1, 1, 'winograd-s2 winograd-s2 im2col'], // stride-2 Winograd's input gradient with its K (700 output channels) split into blocks; over the weight gradient's 64 channels
  [2, 16, 16, 1, [9, 36], 3, 2, 1, 1, 'winograd-s2 winograd-s2 winograd-s2'], // rows of 9 tiles: the input gradient's strips with groups of 4 and a lone tile
  [1, 24, 20, 1, [56, 56], 3, 2, 1, 1, 'winograd4-s2 winograd-s2 winograd-s2'], // stride 2 with 4×4 output tiles: 49 tiles, rows of 7 (a group of 4 and 3 lone)
  [1, 24, 20, 1, [40, 40], 3, 2, 1, 1, 'winograd4-s2 winograd-s2 winograd-s2'], // 25 of them: in phases on 2 threads
  [1, 72, 20, 1, [45, 51], 3, 2, 0, 1, 'winograd4-s2 winograd-s2 im2col'], // the same unpadded, K over 64 (packed GEMM), partial tiles: 22 × 25 outputs, 42 tiles
  [1, 520, 16, 1, [32, 32], 3, 2, 1, 1, 'winograd-s2 winograd-s2 im2col'], // 4×4 stride-2 tiles would fit but for F(4×4)'s 512 input channels
  [2, 5, 7, 1, [9, 12], [1, 3], 2, 1, 1, 'polyphase im2col im2col'], // rows strided past a 1-high kernel: phase rows it never reads
  [2, 5, 7, 1, [11, 9], [2, 3], [3, 2], 1, 1, 'polyphase im2col im2col'], // strides 3 down, 2 across
  [1, 24, 40, 1, [27, 27], 5, 1, 2, 1, 'winograd7 im2col im2col'], // AlexNet's 5×5 shape, smaller: F(3×3, 5×5), rows of 9 tiles (groups of 4 and a lone one), blocks of 48 + 33, in phases on 2 threads
  [2, 16, 20, 1, [13, 14], 5, 1, 0, 1, 'winograd7 shifted shifted'], // F(3×3, 5×5) unpadded: rows of 4 tiles, the last 1 output wide
  [8, 17, 16, 1, [6, 5], 5, 1, 2, 1, 'winograd7 shifted shifted'], // F(3×3, 5×5) with rows of 2 tiles: groups of 4 across rows and images, partial tiles
  [1, 16, 20, 1, [5, 6], 5, 1, 1, 1, 'im2col shifted shifted'], // 6 tiles: too few for F(2×2, 5×5)
  [16, 16, 18, 1, [1, 1], 5, 1, 2, 1, 'winograd7 direct im2col'], // F(3×3, 5×5) on 1×1 images: one partial tile each, groups across images
  [2, 16, 20, 1, [7, 8], 5, 1, 4, 1, 'winograd7 direct shifted'], // F(3×3, 5×5) with padding past the kernel's reach
  [1, 72, 20, 1, [12, 12], 5, 1, 2, 1, 'winograd7 im2col im2col'], // F(3×3, 5×5) at its fewest tiles (16), K = 72 through the packing GEMM (chunks of 64 and 8)
  [3, 256, 24, 1, [15, 16], 5, 1, 2, 1, 'winograd7 im2col im2col'], // F(3×3, 5×5) at the most input channels it takes: 90 tiles, in phases on 2 threads
  [2, 20, 24, 1, [27, 28], 5, 1, 2, 1, 'winograd7 shifted shifted'], // F(3×3, 5×5): 180 tiles split over threads, rows of 10 (groups of 4 and a pair)
  [1, 257, 24, 1, [15, 16], 5, 1, 2, 1, 'im2col im2col im2col'], // one more: im2col
  [1, 24, 40, 1, [9, 9], 5, 1, 2, 1, 'winograd5x5 im2col im2col'], // 9 tiles of 3×3: too few for F(3×3, 5×5), F(2×2, 5×5)'s 25 in phases on 2 threads
  [1, 16, 20, 1, [7, 8], 5, 1, 2, 1, 'winograd5x5 direct shifted'], // F(2×2, 5×5) at its fewest tiles, 16 in rows of 4 (F(3×3)'s 9)
  [1, 24, 20, 1, [14, 8], 5, 1, 1, 1, 'winograd5x5 shifted shifted'], // F(2×2, 5×5) on 12 × 6 outputs: rows of 3 tiles, groups across rows (F(3×3)'s 8)
];

function convParams(c: Case): ConvParams {
  const [batch, inChannels, outChannels, groups, inSize, kernel, stride, p, d] = c;
  const k = inSize.map((_, i) => (typeof kernel === 'number' ? kernel : kernel[i]!));
  const s = inSize.map((_, i) => (typeof stride === 'number' ? stride : stride[i]!));
  return {
    batch, inChannels, outChannels, groups, inSize,
    outSize: inSize.map((n, i) => outLen(n, k[i]!, s[i]!, p, d)),
    kernelSize: k, stride: s, padBegin: inSize.map(() => p),
    dilation: inSize.map(() => d),
  };
}

const PASSES = ['convForward', 'convBackwardInput', 'convBackwardWeight'] as const;

// The forward's epilogues: [+ residual, ReLU].
const EPILOGUES = [[true, false], [false, true], [true, true]] as const;

// The epilogue gives bitwise what the separate ops give on the plain conv's output: one f32 add, then v > 0 ? v : 0.
function assertSameAsOps(got: Float32Array, plain: Float32Array, residual: Float32Array | null, relu: boolean, what: string): void {
  for (let i = 0; i < plain.length; i++) {
    const sum = residual ? Math.fround(plain[i]! + residual[i]!) : plain[i]!;
    const want = relu ? (sum > 0 ? sum : 0) : sum;
    if (!Object.is(got[i], want)) assert.fail(`${what}: element ${i} is ${got[i]}, the separate ops give ${want}`);
  }
}

test('every native convolution path keeps a conformance case', () => {
  const taken = new Set(CASES.flatMap((c) => c[9].split(' ').map((path, i) => `${PASSES[i]} ${path}`)));
  for (const want of ['convForward winograd', 'convForward winograd4', 'convForward direct', 'convForward shifted', 'convForward depthwise', 'convForward im2col', 'convForward polyphase', 'convForward winograd5x5', 'convForward winograd-s2', 'convForward winograd4-s2', 'convForward polyphase-winograd', 'convForward winograd42', 'convForward winograd7',
    'convForward vol2col', 'convBackwardInput winograd', 'convBackwardInput winograd4', 'convBackwardInput winograd-s2', 'convBackwardInput direct', 'convBackwardInput shifted', 'convBackwardInput im2col', 'convBackwardInput vol2col',
    'convBackwardWeight winograd', 'convBackwardWeight winograd4', 'convBackwardWeight winograd-s2', 'convBackwardWeight shifted', 'convBackwardWeight direct', 'convBackwardWeight im2col', 'convBackwardWeight vol2col']) {
    assert.ok(taken.has(want), `no conformance case takes ${want}`);
  }
});

// On WebGPU each pass runs as implicit GEMM or as the direct kernel (src/kernels/webgpu/conv.ts);
// these cases pin both, and every pass must take each path in several cases.
const WEBGPU_PATHS: Record<string, string> = {
  '[3,6,6,6,[11,10],3,1,2,2]': 'direct direct direct', // depthwise
  '[4,32,64,1,[20,20],3,1,1,1]': 'gemm gemm gemm', // the weight gradient split over K
  '[1,3,8,1,[23,23],7,2,3,1]': 'gemm direct gemm', // stem: 3 input channels, 8 output
  '[2,30,90,3,[5,7],3,2,1,1]': 'gemm gemm gemm', // grouped and strided
  '[2,64,16,4,[14,14],3,2,1,1]': 'direct gemm direct', // 4 output channels per group
  '[1,8,16,1,[10,12,12],3,1,1,1]': 'gemm gemm gemm', // 3-D
  '[2,3,4,1,[19],5,1,2,1]': 'direct direct direct', // 1-D, 4 output channels
};
const GPU_PASS = { convForward: 'forward', convBackwardInput: 'backwardInput', convBackwardWeight: 'backwardWeight' } as const;
const gpuPaths = new Map<string, string[]>(); // case geometry → the webgpu path of each pass

// Runs one conv kernel call; on the wasm backend, asserts it took `path` (and only that call ran);
// on WebGPU, records which of its paths ran.
function expectPath(impl: Impl, pass: (typeof PASSES)[number], path: string, what: string, run: () => void): void {
  if (impl.name === 'webgpu' && gpu) {
    const before = new Map(gpu.context.tallies);
    run();
    const ran = [...gpu.context.tallies].filter(([k, n]) => n !== (before.get(k) ?? 0)).map(([k]) => k);
    assert.equal(ran.length, 1, `webgpu ${pass} ${what}: paths taken ${ran.join(', ')}`);
    const m = new RegExp(`^conv\\.${GPU_PASS[pass]}\\.(gemm|direct)$`).exec(ran[0]!);
    assert.ok(m, `webgpu ${pass} ${what}: path ${ran[0]}`);
    const key = JSON.stringify((JSON.parse(what) as unknown[]).slice(0, 9));
    const paths = gpuPaths.get(key) ?? ['', '', ''];
    paths[PASSES.indexOf(pass)] = m[1]!;
    gpuPaths.set(key, paths);
    return;
  }
  if (!impl.name.startsWith('wasm')) return run();
  const before = new Map(wasm.convPathCounts());
  run();
  const ran = [...wasm.convPathCounts()].filter(([k, n]) => n !== (before.get(k) ?? 0)).map(([k]) => k);
  assert.deepEqual(ran, [`${pass} ${path}`], `${impl.name} ${pass} ${what}: paths taken`);
}

test('convForward, convBackwardInput and convBackwardWeight match the reference', async () => {
  const r = rng(11);
  for (const c of CASES) {
    const p = convParams(c);
    const what = JSON.stringify(c);
    const [fwdPath, inPath, wPath] = c[9].split(' ') as [string, string, string];
    const x = data(r, p.batch * p.inChannels * sizeOf(p.inSize));
    const w = data(r, p.outChannels * (p.inChannels / p.groups) * sizeOf(p.kernelSize));
    const bias = data(r, p.outChannels);
    const ySize = p.batch * p.outChannels * sizeOf(p.outSize);
    const gy = data(r, ySize);
    const y = new Float32Array(ySize), yNoBias = new Float32Array(ySize);
    refKernels.convForward(x, w, bias, y, p);
    refKernels.convForward(x, w, null, yNoBias, p);
    // The epilogue's residual, a NaN in it (ReLU makes it 0, as the unary relu does).
    const residual = data(r, ySize);
    residual[ySize >> 1] = NaN;
    const epilogued = EPILOGUES.map(([withResidual, relu]) => {
      const out = new Float32Array(ySize);
      refKernels.convForward(x, w, bias, out, p, withResidual ? residual : null, relu);
      return out;
    });
    const gx = new Float32Array(x.length), gw = new Float32Array(w.length);
    refKernels.convBackwardInput(gy, w, gx, p);
    refKernels.convBackwardWeight(x, gy, gw, p);
    await forEachImpl(async (impl) => {
      // Outputs start as garbage: the kernels must overwrite, not accumulate.
      const yo = impl.place(data(r, ySize)), xs = impl.place(x), ws = impl.place(w), gys = impl.place(gy);
      expectPath(impl, 'convForward', fwdPath, what, () => impl.kernels.convForward(xs, ws, impl.place(bias), yo, p));
      const plain = await impl.read(yo);
      assertClose(plain, y, `${impl.name} convForward ${what}`);
      for (const [i, [withResidual, relu]] of EPILOGUES.entries()) {
        const ye = impl.place(data(r, ySize)), res = withResidual ? impl.place(residual) : null;
        expectPath(impl, 'convForward', fwdPath, what, () => impl.kernels.convForward(xs, ws, impl.place(bias), ye, p, res, relu));
        const got = await impl.read(ye), how = `${impl.name} convForward${withResidual ? ' + residual' : ''}${relu ? ', ReLU' : ''} ${what}`;
        assertClose(got, epilogued[i]!, how);
        if (impl.name.startsWith('wasm')) assertSameAsOps(got, plain, withResidual ? residual : null, relu, how);
      }
      const yn = impl.place(data(r, ySize));
      expectPath(impl, 'convForward', fwdPath, what, () => impl.kernels.convForward(xs, ws, null, yn, p));
      assertClose(await impl.read(yn), yNoBias, `${impl.name} convForward no bias ${what}`);
      const gxo = impl.place(data(r, x.length));
      expectPath(impl, 'convBackwardInput', inPath, what, () => impl.kernels.convBackwardInput(gys, ws, gxo, p));
      assertClose(await impl.read(gxo), gx, `${impl.name} convBackwardInput ${what}`);
      const gwo = impl.place(data(r, w.length));
      expectPath(impl, 'convBackwardWeight', wPath, what, () => impl.kernels.convBackwardWeight(xs, gys, gwo, p));
      assertClose(await impl.read(gwo), gw, `${impl.name} convBackwardWeight ${what}`);
      // Both gradients in one call (wasm: one dispatch where the weight gradient runs in lanes):
      // on wasm bitwise what the passes apart give.
      const gxb = impl.place(data(r, x.length)), gwb = impl.place(data(r, w.length));
      impl.kernels.convBackward(xs, ws, gys, gxb, gwb, p);
      const [gxGot, gwGot] = [await impl.read(gxb), await impl.read(gwb)];
      assertClose(gxGot, gx, `${impl.name} convBackward (input) ${what}`);
      assertClose(gwGot, gw, `${impl.name} convBackward (weight) ${what}`);
      if (impl.name.startsWith('wasm')) {
        assert.deepStrictEqual([gxGot, gwGot], [await impl.read(gxo), await impl.read(gwo)], `${impl.name} convBackward ${what}: as the passes apart`);
      }
    });
  }
  if (gpu) {
    for (const [c, want] of Object.entries(WEBGPU_PATHS)) assert.equal(gpuPaths.get(c)?.join(' '), want, `webgpu conv paths of ${c}`);
    for (const path of ['gemm', 'direct']) {
      for (let pass = 0; pass < 3; pass++) {
        const n = [...gpuPaths.values()].filter((r) => r[pass] === path).length;
        assert.ok(n >= 5, `webgpu: only ${n} cases ran ${PASSES[pass]} as ${path}`);
      }
    }
  }
});

// [batch, channels, inSize, kernel, stride, pad, dilation, countIncludePad]
type PoolCase = [number, number, number[], number, number, number, number, boolean];
const POOLS: PoolCase[] = [
  [2, 3, [8, 8], 2, 2, 0, 1, true], [1, 5, [7, 9], 3, 2, 1, 1, false], [2, 6, [11, 10], 3, 1, 1, 2, true],
  [3, 2, [13], 3, 2, 1, 1, true], [1, 2, [5, 4, 6], 2, 1, 0, 1, true],
  [2, 3, [6, 9, 10], 3, 2, 1, 1, false], [1, 2, [7, 8, 12], 2, 1, 0, 2, true], // 3-D: padded and strided, dilated
  // Rows wide enough for the four-outputs-at-once paths (stride 2 and 1, padded and not).
  [2, 3, [9, 41], 3, 2, 1, 1, false], [1, 2, [6, 29], 2, 2, 0, 1, true], [1, 3, [7, 23], 3, 1, 1, 1, true],
  // Stride 2 up to the row's last element, and rows whose last group overlaps the one before
  // (LeNet-5's pools: 28 and 10 wide; 24 wide ends on a whole group).
  [2, 3, [6, 28], 2, 2, 0, 1, true], [1, 2, [3, 10], 2, 2, 0, 1, false], [1, 2, [4, 24], 2, 2, 0, 1, true],
  // Odd sizes under 2×2 windows with rows of 8 or more (the backward's one pass zeroes what is left).
  [1, 2, [7, 21], 2, 2, 0, 1, false],
  [1, 2, [5, 13], 3, 2, 0, 1, false],
  // 3×3 stride 2 with rows of 8 whole windows or more (max-pool3.ts): unpadded odd and even widths,
  // padded with a clipped last row and column (odd sizes) and without (even sizes).
  [2, 3, [12, 35], 3, 2, 0, 1, false], [1, 2, [9, 40], 3, 2, 0, 1, true], [1, 3, [17, 37], 3, 2, 1, 1, false],
  [2, 2, [10, 38], 3, 2, 1, 1, true],
];

test('pooling matches the reference', async () => {
  const r = rng(12);
  for (const [batch, channels, inSize, k, s, pad, d, countIncludePad] of POOLS) {
    const outSize = inSize.map((n) => outLen(n, k, s, pad, d));
    const p: PoolParams = {
      batch, channels, inSize, outSize, kernelSize: inSize.map(() => k), stride: inSize.map(() => s),
      padBegin: inSize.map(() => pad), dilation: inSize.map(() => d), countIncludePad,
    };
    const avg: PoolParams = { ...p, dilation: inSize.map(() => 1), outSize: inSize.map((n) => outLen(n, k, s, pad, 1)) };
    const what = JSON.stringify(p);
    const x = data(r, batch * channels * sizeOf(inSize));
    // Max pooling propagates NaN like the reference and PyTorch (the last NaN of a window wins);
    // two NaNs share a window, so the argmax says which rule ran.
    x[5] = NaN;
    x[6] = NaN;
    x[x.length - 30] = NaN;
    const ySize = batch * channels * sizeOf(outSize), aSize = batch * channels * sizeOf(avg.outSize);
    const y = new Float32Array(ySize), am = new Int32Array(ySize), gy = data(r, ySize), gx = new Float32Array(x.length);
    refKernels.maxPoolForward(x, y, am, p);
    refKernels.maxPoolBackward(gy, am, gx, p);
    const yRelu = new Float32Array(ySize), gyRelu = new Float32Array(ySize), gxRelu = new Float32Array(x.length);
    refKernels.unary('relu', y, yRelu, 0);
    refKernels.unaryBackward('relu', y, yRelu, gy, gyRelu, 0);
    refKernels.maxPoolBackward(gyRelu, am, gxRelu, p);
    const ya = new Float32Array(aSize), gya = data(r, aSize), gxa = new Float32Array(x.length);
    refKernels.avgPoolForward(x, ya, avg);
    refKernels.avgPoolBackward(gya, gxa, avg);
    const ad = { batch, channels, inSize, outSize: inSize.map((n) => Math.max(1, Math.floor(n / 2) + 1)) };
    const yad = new Float32Array(batch * channels * sizeOf(ad.outSize)), gyad = data(r, yad.length);
    const gxad = new Float32Array(x.length);
    refKernels.adaptiveAvgPoolForward(x, yad, ad);
    refKernels.adaptiveAvgPoolBackward(gyad, gxad, ad);
    await forEachImpl(async (impl) => {
      const yo = impl.place(new Float32Array(ySize)), amo = impl.place(new Int32Array(ySize));
      impl.kernels.maxPoolForward(impl.place(x), yo, amo, p);
      assertClose(await impl.read(yo), y, `${impl.name} maxPoolForward ${what}`);
      const yNoArg = impl.place(new Float32Array(ySize));
      impl.kernels.maxPoolForward(impl.place(x), yNoArg, null, p);
      assertClose(await impl.read(yNoArg), y, `${impl.name} maxPoolForward without argmax ${what}`);
      const gxo = impl.place(data(r, x.length));
      impl.kernels.maxPoolBackward(impl.place(gy), amo, gxo, p);
      assertClose(await impl.read(gxo), gx, `${impl.name} maxPoolBackward ${what}`);
      // With a ReLU after the pool (maxPoolRelu): the relu kernel's outputs, and gy where they are > 0.
      const yro = impl.place(new Float32Array(ySize)), gxro = impl.place(data(r, x.length));
      impl.kernels.maxPoolForward(impl.place(x), yro, amo, p, true);
      assertClose(await impl.read(yro), yRelu, `${impl.name} maxPoolForward with relu ${what}`);
      impl.kernels.maxPoolBackward(impl.place(gy), amo, gxro, p, yro);
      assertClose(await impl.read(gxro), gxRelu, `${impl.name} maxPoolBackward with relu ${what}`);
      const yao = impl.place(new Float32Array(aSize));
      impl.kernels.avgPoolForward(impl.place(x), yao, avg);
      assertClose(await impl.read(yao), ya, `${impl.name} avgPoolForward ${what}`);
      const gxao = impl.place(data(r, x.length));
      impl.kernels.avgPoolBackward(impl.place(gya), gxao, avg);
      assertClose(await impl.read(gxao), gxa, `${impl.name} avgPoolBackward ${what}`);
      const yado = impl.place(new Float32Array(yad.length));
      impl.kernels.adaptiveAvgPoolForward(impl.place(x), yado, ad);
      assertClose(await impl.read(yado), yad, `${impl.name} adaptiveAvgPoolForward ${what}`);
      const gxado = impl.place(data(r, x.length));
      impl.kernels.adaptiveAvgPoolBackward(impl.place(gyad), gxado, ad);
      assertClose(await impl.read(gxado), gxad, `${impl.name} adaptiveAvgPoolBackward ${what}`);
    });
  }
});

// [inShape, padBegin, padEnd]: 2-D padding, the option-A shortcut's channel padding (whole rows
// of constant), crops (negative padding), mirrored outer dims, short rows, 1-D, and 7-D (beyond
// the native kernel's 6).
const PADS: [number[], number[], number[]][] = [
  [[2, 3, 5, 6], [0, 0, 2, 1], [0, 0, 1, 3]],
  [[2, 4, 6, 6], [0, 2, 0, 0], [0, 2, 0, 0]],
  [[2, 3, 9, 11], [0, 0, -2, 1], [0, 0, 1, -3]],
  [[3, 4, 5, 13], [0, 2, 1, 4], [1, 1, 2, 5]],
  [[2, 3, 3], [1, 0, 2], [0, 2, 2]],
  [[17], [3], [2]],
  [[2, 1, 2, 1, 2, 1, 3], [0, 0, 1, 0, 1, 0, 2], [0, 0, 1, 0, 0, 0, 1]],
];

// Every implementation's pad forward and backward of x and gy against the reference's y and gx.
async function padMatchesEverywhere(r: Rng, p: PadParams, x: Float32Array, gy: Float32Array, y: Float32Array,
  gx: Float32Array, what: string): Promise<void> {
  await forEachImpl(async (impl) => {
    const yo = impl.place(data(r, y.length)), gxo = impl.place(data(r, x.length));
    impl.kernels.padForward(impl.place(x), yo, p);
    impl.kernels.padBackward(impl.place(gy), gxo, p);
    assertClose(await impl.read(yo), y, `${impl.name} padForward ${what}`);
    assertClose(await impl.read(gxo), gx, `${impl.name} padBackward ${what}`);
  });
}

test('pad forward/backward match the reference in every mode', async () => {
  const r = rng(13);
  for (const mode of ['constant', 'reflect', 'replicate'] as const) {
    for (const [inShape, padBegin, padEnd] of PADS) {
      const outShape = inShape.map((n, i) => n + padBegin[i]! + padEnd[i]!);
      const p = { inShape, outShape, padBegin, mode, value: 0.5 };
      const what = `${mode} ${JSON.stringify([inShape, padBegin, padEnd])}`;
      const x = data(r, sizeOf(inShape)), gy = data(r, sizeOf(outShape));
      const y = new Float32Array(gy.length), gx = new Float32Array(x.length);
      refKernels.padForward(x, y, p);
      refKernels.padBackward(gy, gx, p);
      await padMatchesEverywhere(r, p, x, gy, y, gx, what);
    }
  }
});

// [inShape, step, padBegin, outShape]: padding that steps through the input first (PadParams.step):
// the option-A shortcut (stride 2, zero channels; even rows take the vector gather), odd sizes
// (its scalar remainder), a step of 3 with padded and cropped spatial dims, 1-D.
const STEPPED: [number[], number[], number[], number[]][] = [
  [[2, 4, 16, 16], [1, 1, 2, 2], [0, 2, 0, 0], [2, 8, 8, 8]],
  [[3, 3, 9, 11], [1, 1, 2, 2], [0, 1, 0, 0], [3, 6, 5, 6]],
  [[2, 5, 7, 7], [1, 1, 3, 3], [0, 0, 1, -1], [2, 5, 5, 2]],
  [[2, 3, 17, 20], [1, 1, 2, 2], [0, 0, 0, -1], [2, 3, 9, 9]],
  [[17], [2], [3], [14]],
];

test('pad with a step: the reference subsamples then pads, and every implementation matches it', async () => {
  const r = rng(19);
  for (const [inShape, step, padBegin, outShape] of STEPPED) {
    const p = { inShape, outShape, padBegin, mode: 'constant' as const, value: 0, step };
    const what = JSON.stringify([inShape, step, padBegin]);
    const x = data(r, sizeOf(inShape)), gy = data(r, sizeOf(outShape));
    const y = new Float32Array(gy.length), gx = new Float32Array(x.length);
    refKernels.padForward(x, y, p);
    refKernels.padBackward(gy, gx, p);
    // The reference against its definition: x[..., ::step] (a strided copy), then plain padding.
    const subShape = inShape.map((n, d) => Math.ceil(n / step[d]!));
    const inStrides = inShape.map((_, d) => sizeOf(inShape.slice(d + 1)) * step[d]!);
    const sub = new Float32Array(sizeOf(subShape));
    refKernels.stridedCopy(x, sub, { shape: subShape, strides: inStrides });
    const plain = { inShape: subShape, outShape, padBegin, mode: 'constant' as const, value: 0 };
    const want = new Float32Array(y.length), gSub = new Float32Array(sub.length);
    refKernels.padForward(sub, want, plain);
    assert.deepEqual(y, want, `ref padForward ${what}`);
    // Backward is the adjoint: <pad(x), gy> = <x, padBackward(gy)>, and nothing reaches skipped elements.
    refKernels.padBackward(gy, gSub, plain);
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
    assert.ok(Math.abs(dot(y, gy) - dot(x, gx)) < 1e-9 * (1 + Math.abs(dot(y, gy))), `ref padBackward ${what}`);
    assert.equal(gx.filter((v) => v !== 0).length, gSub.filter((v) => v !== 0).length, `ref padBackward ${what} zeros`);
    await padMatchesEverywhere(r, p, x, gy, y, gx, what);
  }
});

test('fused batch norm + ReLU (+ residual) forward and backward match the reference, which matches the separate kernels', async () => {
  const r = rng(41);
  for (const [batch, channels, spatial] of [[4, 3, 25], [2, 5, 1], [3, 7, 13]]) {
    const p = { batch: batch!, channels: channels!, spatial: spatial! };
    const n = batch! * channels! * spatial!;
    const x = data(r, n), gy = data(r, n), weight = data(r, channels!), bias = data(r, channels!);
    const mean = new Float32Array(channels!), variance = new Float32Array(channels!);
    refKernels.batchNormStats(x, mean, variance, p);
    const invStd = variance.map((v) => 1 / Math.sqrt(v + 1e-5));
    for (const residual of [data(r, n), null]) {
      // The reference's fused kernels against the separate ones: batch norm, add, ReLU.
      const y = new Float32Array(n), sep = new Float32Array(n);
      refKernels.batchNormReluForward(x, mean, invStd, weight, bias, residual, y, p);
      refKernels.batchNormForward(x, mean, invStd, weight, bias, sep, p);
      const sum = residual ? sep.map((v, i) => v + residual[i]!) : sep;
      const relu = new Float32Array(n);
      refKernels.unary('relu', sum, relu, 0);
      assert.deepEqual(Array.from(y), Array.from(relu), 'fused forward = batchNormForward, add, relu');
      for (const training of [true, false]) {
        const gx = new Float32Array(n), gw = new Float32Array(channels!), gb = new Float32Array(channels!);
        const gr = new Float32Array(n);
        refKernels.batchNormReluBackward(x, y, gy, mean, invStd, weight, bias, gx, gw, gb, gr, training, p);
        if (!residual) {
          // y left out: recomputed from x, the same bits.
          const gx2 = new Float32Array(n), gw2 = new Float32Array(channels!), gb2 = new Float32Array(channels!);
          const gr2 = new Float32Array(n);
          refKernels.batchNormReluBackward(x, null, gy, mean, invStd, weight, bias, gx2, gw2, gb2, gr2, training, p);
          assert.deepEqual([gx2, gw2, gb2, gr2], [gx, gw, gb, gr], 'ref batchNormReluBackward without y');
        }
        const masked = new Float32Array(n), sx = new Float32Array(n), sw = new Float32Array(channels!), sb = new Float32Array(channels!);
        refKernels.unaryBackward('relu', sum, relu, gy, masked, 0);
        refKernels.batchNormBackward(x, masked, mean, invStd, weight, sx, sw, sb, training, p);
        // + 0: the ReLU's backward writes gy·0, −0 for negative gy.
        assert.deepEqual(Array.from(gr), Array.from(masked, (v) => v + 0), 'fused gResidual = relu backward');
        assertClose(gx, sx, `fused gx = batchNormBackward of the masked gradient, training=${training}`);
        assertClose(gw, sw, 'fused gWeight');
        assertClose(gb, sb, 'fused gBias');
        await forEachImpl(async (impl) => {
          const what = `residual=${!!residual} training=${training}`;
          const yo = impl.place(new Float32Array(n));
          impl.kernels.batchNormReluForward(impl.place(x), impl.place(mean), impl.place(invStd), impl.place(weight),
            impl.place(bias), residual ? impl.place(residual) : null, yo, p);
          assertClose(await impl.read(yo), y, `${impl.name} batchNormReluForward ${what}`);
          const gxo = impl.place(data(r, n)), gwo = impl.place(data(r, channels!)), gbo = impl.place(data(r, channels!));
          const gro = impl.place(data(r, n));
          // Without a residual, y left out: the backends recompute the ReLU's mask from x.
          impl.kernels.batchNormReluBackward(impl.place(x), residual ? impl.place(y) : null, impl.place(gy),
            impl.place(mean), impl.place(invStd), impl.place(weight), impl.place(bias), gxo, gwo, gbo, gro, training, p);
          assertClose(await impl.read(gxo), gx, `${impl.name} batchNormReluBackward gx ${what}`);
          assertClose(await impl.read(gwo), gw, `${impl.name} batchNormReluBackward gWeight ${what}`);
          assertClose(await impl.read(gbo), gb, `${impl.name} batchNormReluBackward gBias ${what}`);
          assertClose(await impl.read(gro), gr, `${impl.name} batchNormReluBackward gResidual ${what}`);
          // Without affine parameters or a residual gradient, only the input's gradient wanted.
          const yn = new Float32Array(n), gxn = new Float32Array(n);
          refKernels.batchNormReluForward(x, mean, invStd, null, null, residual, yn, p);
          refKernels.batchNormReluBackward(x, yn, gy, mean, invStd, null, null, gxn, null, null, null, training, p);
          const yno = impl.place(new Float32Array(n)), gxno = impl.place(new Float32Array(n));
          impl.kernels.batchNormReluForward(impl.place(x), impl.place(mean), impl.place(invStd), null, null,
            residual ? impl.place(residual) : null, yno, p);
          impl.kernels.batchNormReluBackward(impl.place(x), residual ? impl.place(yn) : null, impl.place(gy),
            impl.place(mean), impl.place(invStd), null, null, gxno, null, null, null, training, p);
          assertClose(await impl.read(yno), yn, `${impl.name} batchNormReluForward without weight/bias ${what}`);
          assertClose(await impl.read(gxno), gxn, `${impl.name} batchNormReluBackward gx only ${what}`);
        });
      }
    }
  }
});

test('batch norm statistics, their finish, forward and backward match the reference', async () => {
  const r = rng(14);
  for (const [batch, channels, spatial] of [[4, 3, 25], [2, 5, 1], [3, 7, 13], [3, 4, 64]]) {
    const p = { batch: batch!, channels: channels!, spatial: spatial! };
    const n = batch! * channels! * spatial!;
    // The third case sits far from zero: statistics must not cancel catastrophically. In the
    // last, each channel's first value (the native kernel's shift) lies far from its mean.
    const firstOfChannel = (i: number) => i < channels! * spatial! && i % spatial! === 0;
    const x = data(r, n).map((v, i) => (spatial === 13 ? v + 1000 : spatial === 64 && firstOfChannel(i) ? v + 300 : v));
    const gy = data(r, n), weight = data(r, channels!), bias = data(r, channels!);
    const mean = new Float32Array(channels!), variance = new Float32Array(channels!);
    refKernels.batchNormStats(x, mean, variance, p);
    const invStd = variance.map((v) => 1 / Math.sqrt(v + 1e-5));
    const y = new Float32Array(n);
    refKernels.batchNormForward(x, mean, invStd, weight, bias, y, p);
    for (const training of [true, false]) {
      const gx = new Float32Array(n), gw = new Float32Array(channels!), gb = new Float32Array(channels!);
      refKernels.batchNormBackward(x, gy, mean, invStd, weight, gx, gw, gb, training, p);
      await forEachImpl(async (impl) => {
        const mo = impl.place(new Float32Array(channels!)), vo = impl.place(new Float32Array(channels!));
        impl.kernels.batchNormStats(impl.place(x), mo, vo, p);
        assertClose(await impl.read(mo), mean, `${impl.name} batchNormStats mean`);
        assertClose(await impl.read(vo), variance, `${impl.name} batchNormStats variance`);
        const yo = impl.place(new Float32Array(n));
        impl.kernels.batchNormForward(impl.place(x), impl.place(mean), impl.place(invStd), impl.place(weight),
          impl.place(bias), yo, p);
        assertClose(await impl.read(yo), y, `${impl.name} batchNormForward`);
        const gxo = impl.place(data(r, n)), gwo = impl.place(data(r, channels!)), gbo = impl.place(data(r, channels!));
        impl.kernels.batchNormBackward(impl.place(x), impl.place(gy), impl.place(mean), impl.place(invStd),
          impl.place(weight), gxo, gwo, gbo, training, p);
        assertClose(await impl.read(gxo), gx, `${impl.name} batchNormBackward gx training=${training}`);
        assertClose(await impl.read(gwo), gw, `${impl.name} batchNormBackward gWeight`);
        assertClose(await impl.read(gbo), gb, `${impl.name} batchNormBackward gBias`);
        // Without affine parameters, and with only some gradients wanted.
        const yn = new Float32Array(n), gbn = new Float32Array(channels!);
        refKernels.batchNormForward(x, mean, invStd, null, null, yn, p);
        refKernels.batchNormBackward(x, gy, mean, invStd, null, null, null, gbn, training, p);
        const yno = impl.place(new Float32Array(n)), gbno = impl.place(new Float32Array(channels!));
        impl.kernels.batchNormForward(impl.place(x), impl.place(mean), impl.place(invStd), null, null, yno, p);
        impl.kernels.batchNormBackward(impl.place(x), impl.place(gy), impl.place(mean), impl.place(invStd), null,
          null, null, gbno, training, p);
        assertClose(await impl.read(yno), yn, `${impl.name} batchNormForward without weight/bias`);
        assertClose(await impl.read(gbno), gbn, `${impl.name} batchNormBackward gBias only`);
      });
    }
    // The statistics' finish: invStd and the running statistics (training), or the running ones (eval).
    for (const training of [true, false]) {
      const fp = { channels: channels!, eps: 1e-5, training, momentum: 0.1, count: batch! * spatial! };
      const rm0 = data(r, channels!), rv0 = data(r, channels!, 0.5, 2);
      const wm = mean.slice(), wis = new Float32Array(channels!), wrm = rm0.slice(), wrv = rv0.slice();
      refKernels.batchNormFinishStats(wm, variance, wis, wrm, wrv, fp);
      await forEachImpl(async (impl) => {
        const mo = impl.place(mean), iso = impl.place(new Float32Array(channels!));
        const rmo = impl.place(rm0), rvo = impl.place(rv0);
        impl.kernels.batchNormFinishStats(mo, impl.place(variance), iso, rmo, rvo, fp);
        assertClose(await impl.read(mo), wm, `${impl.name} batchNormFinishStats mean training=${training}`);
        assertClose(await impl.read(iso), wis, `${impl.name} batchNormFinishStats invStd training=${training}`);
        assertClose(await impl.read(rmo), wrm, `${impl.name} batchNormFinishStats runningMean training=${training}`);
        assertClose(await impl.read(rvo), wrv, `${impl.name} batchNormFinishStats runningVar training=${training}`);
      });
    }
  }
});
