// winograd-s2.ts's own steps of the Winograd weight gradient (winograd-weight-grad.ts runs them,
// with winograd-s2.ts's input transform): its forward computes each 2×2 output tile of a 3×3
// stride-2 conv as Y = Aᵀ [(G g Gᵀ) ⊙ V] A over a 5×5 input tile, so the gradient of U[ξ] sums
// M[ξ] · V[ξ] over the tiles with M = A dY Aᵀ (5×5 from a 2×2 output-gradient tile), and
// gw = Gᵀ D G for D the summed 5×5 planes. With winograd-s2.ts's
//   A = [1 0; 1 1; 0 1; 1 0; 0 1]   Gᵀ = [1 1 0 0 0; 0 0 0 1 1; 0 1 1 0 0]
// 25 products per channel pair and tile of 4 outputs, against im2col's 36; ±1 coefficients only.

// The rows of M = A dY Aᵀ for four tiles (a lane each) of dY = [a b; c d]: A dY has the rows
// [a, b], [a + c, b + d], [c, d], [a, b], [c, d], each [s, t] of which times Aᵀ is
// [s, s + t, t, s, t]; row i to ξ = 5i … 5i + 4 (ms bytes apart), all lanes or lane 0 of one.
export function gradRowsS2(dst: usize, ms: usize, tiles: i32, a: v128, b: v128, c: v128, d: v128): void {
  gradRow(dst, ms, tiles, a, b);
  gradRow(dst + 5 * ms, ms, tiles, f32x4.add(a, c), f32x4.add(b, d));
  gradRow(dst + 10 * ms, ms, tiles, c, d);
  gradRow(dst + 15 * ms, ms, tiles, a, b);
  gradRow(dst + 20 * ms, ms, tiles, c, d);
}

@inline function gradRow(dst: usize, ms: usize, tiles: i32, s: v128, t: v128): void {
  const st = f32x4.add(s, t);
  if (tiles == 4) {
    v128.store(dst, s); v128.store(dst + ms, st); v128.store(dst + 2 * ms, t);
    v128.store(dst + 3 * ms, s); v128.store(dst + 4 * ms, t);
  } else {
    const s0 = f32x4.extract_lane(s, 0), t0 = f32x4.extract_lane(t, 0);
    store<f32>(dst, s0); store<f32>(dst + ms, f32x4.extract_lane(st, 0)); store<f32>(dst + 2 * ms, t0);
    store<f32>(dst + 3 * ms, s0); store<f32>(dst + 4 * ms, t0);
  }
}

// gw's 9 taps (16 bytes per tap, 4 channel pairs a vector) from the 25 summed planes of D at d
// (16 bytes per plane ξ = 5i + j): rows of Gᵀ D, then each times G; Gᵀ's rows take r0 + r1,
// r3 + r4 and r1 + r2 of (r0 … r4).
export function weightGradS2(d: usize, out: usize): void {
  for (let j = 0; j < 5; j++) {
    const r0 = v128.load(d + <usize>(16 * j)), r1 = v128.load(d + <usize>(16 * (5 + j))), r2 = v128.load(d + <usize>(16 * (10 + j)));
    const r3 = v128.load(d + <usize>(16 * (15 + j))), r4 = v128.load(d + <usize>(16 * (20 + j)));
    // Gᵀ D in place: row 0 to plane j, row 1 to 5 + j, row 2 to 10 + j.
    v128.store(d + <usize>(16 * j), f32x4.add(r0, r1));
    v128.store(d + <usize>(16 * (5 + j)), f32x4.add(r3, r4));
    v128.store(d + <usize>(16 * (10 + j)), f32x4.add(r1, r2));
  }
  for (let i = 0; i < 3; i++) {
    const row = d + <usize>(80 * i);
    const e0 = v128.load(row), e1 = v128.load(row, 16), e2 = v128.load(row, 32), e3 = v128.load(row, 48), e4 = v128.load(row, 64);
    v128.store(out + <usize>(48 * i), f32x4.add(e0, e1));
    v128.store(out + <usize>(48 * i), f32x4.add(e3, e4), 16);
    v128.store(out + <usize>(48 * i), f32x4.add(e1, e2), 32);
  }
}
