// 3-D convolution (volumes, hyperspectral cubes) as GEMMs over vol2col columns. A vol2col row
// (c, kz, ky, kx) is, for each output depth oz, the 2-D im2col row (ky, kx) of input plane
// (c, oz·sd − pd + kz·dd), or zeros where that plane is padding: the 2-D row builders do the rest.
// Columns are built for chunks of output planes, so scratch stays bounded whatever the volume;
// the chunk depends on the shape alone, never on the thread count (the weight gradient sums chunk
// by chunk, and results must not depend on how many threads ran).
//   forward: threads split (image, group, chunk) units, whose outputs are disjoint;
//   backward input / weight: input channels (weight: vol2col rows when fewer channels than threads).
import { col2imRows, im2colRows, splitAt } from './conv';
import { gemmCore, gemmScratchBytes } from './gemm';

// Parameter block (u32 slots): 0 x|gy, 1 w|gy, 2 bias|gx|gw, 3 out, 4 batch, 5 cin, 6 cout,
// 7 groups, 8 id, 9 ih, 10 iw, 11 od, 12 oh, 13 ow, 14 kd, 15 kh, 16 kw, 17 sd, 18 sh, 19 sw,
// 20 pd, 21 ph, 22 pw, 23 dd, 24 dh, 25 dw, 26 scratch base, 27 scratch bytes per thread.
@inline function arg(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function ptr(p: usize, i: i32): usize { return <usize>load<u32>(p + (<usize>i << 2)); }

// Floats of one vol2col chunk (kg rows × chunk positions), at least one output plane.
const CHUNK_FLOATS: i32 = 1 << 20;

@inline function kernelVolume(p: usize): i32 { return arg(p, 14) * arg(p, 15) * arg(p, 16); }
@inline function rowsPerGroup(p: usize): i32 { return arg(p, 5) / arg(p, 7) * kernelVolume(p); }

/** Output planes per vol2col chunk. */
@inline function chunkPlanes(p: usize): i32 {
  const perPlane = <i64>rowsPerGroup(p) * arg(p, 12) * arg(p, 13);
  return <i32>max<i64>(1, min<i64>(arg(p, 11), CHUNK_FLOATS / max<i64>(1, perPlane)));
}

@inline function outPlane(p: usize): i32 { return arg(p, 12) * arg(p, 13); }
@inline function inVolume(p: usize): i32 { return arg(p, 8) * arg(p, 9) * arg(p, 10); }

// Scratch bytes one thread needs for any of the three tasks: a chunk of columns and GEMM packing.
@inline function columnBytes(p: usize): i32 { return (rowsPerGroup(p) * chunkPlanes(p) * outPlane(p) * 4 + 63) & ~63; }
export function conv3dScratchBytes(p: usize, nt: i32): i32 {
  const kg = rowsPerGroup(p), mg = arg(p, 6) / arg(p, 7), ns = chunkPlanes(p) * outPlane(p);
  return columnBytes(p) + max(gemmScratchBytes(kg, ns), max(gemmScratchBytes(mg, ns), gemmScratchBytes(ns, kg))) + 64;
}
// This thread's column chunk; its GEMM packing space follows at + columnBytes.
@inline function columns(p: usize, slot: i32): usize { return ptr(p, 26) + <usize>slot * ptr(p, 27); }

// Walks rows [r0, r0+rows) of one image-group's vol2col matrix over output planes [z0, z0+zn):
// for each (row, plane) it calls `step` with the 2-D tap, the input plane (or −1 for padding) and
// the row segment's float offset in a rows × (zn·oh·ow) matrix.
@inline function volRows(p: usize, r0: i32, rows: i32, z0: i32, zn: i32,
  step: (p: usize, c: i32, tap: i32, iz: i32, at: i32) => void): void {
  const kd = arg(p, 14), khw = arg(p, 15) * arg(p, 16), kvol = kd * khw;
  const id = arg(p, 8), sd = arg(p, 17), pd = arg(p, 20), dd = arg(p, 23);
  const plane = arg(p, 12) * arg(p, 13), ld = zn * plane;
  for (let r = 0; r < rows; r++) {
    const rr = r0 + r;
    const c = rr / kvol, t = rr % kvol;
    const kz = t / khw, tap = t % khw;
    for (let z = 0; z < zn; z++) {
      const iz = (z0 + z) * sd - pd + kz * dd;
      step(p, c, tap, iz >= 0 && iz < id ? iz : -1, r * ld + z * plane);
    }
  }
}

// Scratch globals for the row callbacks (AssemblyScript closures cannot capture locals).
let vSrc: usize = 0;
let vDst: usize = 0;

function gatherRow(p: usize, c: i32, tap: i32, iz: i32, at: i32): void {
  const h = arg(p, 9), w = arg(p, 10), oh = arg(p, 12), ow = arg(p, 13);
  const out = vDst + (<usize>at << 2);
  if (iz < 0) {
    memory.fill(out, 0, <usize>(oh * ow) << 2);
    return;
  }
  const src = vSrc + <usize>((c * arg(p, 8) + iz) * h * w) * 4;
  im2colRows(src, tap, 1, h, w, oh, ow, arg(p, 15), arg(p, 16), arg(p, 18), arg(p, 19), arg(p, 21), arg(p, 22),
    arg(p, 24), arg(p, 25), 0, oh * ow, out, oh * ow);
}

function scatterRow(p: usize, c: i32, tap: i32, iz: i32, at: i32): void {
  if (iz < 0) return;
  const h = arg(p, 9), w = arg(p, 10);
  const dst = vDst + <usize>((c * arg(p, 8) + iz) * h * w) * 4;
  col2imRows(vSrc + (<usize>at << 2), tap, 1, h, w, arg(p, 12), arg(p, 13), arg(p, 15), arg(p, 16), arg(p, 18),
    arg(p, 19), arg(p, 21), arg(p, 22), arg(p, 24), arg(p, 25), dst);
}

// dst (rows × zn·oh·ow) = rows [r0, r0+rows) of vol2col(xg) over output planes [z0, z0+zn).
function vol2col(p: usize, xg: usize, r0: i32, rows: i32, z0: i32, zn: i32, dst: usize): void {
  vSrc = xg; vDst = dst;
  volRows(p, r0, rows, z0, zn, gatherRow);
}

// gxg (C, D, H, W) += the adjoint of vol2col for those rows and planes, from src.
function col2vol(p: usize, src: usize, r0: i32, rows: i32, z0: i32, zn: i32, gxg: usize): void {
  vSrc = src; vDst = gxg;
  volRows(p, r0, rows, z0, zn, scatterRow);
}

/** Units the forward task splits: (image, group, chunk of output planes). */
export function conv3dForwardUnits(p: usize): i32 {
  const zc = chunkPlanes(p);
  return arg(p, 4) * arg(p, 7) * ((arg(p, 11) + zc - 1) / zc);
}

// out (N, Cout, OD·OH·OW) = w_g (Cout/g, Kg) · vol2col(x_n,g) (+ bias), for this part's units.
export function conv3dForwardTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const x = ptr(p, 0), wt = ptr(p, 1), bias = ptr(p, 2), out = ptr(p, 3);
  const cin = arg(p, 5), cout = arg(p, 6), groups = arg(p, 7), od = arg(p, 11), plane = outPlane(p);
  const s = od * plane, cg = cin / groups, mg = cout / groups, kg = rowsPerGroup(p);
  const zc = chunkPlanes(p), chunks = (od + zc - 1) / zc;
  const units = conv3dForwardUnits(p);
  const u0 = splitAt(units, parts, part, 1), u1 = splitAt(units, parts, part + 1, 1);
  const col = columns(p, slot), gemmScratch = col + columnBytes(p);
  for (let u = u0; u < u1; u++) {
    const n = u / (groups * chunks), g = u / chunks % groups, z0 = u % chunks * zc;
    const zn = min(zc, od - z0), ns = zn * plane;
    vol2col(p, x + <usize>((n * cin + g * cg) * inVolume(p)) * 4, 0, kg, z0, zn, col);
    gemmCore(mg, ns, kg, wt + <usize>(g * mg * kg) * 4, kg, false, col, ns, false,
      out + (<usize>(n * cout + g * mg) * s + <usize>(z0 * plane)) * 4, s, false,
      bias != 0 ? bias + <usize>(g * mg) * 4 : 0, gemmScratch);
  }
}

