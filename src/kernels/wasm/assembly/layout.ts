// Layout kernels on collapsed shapes (JavaScript merges contiguous dims first): a strided gather
// over up to 4 dims, a sum-to-shape over up to 3, and 2-D max pooling with its argmax scatter.

// out (d0, d1, d2, d3) contiguous = x read with element strides (s0, s1, s2, s3).
export function stridedCopy4(x: usize, out: usize, d0: i32, d1: i32, d2: i32, d3: i32,
  s0: i32, s1: i32, s2: i32, s3: i32): void {
  let o = out;
  const run = <usize>d3 << 2;
  for (let a = 0; a < d0; a++) {
    for (let b = 0; b < d1; b++) {
      for (let c = 0; c < d2; c++) {
        const src = x + (<usize>(a * s0 + b * s1 + c * s2) << 2);
        if (s3 == 1) memory.copy(o, src, run);
        else if (s3 == 0) {
          const v = load<f32>(src);
          for (let i = 0; i < d3; i++) store<f32>(o + (<usize>i << 2), v);
        } else {
          const step = <usize>s3 << 2;
          let q = src;
          for (let i = 0; i < d3; i++) { store<f32>(o + (<usize>i << 2), load<f32>(q)); q += step; }
        }
        o += run;
      }
    }
  }
}

// out (zeroed here, length outLen) += x (d0, d1, d2) with output strides (o0, o1, o2), o2 ∈ {0, 1}.
export function sumTo3(x: usize, out: usize, outLen: i32, d0: i32, d1: i32, d2: i32, o0: i32, o1: i32, o2: i32): void {
  memory.fill(out, 0, <usize>outLen << 2);
  let src = x;
  for (let a = 0; a < d0; a++) {
    for (let b = 0; b < d1; b++) {
      const dst = out + (<usize>(a * o0 + b * o1) << 2);
      let i = 0;
      if (o2 == 0) {
        // A run that collapses to one output: 4 lane sums, then a horizontal add.
        let acc = f32x4.splat(0);
        for (; i + 4 <= d2; i += 4) acc = f32x4.add(acc, v128.load(src + (<usize>i << 2)));
        let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) +
          f32x4.extract_lane(acc, 3);
        for (; i < d2; i++) s += load<f32>(src + (<usize>i << 2));
        store<f32>(dst, load<f32>(dst) + s);
      } else {
        for (; i + 4 <= d2; i += 4) {
          const q = dst + (<usize>i << 2);
          v128.store(q, f32x4.add(v128.load(q), v128.load(src + (<usize>i << 2))));
        }
        for (; i < d2; i++) {
          const q = dst + (<usize>i << 2);
          store<f32>(q, load<f32>(q) + load<f32>(src + (<usize>i << 2)));
        }
      }
      src += <usize>d2 << 2;
    }
  }
}

// x: (planes, h, w) → out, argmax: (planes, oh, ow). Padding never wins; NaN propagates (the
// first NaN in window order is kept); argmax is the flat index in the plane, −1 for an empty window.
export function maxPool2d(x: usize, out: usize, argmax: usize, planes: i32, h: i32, w: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32): void {
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const base = x + (<usize>(p * h * w) << 2);
    for (let y = 0; y < oh; y++) {
      // The window rows that hit the input, solved once per output row: no per-element checks.
      const y0 = y * sh - ph;
      const kyLo = y0 >= 0 ? 0 : (-y0 + dh - 1) / dh;
      const kyHi = min(kh, h - 1 - y0 < 0 ? 0 : (h - 1 - y0) / dh + 1);
      for (let xo = 0; xo < ow; xo++) {
        const x0 = xo * sw - pw;
        // Integer division costs more than the window itself: skip it when undilated.
        let kxLo = 0, kxHi = kw;
        if (dw == 1) {
          if (x0 < 0) kxLo = -x0;
          if (w - x0 < kw) kxHi = max(0, w - x0);
        } else {
          kxLo = x0 >= 0 ? 0 : (-x0 + dw - 1) / dw;
          kxHi = min(kw, w - 1 - x0 < 0 ? 0 : (w - 1 - x0) / dw + 1);
        }
        let best: f32 = -Infinity;
        let arg = -1;
        for (let ky = kyLo; ky < kyHi; ky++) {
          const row = (y0 + ky * dh) * w + x0;
          for (let kx = kxLo; kx < kxHi; kx++) {
            const i = row + kx * dw;
            const v = load<f32>(base + (<usize>i << 2));
            // Strictly greater keeps the first maximum; a NaN wins and ends its row, as in the reference.
            if (v > best) {
              best = v;
              arg = i;
            } else if (v != v) {
              best = v;
              arg = i;
              break;
            }
          }
        }
        store<f32>(out + (o << 2), best);
        store<i32>(argmax + (o << 2), arg);
        o++;
      }
    }
  }
}

// gx (planes, inPlane) zeroed, then gy (planes, outPlane) scattered to the saved argmax.
export function maxPoolBackward(gy: usize, argmax: usize, gx: usize, planes: i32, inPlane: i32, outPlane: i32): void {
  memory.fill(gx, 0, <usize>planes * inPlane * 4);
  let j: usize = 0;
  for (let p = 0; p < planes; p++) {
    const base = gx + (<usize>(p * inPlane) << 2);
    for (let i = 0; i < outPlane; i++) {
      const a = load<i32>(argmax + (j << 2));
      if (a >= 0) {
        const q = base + (<usize>a << 2);
        store<f32>(q, load<f32>(q) + load<f32>(gy + (j << 2)));
      }
      j++;
    }
  }
}
