// Max pooling forward with 2×2 windows at stride 2, unpadded (LeNet-5's and VGG's pools), four
// outputs of a row at a time. The general kernel (layout.ts) walks each window
// element with two loads and a shuffle and its loop bounds; here a row pair's eight inputs per
// four outputs are four loads, split into even and odd columns by two shuffles each. The
// forward's rule is the general one's, element by element in the same order (greater or NaN
// replaces, starting from −∞ and index −1), so values and argmax are the same.

// x: (planes, h, w) → out, argmax (0: not wanted): (planes, oh, ow), oh·2 ≤ h, ow·2 ≤ w, ow ≥ 4.
export function maxPool2Forward(x: usize, out: usize, argmax: usize, planes: i32, h: i32, w: i32, oh: i32, ow: i32): void {
  const rowBytes = <usize>w << 2;
  const even = i32x4(0, 2, 4, 6);
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const plane = x + ((<usize>p * h * w) << 2);
    for (let y = 0; y < oh; y++) {
      const r0 = plane + <usize>(2 * y) * rowBytes, r1 = r0 + rowBytes;
      const rowStart = 2 * y * w;
      // The row's last group runs as the four outputs ending there (the ones before it are
      // written again with the same values).
      for (let xo = 0; xo < ow; xo += 4) {
        const xs = min(xo, ow - 4);
        const q0 = r0 + (<usize>xs << 3), q1 = r1 + (<usize>xs << 3);
        const a = v128.load(q0), b = v128.load(q0, 16), c = v128.load(q1), d = v128.load(q1, 16);
        const v00 = i32x4.shuffle(a, b, 0, 2, 4, 6), v01 = i32x4.shuffle(a, b, 1, 3, 5, 7);
        const v10 = i32x4.shuffle(c, d, 0, 2, 4, 6), v11 = i32x4.shuffle(c, d, 1, 3, 5, 7);
        const at = o + <usize>xs;
        let best = f32x4.splat(-Infinity);
        let m0 = v128.or(f32x4.gt(v00, best), f32x4.ne(v00, v00));
        best = v128.bitselect(v00, best, m0);
        let m1 = v128.or(f32x4.gt(v01, best), f32x4.ne(v01, v01));
        best = v128.bitselect(v01, best, m1);
        let m2 = v128.or(f32x4.gt(v10, best), f32x4.ne(v10, v10));
        best = v128.bitselect(v10, best, m2);
        let m3 = v128.or(f32x4.gt(v11, best), f32x4.ne(v11, v11));
        best = v128.bitselect(v11, best, m3);
        v128.store(out + (at << 2), best);
        if (argmax != 0) {
          const i00 = i32x4.add(i32x4.splat(rowStart + 2 * xs), even);
          let where = v128.bitselect(i00, i32x4.splat(-1), m0);
          where = v128.bitselect(i32x4.add(i00, i32x4.splat(1)), where, m1);
          where = v128.bitselect(i32x4.add(i00, i32x4.splat(w)), where, m2);
          where = v128.bitselect(i32x4.add(i00, i32x4.splat(w + 1)), where, m3);
          v128.store(argmax + (at << 2), where);
        }
      }
      o += <usize>ow;
    }
  }
}

// Its backward, the windows do not overlap: each gx cell is its window's gy where the argmax
// points at it, else 0, written in one pass (no zeroing, then a scatter), four windows at a time
// as two rows of eight cells; with the fused ReLU's output y (else 0), gy only where y > 0. Each
// cell gets 0 + gy as the scatter's sum would (so −0 becomes +0); columns and rows past the
// windows (odd sizes) get 0.
// gy, argmax, y: (planes, oh, ow) → gx: (planes, h, w), as maxPool2Forward.
export function maxPool2Backward(gy: usize, argmax: usize, gx: usize, y: usize, planes: i32, h: i32, w: i32, oh: i32,
  ow: i32): void {
  const rowBytes = <usize>w << 2, zero = f32x4.splat(0);
  const even = i32x4(0, 2, 4, 6), one = i32x4.splat(1), down = i32x4.splat(w), across = i32x4.splat(w + 1);
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const plane = gx + ((<usize>p * h * w) << 2);
    for (let r = 0; r < oh; r++) {
      const r0 = plane + <usize>(2 * r) * rowBytes, r1 = r0 + rowBytes;
      const rowStart = 2 * r * w;
      for (let xo = 0; xo < ow; xo += 4) {
        const xs = min(xo, ow - 4), at = (o + <usize>xs) << 2;
        let g = v128.load(gy + at);
        if (y != 0) g = v128.and(g, f32x4.gt(v128.load(y + at), zero));
        const a = v128.load(argmax + at), i00 = i32x4.add(i32x4.splat(rowStart + 2 * xs), even);
        const v00 = f32x4.add(v128.and(g, i32x4.eq(a, i00)), zero);
        const v01 = f32x4.add(v128.and(g, i32x4.eq(a, i32x4.add(i00, one))), zero);
        const v10 = f32x4.add(v128.and(g, i32x4.eq(a, i32x4.add(i00, down))), zero);
        const v11 = f32x4.add(v128.and(g, i32x4.eq(a, i32x4.add(i00, across))), zero);
        const q0 = r0 + (<usize>xs << 3), q1 = r1 + (<usize>xs << 3);
        v128.store(q0, i32x4.shuffle(v00, v01, 0, 4, 1, 5));
        v128.store(q0, i32x4.shuffle(v00, v01, 2, 6, 3, 7), 16);
        v128.store(q1, i32x4.shuffle(v10, v11, 0, 4, 1, 5));
        v128.store(q1, i32x4.shuffle(v10, v11, 2, 6, 3, 7), 16);
      }
      for (let c = 2 * ow; c < w; c++) {
        store<f32>(r0 + (<usize>c << 2), 0);
        store<f32>(r1 + (<usize>c << 2), 0);
      }
      o += <usize>ow;
    }
    if (2 * oh < h) memory.fill(plane + <usize>(2 * oh) * rowBytes, 0, <usize>(h - 2 * oh) * rowBytes);
  }
}