// gx (N, Cin, D, H, W) = col2vol(w_gᵀ · gy_n,g), for this part's input channels.
export function conv3dBackwardInputTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const gy = ptr(p, 0), wt = ptr(p, 1), gx = ptr(p, 2);
  const cin = arg(p, 5), cg = cin / arg(p, 7), mg = arg(p, 6) / arg(p, 7), kg = rowsPerGroup(p), kvol = kernelVolume(p);
  const inVol = inVolume(p), od = arg(p, 11), plane = outPlane(p), s = od * plane, zc = chunkPlanes(p);
  const c0 = splitAt(cin, parts, part, 1), c1 = splitAt(cin, parts, part + 1, 1);
  if (c1 <= c0) return;
  const gcol = columns(p, slot), gemmScratch = gcol + columnBytes(p);
  for (let n = 0; n < arg(p, 4); n++) {
    memory.fill(gx + <usize>((n * cin + c0) * inVol) * 4, 0, <usize>((c1 - c0) * inVol) * 4);
    for (let ci = c0; ci < c1;) {
      const g = ci / cg, a = ci - g * cg, bEnd = min(cg, c1 - g * cg);
      const rows = (bEnd - a) * kvol;
      // op(A) = w_gᵀ: rows (a·kvol …) of a (Kg × Mg) view of w_g stored (Mg, Kg).
      const aPtr = wt + <usize>(g * mg * kg + a * kvol) * 4;
      for (let z0 = 0; z0 < od; z0 += zc) {
        const zn = min(zc, od - z0), ns = zn * plane;
        const bPtr = gy + (<usize>(n * arg(p, 6) + g * mg) * s + <usize>(z0 * plane)) * 4;
        gemmCore(rows, ns, mg, aPtr, kg, true, bPtr, s, false, gcol, ns, false, 0, gemmScratch);
        col2vol(p, gcol, a * kvol, rows, z0, zn, gx + <usize>((n * cin + g * cg) * inVol) * 4);
      }
      ci = g * cg + bEnd;
    }
  }
}

