// 2-D convolution (1-D runs as H = 1) as GEMMs over im2col columns, one thread's share per call.
// Each task splits work so that threads never write the same memory and need no barrier:
//   forward: output spatial positions (column blocks of 16 = 64 bytes), every image and group;
//     or, when a group has more output channels than an image has positions (late ResNet layers
//     at batch 1), output channels: each thread then packs only its share of the weights, which
//     outweigh the columns that every thread packs in full;
//   backward input / weight: input channels, whose gradient rows nobody else touches (weight:
//     im2col rows, i.e. taps, when there are fewer input channels than threads).
import { gemmCore, gemmScratchBytes, kcFor, macroKernel, MC, NC, NR, packA, paddedRows } from './gemm';
import { CONV_BATCH, CONV_C, CONV_CIN, CONV_COUT, CONV_DH, CONV_DW, CONV_GROUPS, CONV_IH, CONV_IW, CONV_KH, CONV_KW, CONV_OH, CONV_OUT, CONV_OW, CONV_PACKED_W, CONV_PH, CONV_PW, CONV_SCRATCH, CONV_SCRATCH_STRIDE, CONV_SH, CONV_SW, CONV_W, CONV_X } from '../abi';
import { arg, ptr, splitAt, splitOutputs } from './params';
import { col2imByPhases, im2colByPhases, phaseFloatsPerChannel, phasesServe } from './polyphase-conv';

// The parameter block: the CONV_* slots of ../abi.ts.

// True when the columns of im2col are the input itself (1×1 kernel, stride 1, no padding).
@inline function isPointwise(p: usize): bool {
  return arg(p, CONV_KH) == 1 && arg(p, CONV_KW) == 1 && arg(p, CONV_SH) == 1 && arg(p, CONV_SW) == 1 &&
    arg(p, CONV_PH) == 0 && arg(p, CONV_PW) == 0 && arg(p, CONV_IH) == arg(p, CONV_OH) && arg(p, CONV_IW) == arg(p, CONV_OW);
}

// Short runs move as vectors: a bulk memory.copy or memory.fill costs ~30 ns whatever its size,
// more than the 10-float rows of LeNet-5's conv2 take to copy (its weight gradient spent most
// of its time there).
@inline export function copyRun(dst: usize, src: usize, n: i32): void {
  if (n >= 32) {
    memory.copy(dst, src, <usize>n << 2);
    return;
  }
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

@inline function zeroRun(dst: usize, n: i32): void {
  if (n >= 32) {
    memory.fill(dst, 0, <usize>n << 2);
    return;
  }
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), f32x4.splat(0));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

// Stride 2: the 4 inputs at q, q + 2, q + 4, q + 6 (floats) in two vector loads. Loads that end
// at q + 7 would reach past a row's last input, and at the end of an input possibly past the
// memory: at a row's end (`back`), they span q − 1 … q + 6 instead.
@inline function evens(q: usize, back: bool): v128 {
  if (back) return i32x4.shuffle(v128.load(q - 4), v128.load(q, 12), 1, 3, 5, 7);
  return i32x4.shuffle(v128.load(q), v128.load(q, 16), 0, 2, 4, 6);
}

// Output columns ox whose input column ox·sw + xoff lies inside the row [0, w): from
// firstInside to endInside (exclusive, at most ow).
@inline function firstInside(xoff: i32, sw: i32): i32 { return xoff >= 0 ? 0 : (-xoff + sw - 1) / sw; }
@inline function endInside(xoff: i32, sw: i32, w: i32, ow: i32): i32 {
  return min(ow, w - 1 - xoff < 0 ? 0 : (w - 1 - xoff) / sw + 1);
}

