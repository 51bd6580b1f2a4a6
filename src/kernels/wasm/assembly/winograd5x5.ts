// 5×5, stride-1, undilated, ungrouped convolution forward by Winograd F(2×2, 5×5): a 6×6 input
// tile gives a 2×2 output tile with 36 products per channel pair (9 per output against im2col's
// 25). F(4×4, 3×3)'s interpolation points (0, ±1, ±2, ∞), hence its Bᵀ and its scheme, on the
// 6×6-tile driver of winograd6.ts (Bᵀ, Aᵀ and the task's loops): per block of tiles V = Bᵀ d B,
// 36 GEMMs M[ξ] = U[ξ] · V[ξ], Y = Aᵀ M A + bias. Here the weights' transform U = G g Gᵀ
// (cached across calls), with
//   G = [¼ 0 0 0 0; −⅙(1 1 1 1 1); −⅙(1 −1 1 −1 1); 1⁄24(1 2 4 8 16); 1⁄24(1 −2 4 −8 16); 0 0 0 0 1]
import { kcFor, paddedRows } from './gemm';
import { CONV_CIN, CONV_COUT, CONV_SCRATCH, CONV_SCRATCH_STRIDE, CONV_W, CONV_WINOGRAD_U } from '../abi';
import { arg, ptr } from './params';
import { al64, uPlaneBytes } from './winograd';
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

// Six vectors G·(g0 … g4) to dst + k·ds, from g_k at src + k·ss.
@inline function gColumn(src: usize, ss: usize, dst: usize, ds: usize): void {
  const g0 = v128.load(src), g1 = v128.load(src + ss), g2 = v128.load(src + 2 * ss);
  const g3 = v128.load(src + 3 * ss), g4 = v128.load(src + 4 * ss);
  const s = f32x4.add(f32x4.add(g0, g2), g4), t = f32x4.add(g1, g3);
  const h = f32x4.add(f32x4.add(g0, f32x4.mul(g2, f32x4.splat(4))), f32x4.mul(g4, f32x4.splat(16)));
  const q = f32x4.add(f32x4.mul(g1, f32x4.splat(2)), f32x4.mul(g3, f32x4.splat(8)));
  const sixth = f32x4.splat(<f32>-1 / 6), twentyFourth = f32x4.splat(<f32>1 / 24);
  v128.store(dst, f32x4.mul(g0, f32x4.splat(0.25)));
  v128.store(dst + ds, f32x4.mul(f32x4.add(s, t), sixth));
  v128.store(dst + 2 * ds, f32x4.mul(f32x4.sub(s, t), sixth));
  v128.store(dst + 3 * ds, f32x4.mul(f32x4.add(h, q), twentyFourth));
  v128.store(dst + 4 * ds, f32x4.mul(f32x4.sub(h, q), twentyFourth));
  v128.store(dst + 5 * ds, g4);
}

// U[ξ] = G g Gᵀ for every filter g (5×5) of w (cout, cin, 5, 5), to CONV_WINOGRAD_U in packAWhole's
// layout, uPlaneBytes apart; threads split the output channels by 4-row panels, the 4 filters of
// a panel being the 4 lanes (as winograd-weights.ts does for 3×3). The taps are gathered lane by
// lane: the transform runs once per weight change.
export function winograd5x5WeightsTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const w = ptr(p, CONV_W), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT), u = ptr(p, CONV_WINOGRAD_U);
  const mPad = paddedRows(cout), kcMax = kcFor(cin), panels = mPad >> 2, plane = uPlaneBytes(cout, cin);
  const taps = al64(ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE)); // 25 vectors
  const t = taps + 25 * 16; // G g: 6 rows of 5 vectors
  for (let pn = part * panels / parts; pn < (part + 1) * panels / parts; pn++) {
    const co = pn << 2;
    for (let ci = 0; ci < cin; ci++) {
      for (let l = 0; l < 4; l++) {
        const live = co + l < cout;
        const f = w + <usize>(((co + l) * cin + ci) * 25) * 4;
        for (let k = 0; k < 25; k++) store<f32>(taps + <usize>(16 * k + 4 * l), live ? load<f32>(f + (<usize>k << 2)) : 0);
      }
      const p0 = ci / kcMax * kcMax, kc = min(kcMax, cin - p0);
      const dst = u + (<usize>p0 * mPad + <usize>co * kc + <usize>(ci - p0) * 4) * 4;
      for (let c = 0; c < 5; c++) gColumn(taps + <usize>c * 16, 80, t + <usize>c * 16, 80);
      for (let i = 0; i < 6; i++) gColumn(t + <usize>i * 80, 16, dst + <usize>(6 * i) * plane, plane);
    }
  }
}

// Y for this part's tiles or output channels (winograd6Task). Blocks rounded up to whole 8-column
// panels of the GEMMs: AlexNet's 196 tiles in 49s left each block a 1-column panel.
export function convWinograd5x5Task(p: usize, part: i32, parts: i32, slot: i32): void {
  winograd6Task(p, part, parts, slot, 2, TB, 8);
}
