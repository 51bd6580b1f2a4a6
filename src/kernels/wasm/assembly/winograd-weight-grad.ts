// Weight gradient of a 3×3, stride-1, undilated, ungrouped convolution by Winograd F(2×2, 3×3).
// The forward pass computes each 2×2 output tile as Y = Aᵀ [U ⊙ V] A with U = G g Gᵀ and
// V = Bᵀ d B (see winograd.ts), so the gradient of U[ξ] sums (A dY Aᵀ)[ξ] · V[ξ] over all tiles,
// 16 GEMMs (cout × tiles) · (tiles × cin) with the tiles as the long K side, and gw = Gᵀ dU G:
// 16 products per channel pair and tile instead of 36.
// Tiles go in chunks of the same size whatever the thread count (results must not depend on it):
//   winogradGradTransformTask: V and M = A dY Aᵀ of the chunk's tiles (threads split tiles);
//   winogradGradGemmTask: dU[ξ] (+)= M[ξ] · V[ξ]ᵀ (threads split ξ: each sum stays in one thread);
//   winogradGradFinish (one thread, after the last chunk): gw = Gᵀ dU G.
import {
  CONV_BATCH, CONV_C, CONV_CIN, CONV_COUT, CONV_GRAD_BASE, CONV_GRAD_FIRST, CONV_GRAD_LD, CONV_GRAD_TILES, CONV_IH,
  CONV_IW, CONV_OH, CONV_OW, CONV_PH, CONV_PW, CONV_SCRATCH, CONV_SCRATCH_STRIDE, CONV_W, CONV_X,
} from '../abi';
import { gemmCore, gemmScratchBytes } from './gemm';
import { arg, ptr, splitAt } from './params';
import { al64, inputTransform, paddedPlaneBytes, planeStride, sameRow, TB, tileCoords } from './winograd';

// Floats of one chunk's transforms (V and M): bounds memory whatever the batch and image size.
const CHUNK_FLOATS: i32 = 1 << 21;

/** Tiles per chunk: a multiple of TB, at most all of them. */
export function winogradGradChunk(p: usize): i32 {
  const tiles = arg(p, CONV_BATCH) * ((arg(p, CONV_OH) + 1) >> 1) * ((arg(p, CONV_OW) + 1) >> 1);
  const per = 16 * (arg(p, CONV_CIN) + arg(p, CONV_COUT));
  return min(tiles, max(TB, CHUNK_FLOATS / per / TB * TB));
}

// The shared block at CONV_GRAD_BASE: V (16 planes of cin × ld), M (16 of cout × ld), dU (16 · cout × cin).
@inline function vBytes(p: usize): usize { return al64(16 * planeStride(arg(p, CONV_CIN), arg(p, CONV_GRAD_LD))); }
@inline function mBytes(p: usize): usize { return al64(16 * planeStride(arg(p, CONV_COUT), arg(p, CONV_GRAD_LD))); }

/** Bytes of the shared block (CONV_GRAD_LD set). */
export function winogradGradBytes(p: usize): i32 {
  return <i32>(vBytes(p) + mBytes(p) + al64(<usize>(16 * arg(p, CONV_COUT) * arg(p, CONV_CIN)) * 4));
}

/** Scratch bytes per thread: tile coordinates and a padded input plane, or GEMM packing space. */
export function winogradGradScratchBytes(p: usize): i32 {
  return max(3 * TB * 4 + 64 + paddedPlaneBytes(p), gemmScratchBytes(arg(p, CONV_GRAD_LD), arg(p, CONV_CIN))) + 128;
}

export function winogradGradTransformTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const x = ptr(p, CONV_X), gy = ptr(p, CONV_W), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT);
  const h = arg(p, CONV_IH), w = arg(p, CONV_IW), oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const ld = arg(p, CONV_GRAD_LD), first = arg(p, CONV_GRAD_FIRST), count = arg(p, CONV_GRAD_TILES);
  const tw = (ow + 1) >> 1, tiles = ((oh + 1) >> 1) * tw;
  const v = ptr(p, CONV_GRAD_BASE), m = v + vBytes(p);
  const coords = al64(ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE));
  const b0 = splitAt(count, parts, part, 4), b1 = splitAt(count, parts, part + 1, 4);
  for (let blk = b0; blk < b1; blk += TB) {
    const nb = min(TB, b1 - blk);
    tileCoords(coords, first + blk, nb, tiles, tw);
    // Tile b of the block is column blk + b of the chunk.
    inputTransform(p, x, cin, coords, nb, v + (<usize>blk << 2), ld, al64(coords + <usize>(3 * TB) * 4));
    gradTransform(gy, cout, oh, ow, coords, nb, m + (<usize>blk << 2), ld);
  }
}

