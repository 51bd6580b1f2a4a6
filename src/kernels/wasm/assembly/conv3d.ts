// 3-D convolution (volumes, hyperspectral cubes) as GEMMs over vol2col columns. A vol2col row
// (c, kz, ky, kx) is, for each output depth oz, the 2-D im2col row (ky, kx) of input plane
// (c, oz·sd − pd + kz·dd), or zeros where that plane is padding: the 2-D row builders do the rest.
// Columns are built for chunks of output planes, so scratch stays bounded whatever the volume;
// the chunk depends on the shape alone, never on the thread count (the weight gradient sums chunk
// by chunk, and results must not depend on how many threads ran).
//   forward: threads split (image, group, chunk) units, whose outputs are disjoint;
//   backward input / weight: input channels (weight: vol2col rows when fewer channels than threads).
import { col2imRows, im2colRows } from './conv';
import { gemmCore, gemmScratchBytes } from './gemm';
import { CONV_C, CONV_OUT, CONV_W, CONV_X, VOL_BATCH, VOL_CIN, VOL_COUT, VOL_DD, VOL_DH, VOL_DW, VOL_GROUPS, VOL_ID, VOL_IH, VOL_IW, VOL_KD, VOL_KH, VOL_KW, VOL_OD, VOL_OH, VOL_OW, VOL_PD, VOL_PH, VOL_PW, VOL_SCRATCH, VOL_SCRATCH_STRIDE, VOL_SD, VOL_SH, VOL_SW } from '../abi';
import { arg, ptr, splitAt } from './params';

// The parameter block: pointers as CONV_X … CONV_OUT, then the VOL_* slots of ../abi.ts.

// Floats of one vol2col chunk (kg rows × chunk positions), at least one output plane.
const CHUNK_FLOATS: i32 = 1 << 20;

@inline function kernelVolume(p: usize): i32 { return arg(p, VOL_KD) * arg(p, VOL_KH) * arg(p, VOL_KW); }
@inline function rowsPerGroup(p: usize): i32 { return arg(p, VOL_CIN) / arg(p, VOL_GROUPS) * kernelVolume(p); }

/** Output planes per vol2col chunk. */
@inline function chunkPlanes(p: usize): i32 {
  const perPlane = <i64>rowsPerGroup(p) * arg(p, VOL_OH) * arg(p, VOL_OW);
  return <i32>max<i64>(1, min<i64>(arg(p, VOL_OD), CHUNK_FLOATS / max<i64>(1, perPlane)));
}

@inline function outPlane(p: usize): i32 { return arg(p, VOL_OH) * arg(p, VOL_OW); }
@inline function inVolume(p: usize): i32 { return arg(p, VOL_ID) * arg(p, VOL_IH) * arg(p, VOL_IW); }

// Scratch bytes one thread needs for any of the three tasks: a chunk of columns and GEMM packing.
@inline function columnBytes(p: usize): i32 { return (rowsPerGroup(p) * chunkPlanes(p) * outPlane(p) * 4 + 63) & ~63; }
export function conv3dScratchBytes(p: usize, nt: i32): i32 {
  const kg = rowsPerGroup(p), mg = arg(p, VOL_COUT) / arg(p, VOL_GROUPS), ns = chunkPlanes(p) * outPlane(p);
  return columnBytes(p) + max(gemmScratchBytes(kg, ns), max(gemmScratchBytes(mg, ns), gemmScratchBytes(ns, kg))) + 64;
}
// This thread's column chunk; its GEMM packing space follows at + columnBytes.
@inline function columns(p: usize, slot: i32): usize { return ptr(p, VOL_SCRATCH) + <usize>slot * ptr(p, VOL_SCRATCH_STRIDE); }

// Walks rows [r0, r0+rows) of one image-group's vol2col matrix over output planes [z0, z0+zn):
// for each (row, plane) it calls `step` with the 2-D tap, the input plane (or −1 for padding) and
// the row segment's float offset in a rows × (zn·oh·ow) matrix.
@inline function volRows(p: usize, r0: i32, rows: i32, z0: i32, zn: i32,
  step: (p: usize, c: i32, tap: i32, iz: i32, at: i32) => void): void {
  const kd = arg(p, VOL_KD), khw = arg(p, VOL_KH) * arg(p, VOL_KW), kvol = kd * khw;
  const id = arg(p, VOL_ID), sd = arg(p, VOL_SD), pd = arg(p, VOL_PD), dd = arg(p, VOL_DD);
  const plane = arg(p, VOL_OH) * arg(p, VOL_OW), ld = zn * plane;
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
  const h = arg(p, VOL_IH), w = arg(p, VOL_IW), oh = arg(p, VOL_OH), ow = arg(p, VOL_OW);
  const out = vDst + (<usize>at << 2);
  if (iz < 0) {
    memory.fill(out, 0, <usize>(oh * ow) << 2);
    return;
  }
  const src = vSrc + <usize>((c * arg(p, VOL_ID) + iz) * h * w) * 4;
  im2colRows(src, tap, 1, h, w, oh, ow, arg(p, VOL_KH), arg(p, VOL_KW), arg(p, VOL_SH), arg(p, VOL_SW), arg(p, VOL_PH), arg(p, VOL_PW),
    arg(p, VOL_DH), arg(p, VOL_DW), 0, oh * ow, out, oh * ow);
}