// dst (rows × ns, row stride ldd): rows [r0, r0+rows) of the im2col matrix of one image-group
// xg (C, H, W), restricted to output positions [s0, s0+ns). Row r is (c, ky, kx); each output
// row segment is a clipped, strided copy of one input row, so bounds are solved once per segment.
export function im2colRows(xg: usize, r0: i32, rows: i32, h: i32, w: i32, oh: i32, ow: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, s0: i32, ns: i32, dst: usize, ldd: i32): void {
  const khw = kh * kw;
  for (let r = 0; r < rows; r++) {
    const rr = r0 + r;
    const c = rr / khw;
    const ky = (rr % khw) / kw;
    const kx = rr % kw;
    const plane = xg + <usize>(c * h * w) * 4;
    const xoff = kx * dw - pw;
    const oxHi = endInside(xoff, sw, w, ow), oxLo = min(firstInside(xoff, sw), oxHi);
    let out = dst + <usize>(r * ldd) * 4;
    let s = s0;
    const end = s0 + ns;
    let oy = s0 / ow;
    let ox0 = s0 - oy * ow;
    while (s < end) {
      const ox1 = min(ow, ox0 + end - s);
      const iy = oy * sh - ph + ky * dh;
      if (iy < 0 || iy >= h) {
        zeroRun(out, ox1 - ox0);
      } else {
        const row = plane + <usize>(iy * w) * 4;
        const a = max(ox0, oxLo), b = min(ox1, oxHi);
        if (a >= b) {
          zeroRun(out, ox1 - ox0);
        } else {
          if (a > ox0) zeroRun(out, a - ox0);
          const o = out + <usize>(a - ox0) * 4;
          if (sw == 1) {
            copyRun(o, row + <usize>(a + xoff) * 4, b - a);
          } else {
            let ox = a;
            // The vector steps need input column ix − 1 (ix = 2·ox + xoff) when not ix + 7.
            if (sw == 2) {
              for (; ox + 4 <= b; ox += 4) {
                const ix = ox * 2 + xoff;
                if (ix + 7 >= w && ix < 1) break;
                v128.store(o + <usize>(ox - a) * 4, evens(row + <usize>ix * 4, ix + 7 >= w));
              }
            }
            for (; ox < b; ox++) store<f32>(o + <usize>(ox - a) * 4, load<f32>(row + <usize>(ox * sw + xoff) * 4));
          }
          if (ox1 > b) zeroRun(out + <usize>(b - ox0) * 4, ox1 - b);
        }
      }
      out += <usize>(ox1 - ox0) * 4;
      s += ox1 - ox0;
      ox0 = 0;
      oy++;
    }
  }
}

// The forward GEMM's B operand packed straight from the image: rows [p0, p0+kc) of im2col(xg)
// × positions [j0, j0+nc) into NR-wide panels (the layout packB produces), with no im2col
// buffer in between. Position jj of the block lands in panel jj/8, lane jj%8.
function packConvB(xg: usize, p0: i32, kc: i32, j0: i32, nc: i32, h: i32, w: i32, ow: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, dst: usize): void {
  const khw = kh * kw;
  const panelStride = <usize>kc * NR * 4;
  const padded = (nc + NR - 1) & ~(NR - 1);
  for (let r = 0; r < kc; r++) {
    const rr = p0 + r;
    const c = rr / khw;
    const ky = (rr % khw) / kw;
    const kx = rr % kw;
    const plane = xg + <usize>(c * h * w) * 4;
    const xoff = kx * dw - pw;
    const oxHi = endInside(xoff, sw, w, ow), oxLo = min(firstInside(xoff, sw), oxHi);
    const rowBase = dst + (<usize>r * NR) * 4;
    let jj = 0;
    // The output position walks row by row: one division per packed row, not per segment.
    let oy = j0 / ow;
    let ox0 = j0 - oy * ow;
    while (jj < nc) {
      const ox1 = min(ow, ox0 + nc - jj);
      const iy = oy * sh - ph + ky * dh;
      const rowOk = iy >= 0 && iy < h;
      const src = plane + <usize>(iy * w) * 4;
      // Three runs per output row: zeros left of the input, copies, zeros right of it. A lane
      // cursor walks the panels (8 lanes, then a jump to the next panel's row r).
      const a = rowOk ? min(max(ox0, oxLo), ox1) : ox1;
      const b = rowOk ? max(min(ox1, oxHi), a) : ox1;
      let lane = jj & (NR - 1);
      let out = rowBase + <usize>(jj >> 3) * panelStride + (<usize>lane << 2);
      const jump = panelStride - NR * 4;
      for (let ox = ox0; ox < a; ox++) {
        store<f32>(out, 0);
        out += 4;
        if (++lane == NR) { lane = 0; out += jump; }
      }
      let q = src + <usize>(a * sw + xoff) * 4;
      const qs = <usize>sw * 4;
      let ox = a;
      while (ox < b) {
        // Contiguous input: whole panel rows as two vector moves, half rows as one; the scalar
        // steps below only realign the lane cursor to a multiple of 4.
        if (sw == 1 && (lane & 3) == 0) {
          if (lane == 0 && ox + NR <= b) {
            v128.store(out, v128.load(q));
            v128.store(out, v128.load(q, 16), 16);
            q += NR * 4;
            ox += NR;
            out += panelStride;
            continue;
          }
          if (ox + 4 <= b) {
            v128.store(out, v128.load(q));
            q += 16;
            ox += 4;
            out += 16;
            lane += 4;
            if (lane == NR) { lane = 0; out += jump; }
            continue;
          }
        }
        // Strides 2 and 4 (stems, downsampling): every 2nd or 4th of 8 or 16 inputs. The loads
        // reach past the last input used, so the run must go on beyond them (the strict <); a
        // stride-2 run's last 4 read backwards instead (evens), unless that is before the row.
        if ((sw == 2 || sw == 4) && (lane & 3) == 0 && (ox + 4 < b || (sw == 2 && ox + 4 == b && ox * 2 + xoff >= 1))) {
          if (sw == 2) {
            v128.store(out, evens(q, ox + 4 == b));
          } else {
            const lo = i32x4.shuffle(v128.load(q), v128.load(q, 16), 0, 4, 0, 4);
            const hi = i32x4.shuffle(v128.load(q, 32), v128.load(q, 48), 0, 4, 0, 4);
            v128.store(out, i32x4.shuffle(lo, hi, 0, 1, 4, 5));
          }
          q += <usize>sw << 4;
          ox += 4;
          out += 16;
          lane += 4;
          if (lane == NR) { lane = 0; out += jump; }
          continue;
        }
        store<f32>(out, load<f32>(q));
        q += qs;
        ox++;
        out += 4;
        if (++lane == NR) { lane = 0; out += jump; }
      }
      for (let z = b; z < ox1; z++) {
        store<f32>(out, 0);
        out += 4;
        if (++lane == NR) { lane = 0; out += jump; }
      }
      jj += ox1 - ox0;
      ox0 = 0;
      oy++;
    }
    // Zero the padding lanes of the last panel.
    for (let z = nc; z < padded; z++) store<f32>(rowBase + <usize>(z >> 3) * panelStride + (<usize>(z & (NR - 1)) << 2), 0);
  }
}

