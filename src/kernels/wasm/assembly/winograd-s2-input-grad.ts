// Input gradient of a 3×3, stride-2, undilated, ungrouped convolution by the adjoint of
// winograd-s2.ts: its forward computes each 2×2 output tile as Y = Aᵀ [U ⊙ (Bᵀ d B)] A from a
// 5×5 input tile d, so each tile adds B [Σ_co U[ξ] ⊙ (A dY Aᵀ)] Bᵀ to the 5×5 of dx it read, tiles
// 4 inputs apart overlapping by one row and column: 25 GEMMs D[ξ] = U[ξ]ᵀ · M[ξ] with
// M = A dY Aᵀ (winograd-weight-grad.ts's transform), 25 products per channel pair and tile
// against im2col's 36, ±1 coefficients only. With Bᵀ's rows as in winograd-s2.ts, B·(v0 … v4) =
// (v0, v3, v1 − v0 − v2, v4, v2).
// Parameters: the transposed geometry (CONV_X = dY, CONV_CIN its channels, CONV_IH × CONV_IW
// its size; CONV_OUT = dx, CONV_COUT its channels, CONV_OH × CONV_OW its size; CONV_PH, CONV_PW
// the conv's padding) and CONV_WINOGRAD_U = winogradS2WeightsTask's planes of the flipped
// weights (CONV_FLIP): G rot(g) Gᵀ is U with G's rows 0 and 2 swapped, so U[5i + j] is its
// plane 5π(i) + π(j), π swapping 0 and 2.
// Parts split the images, or with CONV_WINOGRAD_BY_CHANNELS (fewer images than threads) dx's
// channels (4-row panels of U); each dx plane is summed by one part, tile row after tile row in
// one order, so results never depend on the split.
import {
  CONV_BATCH, CONV_CIN, CONV_COUT, CONV_IH, CONV_IW, CONV_OH, CONV_OUT, CONV_OW, CONV_PH, CONV_PW, CONV_SCRATCH,
  CONV_SCRATCH_STRIDE, CONV_WINOGRAD_BY_CHANNELS, CONV_WINOGRAD_U, CONV_X,
} from '../abi';
import { gemmCore, gemmScratchBytes, paddedRows, tr0, tr1, tr2, tr3 } from './gemm';
import { gemmUV, UV_MAX_K } from './winograd-gemm';
import { addInto } from './layout';
import { arg, ptr, splitAt } from './params';
import { al64, planeStride, tileCoords, uPlaneBytes } from './winograd';
import { gradTransform } from './winograd-weight-grad';

// Tiles per block: as many whole tile rows of dY as fit in 64, or one longer row.
const TB: i32 = 64;

@inline function tilesAcross(n: i32): i32 { return (n + 1) >> 1; }
// Floats per channel row of M and D: a block's whole tile rows, in cache lines.
@inline function ldOf(p: usize): i32 { return max(TB, (tilesAcross(arg(p, CONV_IW)) + 15) & ~15); }
// Floats per row of a tile row's strip of dx (5 padded rows): its tiles' 4 columns each and
// one more, at least dx's width past the padding, and a vector's room.
@inline function stripCols(p: usize): i32 {
  return (max(4 * tilesAcross(arg(p, CONV_IW)) + 1, arg(p, CONV_OW) + arg(p, CONV_PW)) + 7) & ~3;
}
@inline function perm(i: i32): i32 { return i == 0 ? 2 : i == 2 ? 0 : i; }

// Per-thread scratch: M, D, tile coordinates, 25 vectors of B D Bᵀ, a strip and GEMM packing space.
export function winogradS2InputGradScratchBytes(p: usize, nt: i32): i32 {
  const k = arg(p, CONV_CIN), rows = arg(p, CONV_COUT), ld = ldOf(p);
  return <i32>(25 * (planeStride(k, ld) + planeStride(rows, ld))) + 3 * ld * 4 + 25 * 16 + 5 * stripCols(p) * 4 +
    gemmScratchBytes(k, ld) + 640;
}

// Five vectors B·(v0 … v4) to dst + k·ds.
@inline function bExpand(v0: v128, v1: v128, v2: v128, v3: v128, v4: v128, dst: usize, ds: usize): void {
  v128.store(dst, v0);
  v128.store(dst + ds, v3);
  v128.store(dst + 2 * ds, f32x4.sub(f32x4.sub(v1, v0), v2));
  v128.store(dst + 3 * ds, v4);
  v128.store(dst + 4 * ds, v2);
}

