// Strided 2-D convolutions forward (stride > 1, undilated) as GEMMs over a polyphase copy of
// the input. Packing im2col columns straight from a strided input solves bounds and gathers every
// (sh·sw)-th input for each tap and output row: with short output rows (ResNet-20's 16- and 8-wide)
// that packing took half the forward's time. Instead each image is first split into its sh·sw
// phases, zero-padded:
//   Q[c, a, b, i, j] = xpad[c, i·sh + a, j·sw + b]    (a < min(sh, kh), b < min(sw, kw))
// so that tap (ky, kx) at output (oy, ox) reads Q[c, ky % sh, kx % sw, oy + ky / sh, ox + kx / sw].
// Computing wq ≥ ow columns per output row ("wide" positions j = oy·wq + ox), every im2col row
// becomes one contiguous run of its phase plane, packed two vectors per panel row with no bounds;
// the GEMM's wide columns past ow are dropped when the block is copied out. The sums are the
// im2col path's, in the same order: results are equal to it, whatever the thread count.
// Threads split the wide positions (16 at a time) or, as the im2col task, the output channels;
// each fills the phase rows its positions read. The im2col gradient tasks (conv.ts) use the same
// planes for stride 2 across: im2colByPhases and its adjoint col2imByPhases.
import { gemmScratchBytes, kcFor, macroKernel, MC, NR, packA, paddedRows } from './gemm';
import { copyRun, im2colRows, splitsChannels } from './conv';
import { CONV_BATCH, CONV_C, CONV_CIN, CONV_COUT, CONV_DH, CONV_DW, CONV_GROUPS, CONV_IH, CONV_IW, CONV_KH, CONV_KW, CONV_OH, CONV_OUT, CONV_OW, CONV_PACKED_W, CONV_PH, CONV_PW, CONV_SCRATCH, CONV_SCRATCH_STRIDE, CONV_SH, CONV_SW, CONV_W, CONV_X } from '../abi';
import { arg, ptr, splitOutputs } from './params';

// Wide columns per GEMM block: the block's output (channels × this) waits in scratch for its
// copy-out, and its packed columns (K × this) stay in L2 while each row of them is filled.
const WIDE_COLS: i32 = 256;

// Phase-plane sizes: rows hq and columns wq read by the oh × ow outputs, and the plane stride in
// floats; a panel row reads up to 7 lanes and (kw − 1)/sw taps past its plane's last valid
// position, into a zeroed gap.
@inline function phaseRows(p: usize): i32 { return arg(p, CONV_OH) + (arg(p, CONV_KH) - 1) / arg(p, CONV_SH); }
@inline function phaseCols(p: usize): i32 { return arg(p, CONV_OW) + (arg(p, CONV_KW) - 1) / arg(p, CONV_SW); }
@inline function planeGap(p: usize): i32 { return (NR + (arg(p, CONV_KW) - 1) / arg(p, CONV_SW) + 3) & ~3; }
@inline function phaseStride(p: usize): i32 { return phaseRows(p) * phaseCols(p) + planeGap(p); }
// Phase planes of one image-group: channels × phases used.
@inline function phasePlanes(p: usize): i32 {
  return (arg(p, CONV_CIN) / arg(p, CONV_GROUPS)) * min(arg(p, CONV_SH), arg(p, CONV_KH)) * min(arg(p, CONV_SW), arg(p, CONV_KW));
}