// Columns packed per packConvB call (a multiple of NR).
const PACK_COLS: i32 = 256;

// out_g (mg, positions [s0, s0+ns)) = w_g (mg, kg) · im2col(xg) (+ bias), blocked like gemmCore;
// with apre != 0, w_g's rows are rows [row0, row0 + mg) of the whole packing there (apreRows high).
function convGemm(wg: usize, mg: i32, kg: i32, xg: usize, s0: i32, ns: i32, c: usize, ldc: i32, bias: usize,
  p: usize, scratch: usize, apre: usize, apreRows: i32, row0: i32): void {
  const kcMax = kcFor(kg);
  const tile = scratch;
  const apack = scratch + 256;
  const bpack = apack + <usize>(MC * kcMax) * 4;
  for (let j0 = 0; j0 < ns; j0 += NC) {
    const nc = min(NC, ns - j0);
    for (let p0 = 0; p0 < kg; p0 += kcMax) {
      const kc = min(kcMax, kg - p0);
      // packConvB fills the panels row by row of im2col: one row of a 4096-column block touches
      // 512 cache lines kc·32 bytes apart, far beyond L2, so each line would be fetched again for
      // the next row (ResNet's stem packed 3× slower than it computed). Chunks of PACK_COLS
      // columns keep the lines a chunk touches in L2 until every row has filled them.
      for (let jc = 0; jc < nc; jc += PACK_COLS) {
        packConvB(xg, p0, kc, s0 + j0 + jc, min(PACK_COLS, nc - jc), arg(p, CONV_IH), arg(p, CONV_IW), arg(p, CONV_OW), arg(p, CONV_KH),
          arg(p, CONV_KW), arg(p, CONV_SH), arg(p, CONV_SW), arg(p, CONV_PH), arg(p, CONV_PW), arg(p, CONV_DH), arg(p, CONV_DW),
          bpack + <usize>(jc * kc) * 4);
      }
      const mode = p0 > 0 ? 1 : 0;
      for (let i0 = 0; i0 < mg; i0 += MC) {
        const mc = min(MC, mg - i0);
        const cc = c + (<usize>i0 * ldc + j0) * 4, bb = mode == 0 && bias != 0 ? bias + (<usize>i0 << 2) : 0;
        let ap = apack;
        if (apre != 0) ap = apre + (<usize>p0 * apreRows + <usize>(row0 + i0) * kc) * 4;
        else packA(wg, kg, false, i0, mc, p0, kc, mg, apack);
        macroKernel(ap, bpack, mc, nc, kc, cc, ldc, mode, bb, tile);
      }
    }
  }
}