// M[ξ][co][b] = A dY Aᵀ for the 2×2 output-gradient tiles (zeros past the output's edge): with
// rows r = A dY = [a, b], [a + c, b + d], [a − c, b − d], [−c, −d], each row [s, t] becomes
// [s, s + t, s − t, −t]. Four tiles of a row at once where they lie inside the output.
function gradTransform(gy: usize, cout: i32, oh: i32, ow: i32, coords: usize, nb: i32, m: usize, ld: i32): void {
  const ms = planeStride(cout, ld), outPlane = <usize>(oh * ow) * 4;
  for (let co = 0; co < cout; co++) {
    let b = 0;
    while (b < nb) {
      const n = load<i32>(coords + (<usize>(3 * b) << 2));
      const oy = load<i32>(coords + (<usize>(3 * b + 1) << 2)), ox = load<i32>(coords + (<usize>(3 * b + 2) << 2));
      const src = gy + <usize>(n * cout + co) * outPlane + (<usize>(oy * ow + ox) << 2);
      const dst = m + (<usize>(co * ld + b) << 2);
      let a: v128, bb: v128, c: v128, d: v128, step = 1;
      if (b + 4 <= nb && oy + 2 <= oh && ox + 8 <= ow && sameRow(coords, b)) {
        const r0 = v128.load(src), r1 = v128.load(src, 16);
        const s0 = v128.load(src + <usize>ow * 4), s1 = v128.load(src + <usize>ow * 4, 16);
        a = i32x4.shuffle(r0, r1, 0, 2, 4, 6); bb = i32x4.shuffle(r0, r1, 1, 3, 5, 7);
        c = i32x4.shuffle(s0, s1, 0, 2, 4, 6); d = i32x4.shuffle(s0, s1, 1, 3, 5, 7);
        step = 4;
      } else {
        const right = ox + 1 < ow, below = oy + 1 < oh;
        a = f32x4.splat(load<f32>(src));
        bb = f32x4.splat(right ? load<f32>(src, 4) : 0);
        c = f32x4.splat(below ? load<f32>(src + <usize>ow * 4) : 0);
        d = f32x4.splat(right && below ? load<f32>(src + <usize>ow * 4, 4) : 0);
      }
      storeRow(dst, ms, step, a, bb);
      storeRow(dst + 4 * ms, ms, step, f32x4.add(a, c), f32x4.add(bb, d));
      storeRow(dst + 8 * ms, ms, step, f32x4.sub(a, c), f32x4.sub(bb, d));
      storeRow(dst + 12 * ms, ms, step, f32x4.neg(c), f32x4.neg(d));
      b += step;
    }
  }
}

// Row [s, s + t, s − t, −t] of M at ξ = 4i … 4i + 3 (ms bytes apart): 4 tiles' lanes, or lane 0 of one.
@inline function storeRow(dst: usize, ms: usize, tiles: i32, s: v128, t: v128): void {
  const q1 = f32x4.add(s, t), q2 = f32x4.sub(s, t), q3 = f32x4.neg(t);
  if (tiles == 4) {
    v128.store(dst, s); v128.store(dst + ms, q1); v128.store(dst + 2 * ms, q2); v128.store(dst + 3 * ms, q3);
  } else {
    store<f32>(dst, f32x4.extract_lane(s, 0)); store<f32>(dst + ms, f32x4.extract_lane(q1, 0));
    store<f32>(dst + 2 * ms, f32x4.extract_lane(q2, 0)); store<f32>(dst + 3 * ms, f32x4.extract_lane(q3, 0));
  }
}

export function winogradGradGemmTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT), ld = arg(p, CONV_GRAD_LD);
  const v = ptr(p, CONV_GRAD_BASE), m = v + vBytes(p), du = m + mBytes(p);
  const scratch = al64(ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE));
  const accumulate = arg(p, CONV_GRAD_FIRST) > 0;
  for (let xi = splitAt(16, parts, part, 1); xi < splitAt(16, parts, part + 1, 1); xi++) {
    gemmCore(cout, cin, arg(p, CONV_GRAD_TILES), m + <usize>xi * planeStride(cout, ld), ld, false,
      v + <usize>xi * planeStride(cin, ld), ld, true, du + <usize>(xi * cout * cin) * 4, cin, accumulate, 0, scratch);
  }
}

// gw(co, ci) = Gᵀ dU G, Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1]: rows r of Gᵀ D, then each r G.
export function winogradGradFinish(p: usize): void {
  const cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT), gw = ptr(p, CONV_C);
  const du = ptr(p, CONV_GRAD_BASE) + vBytes(p) + mBytes(p), plane = <usize>(cout * cin) * 4;
  const half = f32x4.splat(0.5);
  for (let k = 0; k < cout * cin; k++) {
    const at = du + (<usize>k << 2);
    const d0 = f32x4(load<f32>(at), load<f32>(at + plane), load<f32>(at + 2 * plane), load<f32>(at + 3 * plane));
    const d1 = f32x4(load<f32>(at + 4 * plane), load<f32>(at + 5 * plane), load<f32>(at + 6 * plane), load<f32>(at + 7 * plane));
    const d2 = f32x4(load<f32>(at + 8 * plane), load<f32>(at + 9 * plane), load<f32>(at + 10 * plane), load<f32>(at + 11 * plane));
    const d3 = f32x4(load<f32>(at + 12 * plane), load<f32>(at + 13 * plane), load<f32>(at + 14 * plane), load<f32>(at + 15 * plane));
    const sum = f32x4.mul(half, f32x4.add(d1, d2));
    const r0 = f32x4.add(d0, sum), r1 = f32x4.mul(half, f32x4.sub(d1, d2)), r2 = f32x4.add(sum, d3);
    const out = gw + <usize>k * 36;
    finishRow(out, r0);
    finishRow(out + 12, r1);
    finishRow(out + 24, r2);
  }
}

// [r0 + ½(r1 + r2), ½(r1 − r2), ½(r1 + r2) + r3] for a row r of Gᵀ D.
@inline function finishRow(out: usize, r: v128): void {
  const r0 = f32x4.extract_lane(r, 0), r1 = f32x4.extract_lane(r, 1), r2 = f32x4.extract_lane(r, 2);
  const r3 = f32x4.extract_lane(r, 3);
  const s: f32 = 0.5 * (r1 + r2);
  store<f32>(out, r0 + s);
  store<f32>(out, 0.5 * (r1 - r2), 4);
  store<f32>(out, s + r3, 8);
}
