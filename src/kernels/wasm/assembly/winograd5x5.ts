// 5×5, stride-1, undilated, ungrouped convolution forward by Winograd F(2×2, 5×5): a 6×6 input
// tile gives a 2×2 output tile with 36 products per channel pair (9 per output against im2col's
// 25). F(4×4, 3×3)'s interpolation points (0, ±1, ±2, ∞), hence its Bᵀ and its scheme, on the
// 6×6-tile driver of winograd6.ts (Bᵀ, Aᵀ and the task's loops): per block of tiles V = Bᵀ d B,
// 36 GEMMs M[ξ] = U[ξ] · V[ξ], Y = Aᵀ M A + bias. The weights' transform U = G g Gᵀ (cached
// across calls): winograd-wide-weights.ts.
import { winograd6PhaseBytes, winograd6PhaseTask, winograd6ScratchBytes, winograd6Task } from './winograd6';

// Tiles per block at most (4 outputs each). AlexNet's 64 → 192 at 27² ran alike with 32, 64 and 128.
const TB: i32 = 64;

// Per-thread scratch of convWinograd5x5Task.
export function winograd5x5ScratchBytes(p: usize, nt: i32): i32 { return winograd6ScratchBytes(p, 2, TB); }

// The forward in phases for few tiles: their shared blocks' bytes and the task (winograd6Phase*).
export function winograd5x5PhaseBytes(p: usize): i32 { return winograd6PhaseBytes(p, 2, TB); }
export function winograd5x5PhaseTask(p: usize, part: i32, parts: i32, slot: i32): void {
  winograd6PhaseTask(p, part, parts, slot, 2, TB);
}

// Y for this part's tiles or output channels (winograd6Task). Blocks rounded up to whole 8-column
// panels of the GEMMs: AlexNet's 196 tiles in 49s left each block a 1-column panel.
export function convWinograd5x5Task(p: usize, part: i32, parts: i32, slot: i32): void {
  winograd6Task(p, part, parts, slot, 2, TB, 8);
}