// The adjoint of im2colRows over all output positions: gxg (C, H, W) += scattered rows of src.
export function col2imRows(src: usize, r0: i32, rows: i32, h: i32, w: i32, oh: i32, ow: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, gxg: usize): void {
  const khw = kh * kw;
  for (let r = 0; r < rows; r++) {
    const rr = r0 + r;
    const c = rr / khw;
    const ky = (rr % khw) / kw;
    const kx = rr % kw;
    const plane = gxg + <usize>(c * h * w) * 4;
    const xoff = kx * dw - pw;
    const oxHi = endInside(xoff, sw, w, ow), oxLo = firstInside(xoff, sw);
    if (oxLo >= oxHi) continue;
    const srow = src + <usize>(r * oh * ow) * 4;
    for (let oy = 0; oy < oh; oy++) {
      const iy = oy * sh - ph + ky * dh;
      if (iy < 0 || iy >= h) continue;
      const row = plane + <usize>(iy * w) * 4;
      const s = srow + <usize>(oy * ow) * 4;
      if (sw == 1) {
        let ox = oxLo;
        for (; ox + 4 <= oxHi; ox += 4) {
          const q = row + <usize>(ox + xoff) * 4;
          v128.store(q, f32x4.add(v128.load(q), v128.load(s + <usize>ox * 4)));
        }
        for (; ox < oxHi; ox++) {
          const q = row + <usize>(ox + xoff) * 4;
          store<f32>(q, load<f32>(q) + load<f32>(s + <usize>ox * 4));
        }
      } else {
        let ox = oxLo;
        if (sw == 2) {
          // 4 gradients into every other input of 8: the lanes between add zero. The 8 stay in the
          // row (other threads own other channels' planes): ix … ix + 7, or at the row's end ix − 1 … ix + 6.
          const zero = f32x4.splat(0);
          for (; ox + 4 <= oxHi; ox += 4) {
            const ix = ox * 2 + xoff;
            const g = v128.load(s + <usize>ox * 4);
            if (ix + 7 < w) {
              const q = row + <usize>ix * 4;
              v128.store(q, f32x4.add(v128.load(q), i32x4.shuffle(g, zero, 0, 4, 1, 5)));
              v128.store(q, f32x4.add(v128.load(q, 16), i32x4.shuffle(g, zero, 2, 6, 3, 7)), 16);
            } else if (ix >= 1) {
              const q = row + <usize>(ix - 1) * 4;
              v128.store(q, f32x4.add(v128.load(q), i32x4.shuffle(zero, g, 0, 4, 1, 5)));
              v128.store(q, f32x4.add(v128.load(q, 16), i32x4.shuffle(zero, g, 2, 6, 3, 7)), 16);
            } else {
              break;
            }
          }
        }
        for (; ox < oxHi; ox++) {
          const q = row + <usize>(ox * sw + xoff) * 4;
          store<f32>(q, load<f32>(q) + load<f32>(s + <usize>ox * 4));
        }
      }
    }
  }
}

// Whether the forward task splits output channels (see the top of this file) rather than positions.
@inline export function splitsChannels(mg: i32, s: i32): bool { return mg > s; }

// Scratch bytes one thread needs for a conv task (GEMM packing + its im2col / gradient columns).
export function convScratchBytes(p: usize, nt: i32): i32 {
  const cin = arg(p, CONV_CIN), groups = arg(p, CONV_GROUPS), khw = arg(p, CONV_KH) * arg(p, CONV_KW);
  const kg = (cin / groups) * khw;
  const s = arg(p, CONV_OH) * arg(p, CONV_OW);
  const mg = arg(p, CONV_COUT) / groups;
  // A part is at most s/nt + 32 columns after 16-column rounding (+16 slack), or all of them.
  const cols = splitsChannels(mg, s) ? s : (s + nt - 1) / nt + 48;
  const chans = (cin + nt - 1) / nt;
  // Rows of im2col per thread: a share of the channels, or of the taps (2-aligned) when fewer.
  const rows = max(chans * khw, (kg + 2 * nt - 1) / nt + 2);
  // The gradients' phase planes (im2colByPhases, col2imByPhases), for a thread's channels.
  const phaseBytes = phasesServe(p) ? chans * phaseFloatsPerChannel(p) * 4 + 64 : 0;
  const colBytes = max(kg * cols, rows * s) * 4 + phaseBytes;
  // The packing space of each GEMM the three tasks run (forward, backward input, backward weight).
  const gemm = max(gemmScratchBytes(kg, cols), max(gemmScratchBytes(arg(p, CONV_COUT) / groups, s), gemmScratchBytes(s, kg)));
  return gemm + colBytes + 64;
}

