// 4×4, stride-1, undilated, ungrouped convolution forward by Winograd F(3×3, 4×4): a 6×6 input
// tile gives a 3×3 output tile with 36 products per channel pair (4 per output against the
// direct 16). F(4×4, 3×3)'s interpolation points (0, ±1, ±2, ∞), hence its Bᵀ and its scheme, on
// the 6×6-tile driver of winograd6.ts with side-3 tiles; the weights' transform (cached across
// calls): winograd-wide-weights.ts. It runs the 4×4 stride-1 convs over the polyphase planes of
// 7×7 stride-2 convs (ResNet's stem; conv-paths.ts's polyphaseWinogradFits).
import { winograd6PhaseBytes, winograd6PhaseTask, winograd6ScratchBytes, winograd6Task } from './winograd6';

// Tiles per block at most (9 outputs each), as F(4×4, 3×3)'s.
const TB: i32 = 128;

// Per-thread scratch of convWinograd4x4Task.
export function winograd4x4ScratchBytes(p: usize, nt: i32): i32 { return winograd6ScratchBytes(p, 3, TB); }

// The forward in phases for few tiles: their shared blocks' bytes and the task (winograd6Phase*).
export function winograd4x4PhaseBytes(p: usize): i32 { return winograd6PhaseBytes(p, 3, TB); }
export function winograd4x4PhaseTask(p: usize, part: i32, parts: i32, slot: i32): void {
  winograd6PhaseTask(p, part, parts, slot, 3, TB);
}

// Y for this part's tiles or output channels (winograd6Task), blocks rounded up to whole 8-column
// panels of the GEMMs.
export function convWinograd4x4Task(p: usize, part: i32, parts: i32, slot: i32): void {
  winograd6Task(p, part, parts, slot, 3, TB, 8);
}
