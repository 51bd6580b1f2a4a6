// F(4×4, 3×3)'s own steps of the Winograd weight gradient (winograd-weight-grad.ts runs them, and
// the input transform of winograd6.ts): the forward computes Y = Aᵀ [U ⊙ V] A with U = G g Gᵀ, so
// the gradient of U[ξ] sums M[ξ] · V[ξ] over the tiles with M = A dY Aᵀ (6×6, from a 4×4 output-
// gradient tile), and gw = Gᵀ D G for D the summed 6×6 planes. With winograd6.ts's A (side 4)
// and winograd4.ts's G:
//   A = [1 0 0 0; 1 1 1 1; 1 −1 1 −1; 1 2 4 8; 1 −2 4 −8; 0 0 0 1]
//   Gᵀ = [¼ −⅙ −⅙ 1⁄24 1⁄24 0; 0 −⅙ ⅙ 1⁄12 −1⁄12 0; 0 −⅙ −⅙ ⅙ ⅙ 1]
// 36 products per channel pair and tile of 16 outputs, against F(2×2)'s 16 per 4.
import { CONV_OH, CONV_OW } from '../abi';
import { madd, tr0, tr1, tr2, tr3 } from './gemm';
import { arg } from './params';
import { planeStride } from './winograd';
import { coord, touchBlock } from './winograd6';

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

/** Bytes of gradTransform4's table for steps of ld tiles: each tile's place, each group's whole flag. */
export function gradTableBytes(ld: i32): i32 { return (ld + (ld >> 2)) * 4; }

// M[ξ][co][b] (ξ = 6i + j, planes planeStride(cout, ld) apart, tile b of channel co at
// m + (co·ld + b)·4) = A dY Aᵀ for tiles b < nb (coords of side 4), zeros past the output's edge.
// Four consecutive tiles at once, one per lane, wherever they lie (rows of 2 tiles, a step's
// tiles running on into the next row or image), through the group's 6×6 vectors d (row r, column
// c at 16·(6r + c)): dY Aᵀ along its 4 rows, then A down the 6 columns. A group whose tiles all lie
// inside the output loads each tile's row as one vector and transposes the 4 tiles' rows; lanes
// past nb repeat the group's last tile into columns past nb, which nothing reads (nb + 3 < ld: b
// and ld are multiples of 4). Tiles past the edge are gathered value by value. Where each tile starts in
// channel 0 and which groups are whole, the table (gradTableBytes) holds for all the channels.
// The whole-vector path once took only 4 tiles of one row, and rows of 2 tiles (ResNet-20's 8²
// maps) all went value by value: 64→64 at 8², batch 128, by F(4×4), this transform 11% of a CPU
// profile's samples against the forward's output transform's 5% (the GEMM kernel: 17% each).
export function gradTransform4(p: usize, gy: usize, cout: i32, coords: usize, nb: i32, m: usize, ld: i32, d: usize, table: usize): void {
  const oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const ms = planeStride(cout, ld), outPlane = <usize>(oh * ow) * 4, rs = <usize>ow * 4;
  const flags = table + (<usize>ld << 2);
  touchBlock(gy, cout, 0, cout, coords, nb, oh, ow, 0, 1, 4, oh, d);
  for (let b = 0; b < nb; b += 4) {
    let whole = true;
    for (let k = 0; k < 4; k++) {
      const t = b + min(k, nb - 1 - b);
      whole = whole && coord(coords, t, 1) + 4 <= oh && coord(coords, t, 2) + 4 <= ow;
      store<u32>(table + (<usize>(b + k) << 2), <u32>(<usize>(coord(coords, t, 0) * cout) * outPlane +
        (<usize>(coord(coords, t, 1) * ow + coord(coords, t, 2)) << 2)));
    }
    store<i32>(flags + <usize>b, whole ? 1 : 0);
  }
  for (let co = 0; co < cout; co++) {
    const plane = gy + <usize>co * outPlane;
    for (let b = 0; b < nb; b += 4) {
      const at = table + (<usize>b << 2);
      const s0 = plane + <usize>load<u32>(at), s1 = plane + <usize>load<u32>(at, 4);
      const s2 = plane + <usize>load<u32>(at, 8), s3 = plane + <usize>load<u32>(at, 12);
      if (load<i32>(flags + <usize>b)) {
        for (let r = 0; r < 4; r++) {
          const o = <usize>r * rs;
          const y0 = v128.load(s0 + o), y1 = v128.load(s1 + o), y2 = v128.load(s2 + o), y3 = v128.load(s3 + o);
          aExpand(tr0(y0, y1, y2, y3), tr1(y0, y1, y2, y3), tr2(y0, y1, y2, y3), tr3(y0, y1, y2, y3), d + <usize>(96 * r), 16);
        }
      } else {
        edgeGroup(coords, b, min(4, nb - b), oh, ow, s0, s1, s2, s3, d);
      }
      const dst = m + (<usize>(co * ld + b) << 2);
      for (let j = 0; j < 6; j++) aColumn(d + <usize>(16 * j), 96, dst + <usize>j * ms, 6 * ms);
    }
  }
}

// dY Aᵀ of a group with tiles past the output's edge: its `lanes` tiles (at s0 … s3) gathered
// value by value into d, zeros past the edge and in the lanes past the group's tiles.
function edgeGroup(coords: usize, b: i32, lanes: i32, oh: i32, ow: i32, s0: usize, s1: usize, s2: usize, s3: usize, d: usize): void {
  const rs = <usize>ow * 4;
  for (let k = 0; k < 4; k++) {
    const live = k < lanes, oy = live ? coord(coords, b + k, 1) : oh, ox = live ? coord(coords, b + k, 2) : ow;
    const src = k == 0 ? s0 : k == 1 ? s1 : k == 2 ? s2 : s3;
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 4; c++) {
        const inside = oy + r < oh && ox + c < ow;
        store<f32>(d + <usize>(96 * r + 16 * c + 4 * k), inside ? load<f32>(src + <usize>r * rs + (<usize>c << 2)) : 0);
      }
    }
  }
  for (let r = 0; r < 4; r++) aColumn(d + <usize>(96 * r), 16, d + <usize>(96 * r), 16);
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