// out (N, Cout, OH·OW) = w_g (Cout/g, Kg) · im2col(x_n,g) (+ bias), for this thread's positions
// or output channels.
export function convForwardTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const x = ptr(p, CONV_X), wt = ptr(p, CONV_W), bias = ptr(p, CONV_C), out = ptr(p, CONV_OUT);
  const batch = arg(p, CONV_BATCH), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT), groups = arg(p, CONV_GROUPS);
  const h = arg(p, CONV_IH), w = arg(p, CONV_IW), oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const kh = arg(p, CONV_KH), kw = arg(p, CONV_KW);
  const s = oh * ow;
  const cg = cin / groups, mg = cout / groups, kg = cg * kh * kw;
  const split = splitOutputs(splitsChannels(mg, s), mg, s, 16, parts, part);
  const m0 = i32x4.extract_lane(split, 0), m1 = i32x4.extract_lane(split, 1);
  const s0 = i32x4.extract_lane(split, 2), ns = i32x4.extract_lane(split, 3) - s0;
  if (ns <= 0 || m1 <= m0) return;
  const scratch = ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE);
  const pointwise = isPointwise(p);
  // Weights packed ahead (ungrouped convs whose packing JavaScript keeps across calls).
  const apre = ptr(p, CONV_PACKED_W), apreRows = paddedRows(mg);
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      const xg = x + <usize>((n * cin + g * cg) * h * w) * 4;
      const row = g * mg + m0;
      const c = out + (<usize>(n * cout + row) * s + s0) * 4;
      const bg = bias != 0 ? bias + <usize>row * 4 : 0;
      const wg = wt + <usize>(row * kg) * 4;
      if (pointwise) gemmCore(m1 - m0, ns, kg, wg, kg, false, xg + <usize>s0 * 4, s, false, c, s, false, bg, scratch, apre, apreRows, m0);
      else convGemm(wg, m1 - m0, kg, xg, s0, ns, c, s, bg, p, scratch, apre, apreRows, m0);
    }
  }
}

// gx (N, Cin, H, W) = col2im(w_gᵀ · gy_n,g) for this thread's input channels.
export function convBackwardInputTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const gy = ptr(p, CONV_X), wt = ptr(p, CONV_W), gx = ptr(p, CONV_C);
  const batch = arg(p, CONV_BATCH), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT), groups = arg(p, CONV_GROUPS);
  const h = arg(p, CONV_IH), w = arg(p, CONV_IW), oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const kh = arg(p, CONV_KH), kw = arg(p, CONV_KW);
  const khw = kh * kw, s = oh * ow;
  const c0 = splitAt(cin, parts, part, 1), c1 = splitAt(cin, parts, part + 1, 1);
  if (c1 <= c0) return;
  const scratch = ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE);
  const cg = cin / groups, mg = cout / groups, kg = cg * khw;
  const pointwise = isPointwise(p);
  const maxRows = (c1 - c0) * khw;
  const gcol = scratch;
  const gemmScratch = gcol + ((<usize>maxRows * s * 4 + 63) & ~63);
  // Stride 2 across: col2im through phase planes (after the GEMM's scratch), which then write gx whole.
  const byPhases = !pointwise && phasesServe(p);
  const phases = gemmScratch + <usize>gemmScratchBytes(mg, s);
  for (let n = 0; n < batch; n++) {
    const gxn = gx + <usize>(n * cin * h * w) * 4;
    if (!pointwise && !byPhases) memory.fill(gxn + <usize>(c0 * h * w) * 4, 0, <usize>((c1 - c0) * h * w) * 4);
    for (let ci = c0; ci < c1;) {
      const g = ci / cg;
      const a = ci - g * cg;
      const bEnd = min(cg, c1 - g * cg);
      const rows = (bEnd - a) * khw;
      // op(A) = w_gᵀ: rows (a·khw …) of a (Kg × Mg) view of w_g stored (Mg, Kg).
      const aPtr = wt + <usize>(g * mg * kg + a * khw) * 4;
      const bPtr = gy + <usize>((n * cout + g * mg) * s) * 4;
      if (pointwise) {
        gemmCore(rows, s, mg, aPtr, kg, true, bPtr, s, false, gxn + <usize>(ci * h * w) * 4, s, false, 0, gemmScratch);
      } else {
        gemmCore(rows, s, mg, aPtr, kg, true, bPtr, s, false, gcol, s, false, 0, gemmScratch);
        if (byPhases) col2imByPhases(gcol, a, bEnd - a, p, phases, gxn + <usize>(g * cg * h * w) * 4);
        else {
          col2imRows(gcol, a * khw, rows, h, w, oh, ow, kh, kw, arg(p, CONV_SH), arg(p, CONV_SW), arg(p, CONV_PH), arg(p, CONV_PW),
            arg(p, CONV_DH), arg(p, CONV_DW), gxn + <usize>(g * cg * h * w) * 4);
        }
      }
      ci = g * cg + bEnd;
    }
  }
}