function scatterRow(p: usize, c: i32, tap: i32, iz: i32, at: i32): void {
  if (iz < 0) return;
  const h = arg(p, VOL_IH), w = arg(p, VOL_IW);
  const dst = vDst + <usize>((c * arg(p, VOL_ID) + iz) * h * w) * 4;
  col2imRows(vSrc + (<usize>at << 2), tap, 1, h, w, arg(p, VOL_OH), arg(p, VOL_OW), arg(p, VOL_KH), arg(p, VOL_KW), arg(p, VOL_SH),
    arg(p, VOL_SW), arg(p, VOL_PH), arg(p, VOL_PW), arg(p, VOL_DH), arg(p, VOL_DW), dst);
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
  return arg(p, VOL_BATCH) * arg(p, VOL_GROUPS) * ((arg(p, VOL_OD) + zc - 1) / zc);
}

// out (N, Cout, OD·OH·OW) = w_g (Cout/g, Kg) · vol2col(x_n,g) (+ bias), for this part's units.
export function conv3dForwardTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const x = ptr(p, CONV_X), wt = ptr(p, CONV_W), bias = ptr(p, CONV_C), out = ptr(p, CONV_OUT);
  const cin = arg(p, VOL_CIN), cout = arg(p, VOL_COUT), groups = arg(p, VOL_GROUPS), od = arg(p, VOL_OD), plane = outPlane(p);
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
  const gy = ptr(p, CONV_X), wt = ptr(p, CONV_W), gx = ptr(p, CONV_C);
  const cin = arg(p, VOL_CIN), cg = cin / arg(p, VOL_GROUPS), mg = arg(p, VOL_COUT) / arg(p, VOL_GROUPS), kg = rowsPerGroup(p), kvol = kernelVolume(p);
  const inVol = inVolume(p), od = arg(p, VOL_OD), plane = outPlane(p), s = od * plane, zc = chunkPlanes(p);
  const c0 = splitAt(cin, parts, part, 1), c1 = splitAt(cin, parts, part + 1, 1);
  if (c1 <= c0) return;
  const gcol = columns(p, slot), gemmScratch = gcol + columnBytes(p);
  for (let n = 0; n < arg(p, VOL_BATCH); n++) {
    memory.fill(gx + <usize>((n * cin + c0) * inVol) * 4, 0, <usize>((c1 - c0) * inVol) * 4);
    for (let ci = c0; ci < c1;) {
      const g = ci / cg, a = ci - g * cg, bEnd = min(cg, c1 - g * cg);
      const rows = (bEnd - a) * kvol;
      // op(A) = w_gᵀ: rows (a·kvol …) of a (Kg × Mg) view of w_g stored (Mg, Kg).
      const aPtr = wt + <usize>(g * mg * kg + a * kvol) * 4;
      for (let z0 = 0; z0 < od; z0 += zc) {
        const zn = min(zc, od - z0), ns = zn * plane;
        const bPtr = gy + (<usize>(n * arg(p, VOL_COUT) + g * mg) * s + <usize>(z0 * plane)) * 4;
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
  const x = ptr(p, CONV_X), gy = ptr(p, CONV_W), gw = ptr(p, CONV_C);
  const cin = arg(p, VOL_CIN), cout = arg(p, VOL_COUT), groups = arg(p, VOL_GROUPS), cg = cin / groups, mg = cout / groups;
  const kg = rowsPerGroup(p), kvol = kernelVolume(p), od = arg(p, VOL_OD), plane = outPlane(p), s = od * plane;
  const zc = chunkPlanes(p);
  const col = columns(p, slot), gemmScratch = col + columnBytes(p);
  const byRows = groups == 1 && cin < parts;
  const lo = byRows ? splitAt(kg, parts, part, 1) : splitAt(cin, parts, part, 1) * kvol;
  const hi = byRows ? splitAt(kg, parts, part + 1, 1) : splitAt(cin, parts, part + 1, 1) * kvol;
  if (hi <= lo) return;
  for (let n = 0; n < arg(p, VOL_BATCH); n++) {
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