// gw (Cout, Cin/g, kd, kh, kw) = Σ_n Σ_chunks gy_n,g · vol2col(x_n,g)ᵀ, for this part's input
// channels, or its vol2col rows when there are fewer input channels than parts (a single-band
// volume's first conv).
export function conv3dBackwardWeightTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const x = ptr(p, 0), gy = ptr(p, 1), gw = ptr(p, 2);
  const cin = arg(p, 5), cout = arg(p, 6), groups = arg(p, 7), cg = cin / groups, mg = cout / groups;
  const kg = rowsPerGroup(p), kvol = kernelVolume(p), od = arg(p, 11), plane = outPlane(p), s = od * plane;
  const zc = chunkPlanes(p);
  const col = columns(p, slot), gemmScratch = col + columnBytes(p);
  const byRows = groups == 1 && cin < parts;
  const lo = byRows ? splitAt(kg, parts, part, 1) : splitAt(cin, parts, part, 1) * kvol;
  const hi = byRows ? splitAt(kg, parts, part + 1, 1) : splitAt(cin, parts, part + 1, 1) * kvol;
  if (hi <= lo) return;
  for (let n = 0; n < arg(p, 4); n++) {
    // Row r of the whole (groups·Kg)-row matrix is row r − g·Kg of group g = r / Kg.
    for (let r = lo; r < hi;) {
      const g = r / kg, a = r - g * kg, rows = min(kg, hi - g * kg) - a;
      const xg = x + <usize>((n * cin + g * cg) * inVolume(p)) * 4;
      for (let z0 = 0; z0 < od; z0 += zc) {
        const zn = min(zc, od - z0), ns = zn * plane;
        vol2col(p, xg, a, rows, z0, zn, col);
        gemmCore(mg, rows, ns, gy + (<usize>(n * cout + g * mg) * s + <usize>(z0 * plane)) * 4, s, false, col, ns, true,
          gw + <usize>(g * mg * kg + a) * 4, kg, n > 0 || z0 > 0, 0, gemmScratch);
      }
      r = g * kg + a + rows;
    }
  }
}