@inline function bColumn(src: usize, ss: usize, dst: usize, ds: usize): void {
  bExpand(v128.load(src), v128.load(src + ss), v128.load(src + 2 * ss), v128.load(src + 3 * ss), v128.load(src + 4 * ss), dst, ds);
}

// Adds B D Bᵀ of `lanes` tiles from tile column tx on (D's planes ds bytes apart from d, one
// tile per lane) into the strip (sc floats a row), through e (25 vectors: row r, column c at 16·(5r + c)).
function addTiles(d: usize, ds: usize, lanes: i32, tx: i32, e: usize, strip: usize, sc: i32): void {
  for (let j = 0; j < 5; j++) bColumn(d + <usize>j * ds, 5 * ds, e + <usize>(16 * j), 80);
  for (let r = 0; r < 5; r++) bColumn(e + <usize>(80 * r), 16, e + <usize>(80 * r), 16);
  for (let r = 0; r < 5; r++) {
    const row = strip + (<usize>(r * sc + 4 * tx) << 2), er = e + <usize>(80 * r);
    if (lanes == 4) {
      // Columns 0 … 3 of the 4 tiles are 16 consecutive values (a transpose); column 4 of tile q
      // falls on column 0 of tile q + 1.
      const c0 = v128.load(er), c1 = v128.load(er, 16), c2 = v128.load(er, 32), c3 = v128.load(er, 48);
      v128.store(row, f32x4.add(v128.load(row), tr0(c0, c1, c2, c3)));
      v128.store(row, f32x4.add(v128.load(row, 16), tr1(c0, c1, c2, c3)), 16);
      v128.store(row, f32x4.add(v128.load(row, 32), tr2(c0, c1, c2, c3)), 32);
      v128.store(row, f32x4.add(v128.load(row, 48), tr3(c0, c1, c2, c3)), 48);
      for (let q = 0; q < 4; q++) {
        const at = row + (<usize>(4 * q + 4) << 2);
        store<f32>(at, load<f32>(at) + load<f32>(er + <usize>(64 + 4 * q)));
      }
    } else {
      for (let q = 0; q < lanes; q++) {
        for (let c = 0; c < 5; c++) {
          const at = row + (<usize>(4 * q + c) << 2);
          store<f32>(at, load<f32>(at) + load<f32>(er + <usize>(16 * c + 4 * q)));
        }
      }
    }
  }
}

// A tile row's strip (padded rows 4·ty … 4·ty + 4) into dx's plane at `out`, within dx. Tile rows
// come in order (ty = 0 first) for each plane: row 4·ty is the one the tile row above wrote (its
// strip's last), so it is added; the others are stored. dx needs no zeroing pass then, except
// rows no tile reads (zeroRowsPast): dx (8 MB for ResNet-20's 16→32 at batch 128) was zeroed,
// then read back by every strip.
function putStrip(strip: usize, sc: i32, ty: i32, out: usize, p: usize): void {
  const ih = arg(p, CONV_OH), iw = arg(p, CONV_OW), ph = arg(p, CONV_PH), pw = arg(p, CONV_PW);
  for (let r = 0; r < 5; r++) {
    const y = 4 * ty + r - ph;
    if (y < 0 || y >= ih) continue;
    const dst = out + (<usize>(y * iw) << 2), src = strip + (<usize>(r * sc + pw) << 2);
    if (r == 0 && ty > 0) addInto(dst, src, iw);
    else memory.copy(dst, src, <usize>iw << 2);
  }
}

// dx's first row past every tile's strip (padded row 4·th), and from it on, zeros in a plane.
@inline function firstRowPast(p: usize): i32 { return min(arg(p, CONV_OH), max(0, 4 * tilesAcross(arg(p, CONV_IH)) + 1 - arg(p, CONV_PH))); }
@inline function zeroRowsPast(p: usize, out: usize): void {
  const iw = arg(p, CONV_OW), y0 = firstRowPast(p);
  memory.fill(out + (<usize>(y0 * iw) << 2), 0, <usize>((arg(p, CONV_OH) - y0) * iw) << 2);
}