// Phase rows [q0, q1) of every plane of xg (cg, h, w) for sw = 2 and kw ≥ 2, by input rows:
// input column ix lands in phase (ix + pw) & 1, column (ix + pw) >> 1, so 8 inputs split into
// 4 for each phase by two shuffles. Only inputs are written: the padding stays as zeroed at the
// task's start (the same entries for every image). im2colRows solved bounds per phase row
// segment instead, which cost more than the copy for 17-wide rows.
function fillPhasesW2(xg: usize, cg: i32, h: i32, w: i32, sh: i32, ph: i32, pw: i32, pa: i32, wq: i32, q0: i32, q1: i32,
  stride: i32, q: usize): void {
  const ixEnd = min(w, 2 * wq - pw);
  for (let c = 0; c < cg; c++) {
    for (let a = 0; a < pa; a++) {
      const plane0 = q + <usize>((c * pa + a) * 2 * stride) * 4, plane1 = plane0 + <usize>stride * 4;
      for (let i = q0; i < q1; i++) {
        const iy = i * sh + a - ph;
        if (iy < 0 || iy >= h) continue;
        const src = xg + <usize>((c * h + iy) * w) * 4;
        const d0 = plane0 + <usize>(i * wq) * 4, d1 = plane1 + <usize>(i * wq) * 4;
        let ix = 0;
        // Vectors start where ix + pw is even: their evens go to phase 0, their odds to phase 1.
        if ((pw & 1) != 0 && ixEnd > 0) {
          store<f32>(d1 + (<usize>(pw >> 1) << 2), load<f32>(src));
          ix = 1;
        }
        for (; ix + 8 <= ixEnd; ix += 8) {
          const v0 = v128.load(src + (<usize>ix << 2)), v1 = v128.load(src + (<usize>ix << 2), 16);
          const col = <usize>((ix + pw) >> 1) << 2;
          v128.store(d0 + col, i32x4.shuffle(v0, v1, 0, 2, 4, 6));
          v128.store(d1 + col, i32x4.shuffle(v0, v1, 1, 3, 5, 7));
        }
        for (; ix < ixEnd; ix++) {
          const d = ((ix + pw) & 1) != 0 ? d1 : d0;
          store<f32>(d + (<usize>((ix + pw) >> 1) << 2), load<f32>(src + (<usize>ix << 2)));
        }
      }
    }
  }
}

// Whether im2colByPhases serves a conv: stride 2 across, undilated, at least 2 taps across.
@inline export function phasesServe(p: usize): bool {
  return arg(p, CONV_SW) == 2 && arg(p, CONV_KW) >= 2 && arg(p, CONV_DH) == 1 && arg(p, CONV_DW) == 1;
}

// Floats of phase planes per input channel that im2colByPhases needs (phases × hq × wq).
export function phaseFloatsPerChannel(p: usize): i32 {
  return min(arg(p, CONV_SH), arg(p, CONV_KH)) * 2 * phaseRows(p) * phaseCols(p);
}

// dst (nc·kh·kw × oh·ow, row stride ldd) = the im2col rows of channels [c0, c0+nc) of xg, for
// convs phasesServe: the channels split into phase planes at q (nc·phaseFloatsPerChannel floats,
// zeroed by the caller before its first call: only inputs are written), then each row copied as
// oh contiguous runs of ow. im2colRows gathers every other input per run and solves its bounds,
// which took most of ResNet-20's stride-2 weight gradients.
export function im2colByPhases(xg: usize, c0: i32, nc: i32, p: usize, q: usize, dst: usize, ldd: i32): void {
  const h = arg(p, CONV_IH), w = arg(p, CONV_IW), oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const kh = arg(p, CONV_KH), kw = arg(p, CONV_KW), sh = arg(p, CONV_SH);
  const hq = phaseRows(p), wq = phaseCols(p), pa = min(sh, kh), plane = hq * wq;
  fillPhasesW2(xg + <usize>(c0 * h * w) * 4, nc, h, w, sh, arg(p, CONV_PH), arg(p, CONV_PW), pa, wq, 0, hq, plane, q);
  const khw = kh * kw;
  for (let r = 0; r < nc * khw; r++) {
    const c = r / khw, ky = (r % khw) / kw, kx = r % kw;
    let src = q + <usize>(((c * pa + ky % sh) * 2 + (kx & 1)) * plane + (ky / sh) * wq + (kx >> 1)) * 4;
    let out = dst + <usize>(r * ldd) * 4;
    for (let oy = 0; oy < oh; oy++) {
      copyRun(out, src, ow);
      src += <usize>wq * 4;
      out += <usize>ow * 4;
    }
  }
}

