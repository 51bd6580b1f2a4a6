// Layout kernels: gather through strides (permute, expand) and its adjoint, summing to a shape.
import type { StridedCopyParams, SumToParams } from '../kernels.js';

export function stridedCopy(x: Float32Array, out: Float32Array, p: StridedCopyParams): void {
  const nd = p.shape.length;
  const idx = new Array<number>(nd).fill(0);
  let ix = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = x[ix]!;
    for (let d = nd - 1; d >= 0; d--) {
      ix += p.strides[d]!;
      if (++idx[d]! < p.shape[d]!) break;
      ix -= p.strides[d]! * p.shape[d]!;
      idx[d] = 0;
    }
  }
}

export function sumTo(x: Float32Array, out: Float32Array, p: SumToParams): void {
  out.fill(0);
  const nd = p.shape.length;
  const idx = new Array<number>(nd).fill(0);
  let io = 0;
  for (let i = 0; i < x.length; i++) {
    out[io] = out[io]! + x[i]!;
    for (let d = nd - 1; d >= 0; d--) {
      io += p.outStrides[d]!;
      if (++idx[d]! < p.shape[d]!) break;
      io -= p.outStrides[d]! * p.shape[d]!;
      idx[d] = 0;
    }
  }
}
