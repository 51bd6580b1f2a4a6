// F(4×4, 3×3)'s own steps of the Winograd weight gradient (winograd-weight-grad.ts runs them, and
// the input transform of winograd6.ts): the forward computes Y = Aᵀ [U ⊙ V] A with U = G g Gᵀ, so
// the gradient of U[ξ] sums M[ξ] · V[ξ] over the tiles with M = A dY Aᵀ (6×6, from a 4×4 output-
// gradient tile), and gw = Gᵀ D G for D the summed 6×6 planes. With winograd6.ts's A (side 4)
// and winograd4.ts's G:
//   A = [1 0 0 0; 1 1 1 1; 1 −1 1 −1; 1 2 4 8; 1 −2 4 −8; 0 0 0 1]
//   Gᵀ = [¼ −⅙ −⅙ 1⁄24 1⁄24 0; 0 −⅙ ⅙ 1⁄12 −1⁄12 0; 0 −⅙ −⅙ ⅙ ⅙ 1]
// 36 products per channel pair and tile of 16 outputs, against F(2×2)'s 16 per 4.
import { CONV_BATCH, CONV_OH, CONV_OW } from '../abi';
import { madd, tr0, tr1, tr2, tr3 } from './gemm';
import { arg } from './params';
import { planeStride, sameRow } from './winograd';
import { coord, groupAt } from './winograd6';

// Six vectors A·(y0 … y3) to dst + k·ds (all loads done by the caller: in place is safe).
@inline function aExpand(y0: v128, y1: v128, y2: v128, y3: v128, dst: usize, ds: usize): void {
  const e = f32x4.add(y0, y2), o = f32x4.add(y1, y3);
  const four = f32x4.splat(4);
  const e4 = madd(four, y2, y0), o4 = f32x4.mul(f32x4.splat(2), madd(four, y3, y1));
  v128.store(dst, y0);
  v128.store(dst + ds, f32x4.add(e, o));
  v128.store(dst + 2 * ds, f32x4.sub(e, o));
  v128.store(dst + 3 * ds, f32x4.add(e4, o4));
  v128.store(dst + 4 * ds, f32x4.sub(e4, o4));
  v128.store(dst + 5 * ds, y3);
}

@inline function aColumn(src: usize, ss: usize, dst: usize, ds: usize): void {
  aExpand(v128.load(src), v128.load(src + ss), v128.load(src + 2 * ss), v128.load(src + 3 * ss), dst, ds);
}