// The adjoint of im2colByPhases: gxg's channels [c0, c0+nc) (of gxg (C, H, W)) = col2im of src
// (nc·kh·kw × oh·ow). Each row adds oh contiguous runs into its phase plane at q (zeroed here;
// nc·phaseFloatsPerChannel floats), in row order as col2imRows adds them into gx, so the sums are
// the same; the planes then interleave into gx, every other input taking the other column phase.
export function col2imByPhases(src: usize, c0: i32, nc: i32, p: usize, q: usize, gxg: usize): void {
  const h = arg(p, CONV_IH), w = arg(p, CONV_IW), oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const kh = arg(p, CONV_KH), kw = arg(p, CONV_KW), sh = arg(p, CONV_SH), ph = arg(p, CONV_PH), pw = arg(p, CONV_PW);
  const hq = phaseRows(p), wq = phaseCols(p), pa = min(sh, kh), plane = hq * wq;
  memory.fill(q, 0, <usize>(nc * phaseFloatsPerChannel(p)) * 4);
  const khw = kh * kw, s = oh * ow;
  for (let r = 0; r < nc * khw; r++) {
    const c = r / khw, ky = (r % khw) / kw, kx = r % kw;
    let dst = q + <usize>(((c * pa + ky % sh) * 2 + (kx & 1)) * plane + (ky / sh) * wq + (kx >> 1)) * 4;
    let g = src + <usize>(r * s) * 4;
    for (let oy = 0; oy < oh; oy++) {
      let ox = 0;
      for (; ox + 4 <= ow; ox += 4) {
        const o = <usize>ox << 2;
        v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(g + o)));
      }
      for (; ox < ow; ox++) {
        const o = <usize>ox << 2;
        store<f32>(dst + o, load<f32>(dst + o) + load<f32>(g + o));
      }
      dst += <usize>wq * 4;
      g += <usize>ow * 4;
    }
  }
  // Input column ix holds phase (ix + pw) & 1, column (ix + pw) >> 1 (none past 2·wq − pw); rows
  // of phases the kernel never reaches (a ≥ pa) or past the planes get no gradient.
  const ixEnd = min(w, 2 * wq - pw);
  for (let c = 0; c < nc; c++) {
    for (let iy = 0; iy < h; iy++) {
      const a = (iy + ph) % sh, i = (iy + ph) / sh;
      const out = gxg + <usize>(((c0 + c) * h + iy) * w) * 4;
      if (a >= pa || i >= hq) {
        memory.fill(out, 0, <usize>w * 4);
        continue;
      }
      const q0 = q + <usize>(((c * pa + a) * 2) * plane + i * wq) * 4, q1 = q0 + <usize>plane * 4;
      let ix = 0;
      if ((pw & 1) != 0 && ixEnd > 0) {
        store<f32>(out, load<f32>(q1 + (<usize>(pw >> 1) << 2)));
        ix = 1;
      }
      for (; ix + 8 <= ixEnd; ix += 8) {
        const col = <usize>((ix + pw) >> 1) << 2;
        const v0 = v128.load(q0 + col), v1 = v128.load(q1 + col);
        v128.store(out + (<usize>ix << 2), i32x4.shuffle(v0, v1, 0, 4, 1, 5));
        v128.store(out + (<usize>ix << 2), i32x4.shuffle(v0, v1, 2, 6, 3, 7), 16);
      }
      for (; ix < ixEnd; ix++) {
        const from = ((ix + pw) & 1) != 0 ? q1 : q0;
        store<f32>(out + (<usize>ix << 2), load<f32>(from + (<usize>((ix + pw) >> 1) << 2)));
      }
      for (; ix < w; ix++) store<f32>(out + (<usize>ix << 2), 0);
    }
  }
}

