// The weight transform of both Winograd forward kernels: U[ξ] = G g Gᵀ for every filter g (3×3) of
// w (cout, cin, 3, 3), written to CONV_WINOGRAD_U in packAWhole's layout, uPlaneBytes apart;
// threads split the output channels by 4-row panels. The 4 filters of a panel are the 4 lanes, so
// each U[ξ] gets one 16-byte store per input channel, in order: sequential streams (one scalar
// store per filter and plane ran ~10× slower, thrashing cache and TLB). The 9 taps of the 4
// filters come in as 8 vector loads transposed in registers plus 4 scalars (filterTaps; a
// lane-by-lane gather cost 3/4 of the transform: 1.6 ms of 384→256's 6.5 ms).
// With flip, filter (co, ci) is w's filter (ci, co) rotated by 180°: the backward-input conv.
import { CONV_CIN, CONV_COUT, CONV_FLIP, CONV_SCRATCH, CONV_SCRATCH_STRIDE, CONV_W, CONV_WINOGRAD_U } from '../abi';
import { kcFor, paddedRows } from './gemm';
import { arg, ptr } from './params';
import { al64, filterTaps, uPlaneBytes, weights2 } from './winograd';
import { weights4 } from './winograd4';
import { weights42 } from './winograd42';
import { gColumn9 } from './winograd4-s2';

// `planes` (16, 36, 24 or 81: the tile) is a constant at each call site: each task is the loop with its
// own transform inlined.
@inline function weightsTask(p: usize, part: i32, parts: i32, slot: i32, planes: i32): void {
  const w = ptr(p, CONV_W), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT), flip = arg(p, CONV_FLIP) != 0, u = ptr(p, CONV_WINOGRAD_U);
  const mPad = paddedRows(cout), kcMax = kcFor(cin);
  const panels = mPad >> 2;
  const plane = uPlaneBytes(cout, cin);
  // Bytes between the filters of lanes l and l + 1, and between input channels ci and ci + 1.
  const laneStep: usize = flip ? 36 : <usize>cin * 36, ciStep: usize = flip ? <usize>cout * 36 : 36;
  const taps = al64(ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE)); // 9 vectors
  for (let pn = part * panels / parts; pn < (part + 1) * panels / parts; pn++) {
    const co = pn << 2;
    let f = w + <usize>co * laneStep;
    for (let ci = 0; ci < cin; ci++) {
      const p0 = ci / kcMax * kcMax, kc = min(kcMax, cin - p0);
      const dst = u + (<usize>p0 * mPad + <usize>co * kc + <usize>(ci - p0) * 4) * 4;
      filterTaps(f, laneStep, min(4, cout - co), flip, taps);
      f += ciStep;
      if (planes == 36) weights4(taps, dst, plane, taps + 144);
      else if (planes == 24) weights42(taps, dst, plane, taps + 144);
      else if (planes == 81) weights4S2(taps, dst, plane, taps + 144);
      else weights2(taps, dst, plane);
    }
  }
}

// U[ξ] (81 planes, `plane` bytes apart) = G̃ g G̃ᵀ of the stride-2 4×4 tiles (winograd4-s2.ts) for
// the 4 filters of a panel: G̃ g through `t` (9 rows of 3 vectors), each row then times G̃ᵀ.
@inline function weights4S2(taps: usize, dst: usize, plane: usize, t: usize): void {
  for (let c = 0; c < 3; c++) gColumn9(taps + <usize>c * 16, 48, t + <usize>c * 16, 48);
  for (let i = 0; i < 9; i++) gColumn9(t + <usize>i * 48, 16, dst + <usize>(9 * i) * plane, plane);
}

/** F(2×2, 3×3)'s 16 planes (winograd.ts). */
export function winogradWeightsTask(p: usize, part: i32, parts: i32, slot: i32): void {
  weightsTask(p, part, parts, slot, 16);
}

/** F(4×4, 3×3)'s 36 planes (winograd4.ts); its scratch holds G g after the taps. */
export function winograd4WeightsTask(p: usize, part: i32, parts: i32, slot: i32): void {
  weightsTask(p, part, parts, slot, 36);
}

/** F(4×2, 3×3)'s 24 planes (winograd42.ts); its scratch holds G₆ g after the taps. */
export function winograd42WeightsTask(p: usize, part: i32, parts: i32, slot: i32): void {
  weightsTask(p, part, parts, slot, 24);
}

/** The stride-2 4×4 tiles' 81 planes (winograd4-s2.ts); its scratch holds G̃ g after the taps. */
export function winograd4S2WeightsTask(p: usize, part: i32, parts: i32, slot: i32): void {
  weightsTask(p, part, parts, slot, 81);
}