// M[ξ][co][b] (ξ = 6i + j, planes planeStride(cout, ld) apart, tile b of channel co at
// m + (co·ld + b)·4) = A dY Aᵀ for tiles b < nb (coords of side 4), zeros past the output's edge.
// Four tiles at once, one per lane, through the group's 6×6 vectors d (row r, column c at
// 16·(6r + c)): dY A ᵀ along its 4 rows, then A down the 6 columns. Lanes past a group's tiles
// store columns that later groups (or the next channel's row, or the spare line) overwrite.
// A group of 1–3 tiles of one row inside the output (a row's last tiles, 2 of 14 at 56²; a
// step's first or last tiles) takes the whole-vector path too: its rows' 16 values run on past
// its tiles into gy's next values (never past gy's end), transformed into those spare columns.
// At W2's 64 → 64 at 56², batch 8 (rows of 14 tiles, steps of 16), this transform's samples (node
// --prof, 1 thread) against the GEMM kernel's went from 0.30 to 0.22.
export function gradTransform4(p: usize, gy: usize, cout: i32, coords: usize, nb: i32, m: usize, ld: i32, d: usize): void {
  const oh = arg(p, CONV_OH), ow = arg(p, CONV_OW), tw = (ow + 3) >> 2;
  const ms = planeStride(cout, ld), outPlane = <usize>(oh * ow) * 4, rs = <usize>ow * 4;
  const end = gy + <usize>(arg(p, CONV_BATCH) * cout) * outPlane;
  for (let co = 0; co < cout; co++) {
    let b = 0;
    while (b < nb) {
      const lanes = groupAt(coords, b, nb, tw, 4);
      const oy0 = coord(coords, b, 1), ox0 = coord(coords, b, 2);
      const src = gy + <usize>(coord(coords, b, 0) * cout + co) * outPlane + (<usize>(oy0 * ow + ox0) << 2);
      if (oy0 + 4 <= oh && ox0 + 4 * lanes <= ow && sameRow(coords, b, 4, lanes - 1) && src + 3 * rs + 64 <= end) {
        // Row r of the 4 tiles: 16 consecutive values, tile k's column c at 4k + c (a transpose).
        for (let r = 0; r < 4; r++) {
          const s = src + <usize>r * rs;
          const y0 = v128.load(s), y1 = v128.load(s, 16), y2 = v128.load(s, 32), y3 = v128.load(s, 48);
          aExpand(tr0(y0, y1, y2, y3), tr1(y0, y1, y2, y3), tr2(y0, y1, y2, y3), tr3(y0, y1, y2, y3), d + <usize>(96 * r), 16);
        }
      } else {
        for (let k = 0; k < 4; k++) {
          const n = k < lanes ? coord(coords, b + k, 0) : 0, oy = k < lanes ? coord(coords, b + k, 1) : oh;
          const ox = k < lanes ? coord(coords, b + k, 2) : ow;
          const src = gy + <usize>(n * cout + co) * outPlane + (<usize>(oy * ow + ox) << 2);
          for (let r = 0; r < 4; r++) {
            for (let c = 0; c < 4; c++) {
              const inside = oy + r < oh && ox + c < ow;
              store<f32>(d + <usize>(96 * r + 16 * c + 4 * k), inside ? load<f32>(src + <usize>r * rs + (<usize>c << 2)) : 0);
            }
          }
        }
        for (let r = 0; r < 4; r++) aColumn(d + <usize>(96 * r), 16, d + <usize>(96 * r), 16);
      }
      const dst = m + (<usize>(co * ld + b) << 2);
      for (let j = 0; j < 6; j++) aColumn(d + <usize>(16 * j), 96, dst + <usize>j * ms, 6 * ms);
      b += lanes;
    }
  }
}

// Three vectors Gᵀ·(d0 … d5) to dst + k·ds, from d_k at src + k·ss (in place when they coincide).
@inline function gtColumn(src: usize, ss: usize, dst: usize, ds: usize): void {
  const d0 = v128.load(src), d1 = v128.load(src + ss), d2 = v128.load(src + 2 * ss);
  const d3 = v128.load(src + 3 * ss), d4 = v128.load(src + 4 * ss), d5 = v128.load(src + 5 * ss);
  const s = f32x4.mul(f32x4.add(d1, d2), f32x4.splat(<f32>-1 / 6)), t = f32x4.add(d3, d4);
  v128.store(dst, f32x4.add(f32x4.add(f32x4.mul(d0, f32x4.splat(0.25)), s), f32x4.mul(t, f32x4.splat(<f32>1 / 24))));
  v128.store(dst + ds, f32x4.add(f32x4.mul(f32x4.sub(d1, d2), f32x4.splat(<f32>-1 / 6)),
    f32x4.mul(f32x4.sub(d3, d4), f32x4.splat(<f32>1 / 12))));
  v128.store(dst + 2 * ds, f32x4.add(f32x4.add(s, f32x4.mul(t, f32x4.splat(<f32>1 / 6))), d5));
}

// The 9 taps Gᵀ D G of 4 channel pairs (one per lane) from D's 36 vectors at d (ξ = 6i + j at
// 16ξ; overwritten), to out (16 bytes per tap).
export function weightGrad4(d: usize, out: usize): void {
  for (let j = 0; j < 6; j++) gtColumn(d + <usize>(16 * j), 96, d + <usize>(16 * j), 96);
  for (let r = 0; r < 3; r++) gtColumn(d + <usize>(96 * r), 16, out + <usize>(48 * r), 16);
}