// gw (Cout, Cin/g, kh, kw) = Σ_n gy_n,g · im2col(x_n,g)ᵀ, for this thread's input channels.
export function convBackwardWeightTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const x = ptr(p, CONV_X), gy = ptr(p, CONV_W), gw = ptr(p, CONV_C);
  const batch = arg(p, CONV_BATCH), cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT), groups = arg(p, CONV_GROUPS);
  const h = arg(p, CONV_IH), w = arg(p, CONV_IW), oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const kh = arg(p, CONV_KH), kw = arg(p, CONV_KW);
  const khw = kh * kw, s = oh * ow;
  const cg = cin / groups, mg = cout / groups, kg = cg * khw;
  const scratch = ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE);
  const pointwise = isPointwise(p);
  const col = scratch;
  if (groups == 1 && cin < parts) {
    // Fewer input channels than threads (an image's first conv): split the im2col rows (taps).
    const r0 = splitAt(kg, parts, part, 2), r1 = splitAt(kg, parts, part + 1, 2);
    if (r1 <= r0) return;
    const gemmScratch = col + ((<usize>(r1 - r0) * s * 4 + 63) & ~63);
    for (let n = 0; n < batch; n++) {
      const xn = x + <usize>(n * cin * h * w) * 4;
      let b = col;
      if (pointwise) b = xn + <usize>(r0 * s) * 4;
      else {
        im2colRows(xn, r0, r1 - r0, h, w, oh, ow, kh, kw, arg(p, CONV_SH), arg(p, CONV_SW), arg(p, CONV_PH), arg(p, CONV_PW),
          arg(p, CONV_DH), arg(p, CONV_DW), 0, s, col, s);
      }
      gemmCore(mg, r1 - r0, s, gy + <usize>(n * cout * s) * 4, s, false, b, s, true, gw + <usize>r0 * 4, kg, n > 0, 0,
        gemmScratch);
    }
    return;
  }
  const c0 = splitAt(cin, parts, part, 1), c1 = splitAt(cin, parts, part + 1, 1);
  if (c1 <= c0) return;
  const gemmScratch = col + ((<usize>(c1 - c0) * khw * s * 4 + 63) & ~63);
  // Stride 2 across: im2col through phase planes, after the GEMM's scratch; their padding zeroed once.
  const byPhases = !pointwise && phasesServe(p);
  const phases = gemmScratch + <usize>gemmScratchBytes(s, kg);
  if (byPhases) memory.fill(phases, 0, <usize>(c1 - c0) * phaseFloatsPerChannel(p) * 4);
  for (let n = 0; n < batch; n++) {
    for (let ci = c0; ci < c1;) {
      const g = ci / cg;
      const a = ci - g * cg;
      const bEnd = min(cg, c1 - g * cg);
      const rows = (bEnd - a) * khw;
      const xg = x + <usize>((n * cin + g * cg) * h * w) * 4;
      let b = col;
      if (pointwise) b = xg + <usize>(a * s) * 4;
      else if (byPhases) im2colByPhases(xg, a, bEnd - a, p, phases, col, s);
      else {
        im2colRows(xg, a * khw, rows, h, w, oh, ow, kh, kw, arg(p, CONV_SH), arg(p, CONV_SW), arg(p, CONV_PH), arg(p, CONV_PW),
          arg(p, CONV_DH), arg(p, CONV_DW), 0, s, col, s);
      }
      const c = gw + <usize>(g * mg * kg + a * khw) * 4;
      gemmCore(mg, rows, s, gy + <usize>((n * cout + g * mg) * s) * 4, s, false, b, s, true, c, kg, n > 0, 0, gemmScratch);
      ci = g * cg + bEnd;
    }
  }
}