// The GEMM's B operand for wide positions [j0, j0+nc) and im2col rows [p0, p0+kc), packed into
// NR-wide panels (packB's layout) from the phase planes at q. Lanes past nc get the positions
// that follow (dropped with the other wide columns).
function packPhaseB(q: usize, p0: i32, kc: i32, j0: i32, nc: i32, kh: i32, kw: i32, sh: i32, sw: i32, wq: i32,
  stride: i32, dst: usize): void {
  const khw = kh * kw, pa = min(sh, kh), pb = min(sw, kw);
  const panelStride = <usize>kc * NR * 4;
  const panels = (nc + NR - 1) / NR;
  for (let r = 0; r < kc; r++) {
    const rr = p0 + r;
    const c = rr / khw, ky = (rr % khw) / kw, kx = rr % kw;
    const plane = ((c * pa + ky % sh) * pb + kx % sw) * stride;
    let src = q + <usize>(plane + (ky / sh) * wq + kx / sw + j0) * 4;
    let out = dst + (<usize>r * NR) * 4;
    for (let k = 0; k < panels; k++) {
      v128.store(out, v128.load(src));
      v128.store(out, v128.load(src, 16), 16);
      src += NR * 4;
      out += panelStride;
    }
  }
}

// out rows (mg, positions) = the valid columns of a block of wide columns [j0, j0+nc) held in
// blk (mg × nc): each output row's first ow of every wq. Each run is solved once for all rows
// (runs are short: 8 or 16 floats in ResNet-20).
function copyOut(blk: usize, mg: i32, nc: i32, j0: i32, wq: i32, ow: i32, out: usize, s: i32): void {
  let oy = j0 / wq, ox = j0 - oy * wq, j = 0;
  const ls = <usize>s * 4, lb = <usize>nc * 4;
  while (j < nc) {
    const run = min(wq - ox, nc - j);
    const valid = min(ow - ox, run);
    if (valid > 0) {
      let src = blk + <usize>j * 4, dst = out + <usize>(oy * ow + ox) * 4;
      for (let i = 0; i < mg; i++) {
        copyRun(dst, src, valid);
        src += lb;
        dst += ls;
      }
    }
    j += run;
    ox = 0;
    oy++;
  }
}

// Scratch bytes one thread needs: the GEMM's packing, a block of wide output columns and one
// image-group's phase planes.
export function polyphaseScratchBytes(p: usize, nt: i32): i32 {
  const kg = (arg(p, CONV_CIN) / arg(p, CONV_GROUPS)) * arg(p, CONV_KH) * arg(p, CONV_KW);
  const mg = arg(p, CONV_COUT) / arg(p, CONV_GROUPS);
  const cols = min(WIDE_COLS, (arg(p, CONV_OH) * phaseCols(p) + NR - 1) & ~(NR - 1));
  return gemmScratchBytes(kg, cols) + ((mg * cols * 4 + 63) & ~63) + phasePlanes(p) * phaseStride(p) * 4 + 64;
}

