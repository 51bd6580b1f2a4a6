// The weight transform of the Winograd forwards on kernels wider than 3: U[ξ] = G g Gᵀ for every
// filter g (r×r) of w (cout, cin, r, r), α rows of G: F(2×2, 5×5)'s on 6×6 tiles (winograd5x5.ts)
//   G = [¼ 0 0 0 0; −⅙(1 1 1 1 1); −⅙(1 −1 1 −1 1); 1⁄24(1 2 4 8 16); 1⁄24(1 −2 4 −8 16); 0 0 0 0 1]
// (checked numerically against the direct sums with winograd6.ts's Bᵀ and side-2 Aᵀ), and the
// 7×7-tile forwards' (winograd7.ts's gColumn7): F(3×3, 5×5) and F(4×4, 4×4) (winograd4x4.ts).
import { kcFor, paddedRows } from './gemm';
import { CONV_CIN, CONV_COUT, CONV_SCRATCH, CONV_SCRATCH_STRIDE, CONV_W, CONV_WINOGRAD_U } from '../abi';
import { arg, ptr } from './params';
import { al64, uPlaneBytes } from './winograd';
import { gColumn7 } from './winograd7';

// Six vectors G·(g0 … g4) to dst + k·ds, from g_k at src + k·ss.
@inline function gColumn6(src: usize, ss: usize, dst: usize, ds: usize): void {
  const g0 = v128.load(src), g1 = v128.load(src + ss), g2 = v128.load(src + 2 * ss), g3 = v128.load(src + 3 * ss);
  const g4 = v128.load(src + 4 * ss);
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

// α vectors G·(g0 … g_{r−1}) (α = 6: r = 5; α = 7: r = 5 or 4).
@inline function gColumn(alpha: i32, r: i32, src: usize, ss: usize, dst: usize, ds: usize): void {
  if (alpha == 7) gColumn7(r, src, ss, dst, ds);
  else gColumn6(src, ss, dst, ds);
}

// U[ξ] for r×r filters, to CONV_WINOGRAD_U in packAWhole's layout, uPlaneBytes apart; threads
// split the output channels by 4-row panels, the 4 filters of a panel being the 4 lanes (as
// winograd-weights.ts does for 3×3). The taps are gathered lane by lane: the transform runs once
// per weight change.
@inline function wideWeightsTask(p: usize, part: i32, parts: i32, slot: i32, r: i32, alpha: i32): void {
  const w = ptr(p, CONV_W), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT), u = ptr(p, CONV_WINOGRAD_U);
  const mPad = paddedRows(cout), kcMax = kcFor(cin), panels = mPad >> 2, plane = uPlaneBytes(cout, cin);
  const n = r * r, rs = <usize>(16 * r);
  const taps = al64(ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE)); // r² vectors
  const t = taps + <usize>n * 16; // G g: α rows of r vectors
  for (let pn = part * panels / parts; pn < (part + 1) * panels / parts; pn++) {
    const co = pn << 2;
    for (let ci = 0; ci < cin; ci++) {
      for (let l = 0; l < 4; l++) {
        const live = co + l < cout;
        const f = w + <usize>(((co + l) * cin + ci) * n) * 4;
        for (let k = 0; k < n; k++) store<f32>(taps + <usize>(16 * k + 4 * l), live ? load<f32>(f + (<usize>k << 2)) : 0);
      }
      const p0 = ci / kcMax * kcMax, kc = min(kcMax, cin - p0);
      const dst = u + (<usize>p0 * mPad + <usize>co * kc + <usize>(ci - p0) * 4) * 4;
      for (let c = 0; c < r; c++) gColumn(alpha, r, taps + <usize>c * 16, rs, t + <usize>c * 16, rs);
      for (let i = 0; i < alpha; i++) gColumn(alpha, r, t + <usize>i * rs, 16, dst + <usize>(alpha * i) * plane, plane);
    }
  }
}

/** F(2×2, 5×5)'s 36 planes (winograd5x5.ts). */
export function winograd5x5WeightsTask(p: usize, part: i32, parts: i32, slot: i32): void {
  wideWeightsTask(p, part, parts, slot, 5, 6);
}

/** F(3×3, 5×5)'s 49 planes (winograd7.ts). */
export function winograd7WeightsTask(p: usize, part: i32, parts: i32, slot: i32): void {
  wideWeightsTask(p, part, parts, slot, 5, 7);
}

/** F(4×4, 4×4)'s 49 planes (winograd4x4.ts). */
export function winograd4x4WeightsTask(p: usize, part: i32, parts: i32, slot: i32): void {
  wideWeightsTask(p, part, parts, slot, 4, 7);
}
