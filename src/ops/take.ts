// Index-based selection with gradients: take (gather by flat index, for strided slices and ONNX
// Gather) and concat (built on F.pad, so it needs no kernel of its own).
// take runs on the CPU storage the ref and wasm backends share; its backward scatter-adds.
import { shapeStr, sizeOf } from '../tensor/shape.js';
import { add } from './elementwise.js';
import { pad } from './pad.js';
import { empty, output, record } from './record.js';
import type { Tensor } from './tensor.js';
import { isTracing, traceCall } from './trace.js';

/**
 * out (shape) with out.flat[i] = x.flat[index[i]]; the gradient adds each g[i] back at index[i].
 * @example take(tensor([5, 6, 7], [3]), Int32Array.from([2, 0]), [2]) // [7, 5]
 */
export function take(x: Tensor, index: Int32Array, shape: readonly number[]): Tensor {
  const n = x.numel();
  if (index.length !== sizeOf(shape)) throw new Error(`take: ${index.length} indices for output shape ${shapeStr(shape)}`);
  for (const i of index) {
    if (i < 0 || i >= n) throw new Error(`take: index ${i} is outside input ${shapeStr(x.shape)} (${n} elements)`);
  }
  if (x.device !== 'cpu') throw new Error(`take: runs on the CPU, got input ${shapeStr(x.shape)} on '${x.device}'`);
  const out = output(shape, 'cpu');
  const xd = x.data;
  const od = out.data;
  for (let i = 0; i < index.length; i++) od[i] = xd[index[i]!]!;
  return record(out, 'take', [x], (g) => {
    const gx = empty(x.shape, 'cpu');
    const gxd = gx.data;
    const gd = g.data;
    for (let i = 0; i < index.length; i++) gxd[index[i]!] += gd[i]!;
    return [gx];
  });
}

/**
 * Joins tensors along `dim` (all other dims equal), as torch.cat.
 * @example concat([zeros([1, 2]), ones([1, 3])], 1).shape // [1, 5]
 */
export function concat(xs: readonly Tensor[], dim: number): Tensor {
  if (xs.length === 0) throw new Error('concat: needs at least one tensor');
  if (isTracing()) return traceCall('concat', xs, { dim }, () => concat(xs, dim));
  const first = xs[0]!;
  const nd = first.ndim;
  if (!Number.isInteger(dim) || dim < 0 || dim >= nd) throw new Error(`concat: dim ${dim} is outside the ${nd} dims of ${shapeStr(first.shape)}`);
  for (const x of xs) {
    if (x.ndim !== nd || x.shape.some((s, d) => d !== dim && s !== first.shape[d])) {
      throw new Error(`concat: shapes ${xs.map((t) => shapeStr(t.shape)).join(', ')} differ outside dim ${dim}`);
    }
  }
  const total = xs.reduce((s, x) => s + x.shape[dim]!, 0);
  let offset = 0;
  let sum: Tensor | null = null;
  for (const x of xs) {
    // Zero-pad each part to the full length at its offset; the parts then add up to the result.
    const pads = new Array<number>(2 * (nd - dim)).fill(0);
    pads[pads.length - 2] = offset;
    pads[pads.length - 1] = total - offset - x.shape[dim]!;
    offset += x.shape[dim]!;
    const part = pad(x, pads);
    sum = sum ? add(sum, part) : part;
  }
  return sum!;
}
