// 3×3, stride-1, undilated, ungrouped convolution forward by Winograd F(4×4, 3×3): a 6×6 input
// tile gives a 4×4 output tile with 36 products per channel pair (2.25 per output, against
// F(2×2)'s 4 in winograd.ts and im2col's 9). The same scheme as winograd.ts, with 36 planes, on
// the 6×6-tile driver of winograd6.ts (Bᵀ, Aᵀ and the task's loops, shared with F(2×2, 5×5));
// here the weights' transform U = G g Gᵀ, with
//   G = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1⁄24 1⁄12 ⅙; 1⁄24 −1⁄12 ⅙; 0 0 1]
// The larger constants cost accuracy: a few times F(2×2)'s rounding error (conv-paths.ts).
import { CONV_BATCH, CONV_CIN, CONV_COUT } from '../abi';
import { arg } from './params';
import { uPlaneBytes } from './winograd';
import { batched, forwardBlocks } from './winograd-frame';
import { UV_MAX_K } from './winograd-gemm';
import { winograd6PhaseBytes, winograd6PhaseTask, winograd6ScratchBytes, winograd6Task } from './winograd6';

// Tiles per block at most (16 outputs each; blocks are evened out). 64 measured alike.
const TB: i32 = 128;
// Batched convs whose blocks of TB tiles would hold more V and M (36 planes of cin and of cout
// rows a tile) than a core's L2 (1 MiB), which the transforms wrote and the GEMMs read back
// through L3 (2.4 MB at 64 → 64): blocks within BLOCK_FLOATS (512 KB), of LEAST_BLOCK tiles at
// least. 1 thread, best CPU time of 7 (W2) or 5 (W8), alternating rounds on a busy machine (load
// 5–6), forward / input gradient: W2's 64 → 64 at 56², batch 8, blocks of 128 tiles 14.8–16.1 /
// 15.0–17.4 ms, 64 14.9–15.6 / 14.8–15.2, 32 14.5–14.6 / 14.2–14.7; W8's (batch 128) 64 → 64 at 8²
// 5.73–5.97 / 5.69–6.09 vs 32 5.09–5.37 / 5.22–5.50, 32 → 32 at 16² 4.91–4.96 / 4.92–5.10 vs 48
// 4.52–4.80 / 4.51–4.92; but 16 → 16 at 32² (590 KB a block of 128) 7.07–7.15 / 6.89–7.28 vs 112
// 7.10–7.53 / 7.07–7.65: it keeps TB. Batch 1 (ResNet-18's inference, measured with TB) and convs
// over UV_MAX_K input channels (GEMMs that pack V: unmeasured) keep TB.
const L2_FLOATS: i32 = 1 << 18, BLOCK_FLOATS: i32 = 1 << 17, LEAST_BLOCK: i32 = 32;
@inline function blockTiles(p: usize): i32 {
  const perTile = 36 * (arg(p, CONV_CIN) + arg(p, CONV_COUT));
  if (arg(p, CONV_BATCH) == 1 || arg(p, CONV_CIN) > UV_MAX_K || TB * perTile <= L2_FLOATS) return TB;
  return max(LEAST_BLOCK, BLOCK_FLOATS / perTile & ~15);
}

// Per-thread scratch of convWinograd4Task.
export function winograd4ScratchBytes(p: usize, nt: i32): i32 { return winograd6ScratchBytes(p, 4, blockTiles(p)); }

// The forward in phases for few tiles: their shared blocks' bytes and the task (winograd6Phase*).
export function winograd4PhaseBytes(p: usize): i32 { return winograd6PhaseBytes(p, 4, TB); }
export function winograd4PhaseTask(p: usize, part: i32, parts: i32, slot: i32): void {
  winograd6PhaseTask(p, part, parts, slot, 4, TB);
}

// The transformed weights U[ξ] (cout × cin each, 36 of them) in the GEMM's packed-A layout.
export function winograd4WeightBytes(p: usize): i32 {
  return <i32>(36 * uPlaneBytes(arg(p, CONV_COUT), arg(p, CONV_CIN)));
}

// Six vectors G·(g0, g1, g2) to dst + k·ds, from g_k at src + k·ss.
@inline export function gColumn(src: usize, ss: usize, dst: usize, ds: usize): void {
  const g0 = v128.load(src), g1 = v128.load(src + ss), g2 = v128.load(src + 2 * ss);
  const s = f32x4.mul(f32x4.add(g0, g2), f32x4.splat(<f32>-1 / 6)), t = f32x4.mul(g1, f32x4.splat(<f32>1 / 6));
  const h = f32x4.add(f32x4.mul(g0, f32x4.splat(<f32>1 / 24)), f32x4.mul(g2, f32x4.splat(<f32>1 / 6)));
  const q = f32x4.mul(g1, f32x4.splat(<f32>1 / 12));
  v128.store(dst, f32x4.mul(g0, f32x4.splat(0.25)));
  v128.store(dst + ds, f32x4.sub(s, t));
  v128.store(dst + 2 * ds, f32x4.add(s, t));
  v128.store(dst + 3 * ds, f32x4.add(h, q));
  v128.store(dst + 4 * ds, f32x4.sub(h, q));
  v128.store(dst + 5 * ds, g2);
}

// U[ξ] (36 planes, `plane` bytes apart) = G g Gᵀ for the 4 filters of a panel, one per lane: their
// 9 taps at `taps`, G g through `t` (6 rows of 3 vectors). 36 sequential store streams.
@inline export function weights4(taps: usize, dst: usize, plane: usize, t: usize): void {
  for (let c = 0; c < 3; c++) gColumn(taps + <usize>c * 16, 48, t + <usize>c * 16, 48);
  for (let i = 0; i < 6; i++) gColumn(t + <usize>i * 48, 16, dst + <usize>(6 * i) * plane, plane);
}

// Batched, the blocks are fixed (the frame's forwardTask) on whole 8-column GEMM panels: 2
// threads' parts of tiles (8 of 256 at W8's 32 → 32, 16²) made blocks of 43 where 1 thread's
// were 48 (6 panels for 5.4 panels' tiles), and that split run serially cost 1.08–1.11× the
// 1-thread time, now 0.97–1.07 (noise; the same blocks); W1's 64 → 64 at 56² (8 parts of 196
// tiles) blocks of 28 against 32. Parts are then single blocks (conv-kernels.ts), so that the
// calling thread waits at most one block for the worker's last, not an eighth of the pass: at
// 16 → 16, 32² and 32 → 32, 16² 0.21–0.76 ms → 0.01–0.11, 2 threads ×1.57–1.71 → ×1.71–2.00
// (BENCHMARKS.md "W8's and W1's conv passes on two threads"). Batch 1 (ResNet-18, measured with
// parts of ≥ 96 tiles and blocks rounded to 1 tile) keeps those (the frame's `batched`).
export function winograd4Blocks(p: usize): i32 { return forwardBlocks(p, 4, blockTiles(p), 8); }

// Y for this part's tiles or output channels (winograd6Task), in blocks of equal size.
export function convWinograd4Task(p: usize, part: i32, parts: i32, slot: i32): void {
  if (batched(p)) winograd6Task(p, part, parts, slot, 4, blockTiles(p), 8, true);
  else winograd6Task(p, part, parts, slot, 4, blockTiles(p), 1);
}
