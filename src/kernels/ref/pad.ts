// Padding of any dims of a tensor: constant, reflect (mirror without repeating the edge) and
// replicate (repeat the edge). Negative padding crops. Each dim gets a table mapping an output
// index to the input index it reads (−1: the constant value), so the element loop is a gather.
import type { PadParams } from '../kernels.js';

// Per dim: output index → input index, or −1 where the constant fills in. With a step (constant
// mode only), the padded input is that dim's every step-th element.
export function indexTable(inSize: number, outSize: number, padBegin: number, mode: PadParams['mode'], step = 1): Int32Array {
  const t = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    let i = o - padBegin;
    if (i >= 0 && i * step < inSize) i *= step;
    else if (mode === 'constant') i = -1;
    else if (mode === 'replicate') i = i < 0 ? 0 : inSize - 1;
    // reflect: the op checks pad < inSize, so one mirror lands inside
    else i = i < 0 ? -i : 2 * (inSize - 1) - i;
    t[o] = i;
  }
  return t;
}

// Walks the output in row-major order; the innermost dim is a tight loop over its table, the
// outer dims keep a running input offset (−1 once any outer index falls into constant padding).
function walk(src: Float32Array, dst: Float32Array, p: PadParams, backward: boolean): void {
  const nd = p.outShape.length;
  if (nd === 0) {
    dst[0] = src[0]!; // a scalar has nothing to pad
    return;
  }
  const tables = p.outShape.map((o, d) => indexTable(p.inShape[d]!, o, p.padBegin[d]!, p.mode, p.step?.[d]));
  const inStrides = new Array<number>(nd);
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) {
    inStrides[d] = s;
    s *= p.inShape[d]!;
  }
  if (backward) dst.fill(0, 0, s);
  const inner = tables[nd - 1]!;
  const innerLen = p.outShape[nd - 1]!;
  let outer = 1;
  for (let d = 0; d < nd - 1; d++) outer *= p.outShape[d]!;
  const idx = new Array<number>(nd - 1).fill(0);
  let o = 0; // flat output index
  for (let r = 0; r < outer; r++) {
    // Input offset of this output row, or −1 when the row lies in constant padding.
    let base = 0;
    for (let d = 0; d < nd - 1; d++) {
      const i = tables[d]![idx[d]!]!;
      if (i < 0) {
        base = -1;
        break;
      }
      base += i * inStrides[d]!;
    }
    if (backward) {
      // Constant padding contributes no gradient; mirrored/replicated reads add up.
      if (base >= 0) {
        for (let j = 0; j < innerLen; j++) {
          const i = inner[j]!;
          if (i >= 0) dst[base + i] = dst[base + i]! + src[o + j]!;
        }
      }
    } else if (base < 0) {
      dst.fill(p.value, o, o + innerLen);
    } else {
      for (let j = 0; j < innerLen; j++) {
        const i = inner[j]!;
        dst[o + j] = i >= 0 ? src[base + i]! : p.value;
      }
    }
    o += innerLen;
    for (let d = nd - 2; d >= 0; d--) {
      if (++idx[d]! < p.outShape[d]!) break;
      idx[d] = 0;
    }
  }
}

// x: inShape, out: outShape
export function padForward(x: Float32Array, out: Float32Array, p: PadParams): void {
  walk(x, out, p, false);
}

// gy: outShape, gx: inShape (zeroed here; reflect/replicate add the mirrored parts)
export function padBackward(gy: Float32Array, gx: Float32Array, p: PadParams): void {
  walk(gy, gx, p, true);
}