// Tile rows per block, and images per block (its whole images, at least one): split by images, parts
// take whole blocks, from the geometry alone, so that 2 threads' parts run serially make 1
// thread's blocks (wherever a block is whole images, as at ResNet-20's shapes) and may be as fine
// as a block: the calling thread then waits at most one block for the worker's last, not an
// eighth of the pass as with 8 parts (0.67 ms of 4.8 at 16 → 32, 32², batch 128).
@inline function blockRows(p: usize): i32 { return max(1, ldOf(p) / tilesAcross(arg(p, CONV_IW))); }
@inline function blockImages(p: usize): i32 { return max(1, blockRows(p) / tilesAcross(arg(p, CONV_IH))); }
export function winogradS2InputGradBlocks(p: usize): i32 { return (arg(p, CONV_BATCH) + blockImages(p) - 1) / blockImages(p); }

export function convWinogradS2InputGradTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const gy = ptr(p, CONV_X), gx = ptr(p, CONV_OUT), k = arg(p, CONV_CIN), rows = arg(p, CONV_COUT);
  const batch = arg(p, CONV_BATCH), oh = arg(p, CONV_IH), ow = arg(p, CONV_IW);
  const byChannels = arg(p, CONV_WINOGRAD_BY_CHANNELS) != 0;
  const c0 = byChannels ? splitAt(rows, parts, part, 4) : 0, c1 = byChannels ? splitAt(rows, parts, part + 1, 4) : rows;
  const n0 = byChannels ? 0 : splitAt(batch, parts, part, blockImages(p)), n1 = byChannels ? batch : splitAt(batch, parts, part + 1, blockImages(p));
  if (c1 <= c0 || n1 <= n0) return;
  const th = tilesAcross(oh), tw = tilesAcross(ow), ld = ldOf(p), sc = stripCols(p);
  const mStride = planeStride(k, ld), dStride = planeStride(rows, ld);
  const u = ptr(p, CONV_WINOGRAD_U), uPlane = uPlaneBytes(rows, k);
  const m = al64(ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE));
  const d = al64(m + 25 * mStride);
  const coords = al64(d + 25 * dStride);
  const e = al64(coords + <usize>(3 * ld) * 4);
  const strip = al64(e + 25 * 16);
  const gs = al64(strip + <usize>(5 * sc) * 4);
  const plane = <usize>(arg(p, CONV_OH) * arg(p, CONV_OW)) * 4;
  for (let n = n0; n < n1; n++) for (let ci = c0; ci < c1; ci++) zeroRowsPast(p, gx + <usize>(n * rows + ci) * plane);
  const perBlock = blockRows(p), end = n1 * th;
  for (let r0 = n0 * th; r0 < end; r0 += perBlock) {
    const nr = min(perBlock, end - r0), nb = nr * tw;
    tileCoords(coords, r0 * tw, nb, th * tw, tw, 2);
    gradTransform(gy, k, oh, ow, coords, nb, m, ld, true);
    for (let xi = 0; xi < 25; xi++) {
      const src = 5 * perm(xi / 5) + perm(xi % 5);
      // M read in place (winograd-gemm.ts) for K ≤ UV_MAX_K, as the forwards' products6: packing it
      // moved as many bytes as the kernel read. ResNet-20's 16→32 (K = 32), batch 128, 1 thread,
      // best CPU time of 5, 3 alternating rounds: 7.15–7.26 ms against 7.69–8.46; 32→64 (K = 64)
      // 5.86–6.45 against 6.04–6.64, a tie (BENCHMARKS.md "The stride-2 input gradient's GEMMs in place").
      const mx = m + <usize>xi * mStride, dx = d + <usize>xi * dStride + (<usize>(c0 * ld) << 2), ux = u + <usize>src * uPlane;
      if (k <= UV_MAX_K) gemmUV(c1 - c0, nb, k, ux, c0, mx, ld, dx, ld);
      else gemmCore(c1 - c0, nb, k, 0, k, false, mx, ld, false, dx, ld, false, 0, gs, ux, paddedRows(rows), c0);
    }
    for (let ci = c0; ci < c1; ci++) {
      for (let t = 0; t < nr; t++) {
        const row = r0 + t, n = row / th, ty = row - n * th;
        memory.fill(strip, 0, <usize>(5 * sc) * 4);
        for (let tx = 0; tx < tw; tx += 4) {
          addTiles(d + (<usize>(ci * ld + t * tw + tx) << 2), dStride, min(4, tw - tx), tx, e, strip, sc);
        }
        putStrip(strip, sc, ty, gx + <usize>(n * rows + ci) * plane, p);
      }
    }
  }
}