// out (N, Cout, OH·OW) = w_g · im2col(x_n,g) (+ bias), by the phase planes, for this thread's
// wide positions or output channels.
export function convPolyphaseTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const x = ptr(p, CONV_X), wt = ptr(p, CONV_W), bias = ptr(p, CONV_C), out = ptr(p, CONV_OUT);
  const batch = arg(p, CONV_BATCH), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT), groups = arg(p, CONV_GROUPS);
  const h = arg(p, CONV_IH), w = arg(p, CONV_IW), oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const kh = arg(p, CONV_KH), kw = arg(p, CONV_KW), sh = arg(p, CONV_SH), sw = arg(p, CONV_SW);
  const s = oh * ow, hq = phaseRows(p), wq = phaseCols(p), stride = phaseStride(p), planes = phasePlanes(p);
  const sWide = oh * wq;
  const cg = cin / groups, mg = cout / groups, kg = cg * kh * kw;
  // With the weights packed once (apre), parts splitting the positions repeat no packing, while
  // parts splitting the channels each fill all the phase rows and pack all the columns again
  // (ResNet-18's 128 → 256 at 14², batch 1: 2 such parts did 4–10% more work than 1 thread):
  // channels then only where positions are too few to keep each part's GEMM 64 columns wide.
  const apre = ptr(p, CONV_PACKED_W), apreRows = paddedRows(mg);
  const byChannels = splitsChannels(mg, s) && (apre == 0 || sWide < 64 * parts);
  const split = splitOutputs(byChannels, mg, sWide, 16, parts, part);
  const m0 = i32x4.extract_lane(split, 0), m1 = i32x4.extract_lane(split, 1);
  const j0 = i32x4.extract_lane(split, 2), j1 = i32x4.extract_lane(split, 3);
  if (j1 <= j0 || m1 <= m0) return;
  const mp = m1 - m0;
  const kcMax = kcFor(kg);
  const cols = min(WIDE_COLS, (sWide + NR - 1) & ~(NR - 1));
  const scratch = ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE);
  const tile = scratch, apack = scratch + 256;
  const bpack = apack + <usize>(MC * kcMax) * 4;
  const blk = scratch + <usize>gemmScratchBytes(kg, cols);
  const q = blk + ((<usize>(mg * cols) * 4 + 63) & ~63);
  // The phase rows these positions read (their last panel's extra lanes included).
  const reach = ((kh - 1) / sh) * wq + (kw - 1) / sw;
  const q0 = j0 / wq, q1 = min(hq, (j0 + ((j1 - j0 + NR - 1) & ~(NR - 1)) - 1 + reach) / wq + 1);
  // Zeroed once: the gaps after each plane, which catch what runs past a plane's end, and for
  // fillPhasesW2, the padding entries of the rows it fills.
  const byRows = sw == 2 && kw >= 2;
  for (let i = 0; i < planes; i++) {
    const plane = q + <usize>(i * stride) * 4;
    if (byRows) memory.fill(plane + <usize>(q0 * wq) * 4, 0, <usize>((q1 - q0) * wq) * 4);
    memory.fill(plane + <usize>(hq * wq) * 4, 0, <usize>planeGap(p) * 4);
  }
  // Without wide columns to drop (wq = ow: 1×1 kernels, kw ≤ sw), the GEMM writes out directly.
  const direct = wq == ow;
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      const xg = x + <usize>((n * cin + g * cg) * h * w) * 4;
      if (byRows) fillPhasesW2(xg, cg, h, w, sh, arg(p, CONV_PH), arg(p, CONV_PW), min(sh, kh), wq, q0, q1, stride, q);
      else {
        im2colRows(xg, 0, planes, h, w, hq, wq, min(sh, kh), min(sw, kw), sh, sw, arg(p, CONV_PH), arg(p, CONV_PW), 1, 1,
          q0 * wq, (q1 - q0) * wq, q + <usize>(q0 * wq) * 4, stride);
      }
      const row = g * mg + m0;
      const c = out + <usize>((n * cout + row) * s) * 4;
      const bg = bias != 0 ? bias + <usize>row * 4 : 0;
      const wg = wt + <usize>(row * kg) * 4;
      for (let jb = j0; jb < j1; jb += cols) {
        const nc = min(cols, j1 - jb);
        for (let p0 = 0; p0 < kg; p0 += kcMax) {
          const kc = min(kcMax, kg - p0);
          packPhaseB(q, p0, kc, jb, nc, kh, kw, sh, sw, wq, stride, bpack);
          const mode = p0 > 0 ? 1 : 0;
          for (let i0 = 0; i0 < mp; i0 += MC) {
            const mc = min(MC, mp - i0);
            let ap = apack;
            if (apre != 0) ap = apre + (<usize>p0 * apreRows + <usize>(m0 + i0) * kc) * 4;
            else packA(wg, kg, false, i0, mc, p0, kc, mp, apack);
            const cc = direct ? c + (<usize>i0 * s + jb) * 4 : blk + <usize>(i0 * nc) * 4;
            macroKernel(ap, bpack, mc, nc, kc, cc, direct ? s : nc, mode, mode == 0 && bg != 0 ? bg + (<usize>i0 << 2) : 0, tile);
          }
        }
        if (!direct) copyOut(blk, mp, nc, jb, wq, ow, c, s);
      }
    }
  }
}
