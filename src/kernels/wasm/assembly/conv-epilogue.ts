// The conv forward's epilogue (kernels.ts convForward): out += residual (CONV_RESIDUAL, or 0),
// then v > 0 ? v : 0 (CONV_RELU; NaN → 0, as the unary relu), on outputs their part has just
// written. The Winograd frame runs it on each block's tiles right after their output step, while
// they are in cache; the other paths by convEpilogueTask after their own task in the same call.
// Each output is rounded as by the separate ops: the stored conv + bias, one f32 add, the ReLU.
import { CONV_COUT, CONV_OH, CONV_OUT, CONV_OUT_SIZE, CONV_OW, CONV_RELU, CONV_RESIDUAL } from '../abi';
import { arg, ptr, splitAt } from './params';

/** Whether this forward has an epilogue to run. */
@inline export function hasEpilogue(p: usize): bool { return ptr(p, CONV_RESIDUAL) != 0 || arg(p, CONV_RELU) != 0; }

// The epilogue on n floats at o; r: the residual's floats at the same offset, or 0.
function span(o: usize, r: usize, n: i32, relu: bool): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const k = <usize>i << 2;
    let v = v128.load(o + k);
    if (r != 0) v = f32x4.add(v, v128.load(r + k));
    if (relu) v = v128.and(v, f32x4.gt(v, zero));
    v128.store(o + k, v);
  }
  for (; i < n; i++) {
    const k = <usize>i << 2;
    let v = load<f32>(o + k);
    if (r != 0) v += load<f32>(r + k);
    if (relu) v = v > 0 ? v : 0;
    store<f32>(o + k, v);
  }
}

// The epilogue on output channels [c0, c1) of tiles [g0, g1) (numbered as the frame does: image,
// tile row, tile column) of rowSide rows × side columns: runs of whole tile rows as one span per
// channel (a whole plane when the part took all the tiles), partial tile rows row by row.
export function tileEpilogue(p: usize, g0: i32, g1: i32, c0: i32, c1: i32, side: i32, rowSide: i32): void {
  const out = ptr(p, CONV_OUT), residual = ptr(p, CONV_RESIDUAL), relu = arg(p, CONV_RELU) != 0;
  const cout = arg(p, CONV_COUT), oh = arg(p, CONV_OH), ow = arg(p, CONV_OW);
  const tw = (ow + side - 1) / side, th = (oh + rowSide - 1) / rowSide, tiles = th * tw;
  const plane = <usize>(oh * ow) << 2;
  let g = g0;
  while (g < g1) {
    const n = g / tiles, t = g - n * tiles, ty = t / tw, tx = t - ty * tw;
    const y0 = ty * rowSide, x0 = tx * side;
    let y1: i32, x1: i32, next: i32;
    if (tx == 0 && g + tw <= g1) {
      const rows = min((g1 - g) / tw, th - ty);
      next = g + rows * tw; y1 = min(oh, (ty + rows) * rowSide); x1 = ow;
    } else {
      const count = min(tw - tx, g1 - g);
      next = g + count; y1 = min(oh, y0 + rowSide); x1 = min(ow, (tx + count) * side);
    }
    for (let c = c0; c < c1; c++) {
      const base = <usize>(n * cout + c) * plane;
      if (x1 - x0 == ow) {
        const at = base + (<usize>(y0 * ow) << 2);
        span(out + at, residual != 0 ? residual + at : 0, (y1 - y0) * ow, relu);
      } else {
        for (let y = y0; y < y1; y++) {
          const at = base + (<usize>(y * ow + x0) << 2);
          span(out + at, residual != 0 ? residual + at : 0, x1 - x0, relu);
        }
      }
    }
    g = next;
  }
}

// The epilogue on CONV_OUT_SIZE floats at CONV_OUT, parts splitting them in 16-float blocks.
export function convEpilogueTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const size = arg(p, CONV_OUT_SIZE), i0 = splitAt(size, parts, part, 16), i1 = splitAt(size, parts, part + 1, 16);
  if (i1 <= i0) return;
  const at = <usize>i0 << 2, residual = ptr(p, CONV_RESIDUAL);
  span(ptr(p, CONV_OUT) + at, residual != 0 ? residual + at : 0, i1 - i0, arg(p, CONV_RELU) != 0);
}
