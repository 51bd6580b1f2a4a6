// The shifted copies of an image that shifted-conv.ts, shifted-weight-grad.ts and (as their
// adjoint) shifted-input-grad.ts work on: plane (ci, kx) holds, at row r and column c < ow,
//   s(ci, kx)[r·ow + c] = x(ci, r − ph, c + kx − pw),
// so a conv's tap (ky, kx) at output position q = oy·ow + ox reads s(ci, kx)[q + ky·ow].

/**
 * Copies `channels` planes of an h × w image at `src` into their kw shifted planes each at `dst`
 * (planeBytes apart, `rows` rows of ow). Writes only the cells inside the image: the caller zeroes
 * the planes first, and those cells are the same for every image.
 */
export function shiftPlanes(src: usize, dst: usize, channels: i32, h: i32, w: i32, ow: i32, rows: i32, kw: i32, ph: i32,
  pw: i32, planeBytes: usize): void {
  const rs = <usize>ow << 2;
  for (let ci = 0; ci < channels; ci++) {
    const image = src + (<usize>(ci * h * w) << 2);
    for (let kx = 0; kx < kw; kx++) {
      // Columns c with 0 ≤ c + kx − pw < w.
      const cLo = max(0, pw - kx), cHi = min(ow, w + pw - kx);
      if (cHi <= cLo) continue;
      const plane = dst + <usize>(ci * kw + kx) * planeBytes;
      for (let r = ph; r < min(rows, h + ph); r++) {
        copyRow(plane + <usize>r * rs + (<usize>cLo << 2), image + (<usize>((r - ph) * w + cLo + kx - pw) << 2), cHi - cLo);
      }
    }
  }
}

// dst[0 … len) = src[0 … len) in vectors, the last one ending at len (overlapping the one before
// it): rows of tens of values, where memory.copy's call cost more than the copy. LeNet-5's
// weight gradients at batch 64, 1 thread, with their products skipped (CPU time,
// bench/im2col-convs.ts --only W3, busy machine): conv1 0.10–0.13 ms → 0.07, conv2 (64 images ×
// 420 rows of 10) 0.16–0.19 → 0.11, of 0.39–0.46 and 0.74–0.87 in all.
@inline function copyRow(dst: usize, src: usize, len: i32): void {
  if (len < 4) {
    for (let i = 0; i < len; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
    return;
  }
  const last = <usize>(len - 4) << 2;
  for (let o: usize = 0; o < last; o += 16) v128.store(dst + o, v128.load(src + o));
  v128.store(dst + last, v128.load(src + last));
}
