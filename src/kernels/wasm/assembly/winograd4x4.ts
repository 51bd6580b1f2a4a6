// 4×4, stride-1, undilated, ungrouped convolution forward by Winograd F(4×4, 4×4): a 7×7 input
// tile gives a 4×4 output tile with 49 products per channel pair (3.06 per output against the
// direct 16). winograd7.ts's interpolation points (0, ±1, ±2, ½, ∞), hence its Bᵀ, its driver and
// its weight transform with 4 taps (winograd-wide-weights.ts). It runs the 4×4 stride-1 convs over
// the polyphase planes of 7×7 stride-2 convs (ResNet's stem; conv-paths.ts's polyphaseWinogradFits).
import { convWinograd7x4Task, TB4, winograd7SidePhaseBytes, winograd7SideScratchBytes, winograd7x4PhaseTask } from './winograd7';

// Per-thread scratch of convWinograd4x4Task.
export function winograd4x4ScratchBytes(p: usize, nt: i32): i32 { return winograd7SideScratchBytes(p, 4, TB4); }

// The forward in phases for few tiles: their shared blocks' bytes and the task.
export function winograd4x4PhaseBytes(p: usize): i32 { return winograd7SidePhaseBytes(p, 4); }
export function winograd4x4PhaseTask(p: usize, part: i32, parts: i32, slot: i32): void { winograd7x4PhaseTask(p, part, parts, slot); }

// Y for this part's tiles or output channels (the frame's forwardTask).
export function convWinograd4x4Task(p: usize, part: i32, parts: i32, slot: i32): void { convWinograd7x4Task(p, part, parts, slot); }
