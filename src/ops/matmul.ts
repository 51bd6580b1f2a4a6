// Matrix products with PyTorch's matmul rules: 1-D operands become a row/column, leading dims
// broadcast as batch dims.
import { broadcastShapes, shapeStr, sizeOf } from '../tensor/shape.js';
import { mul } from './elementwise.js';
import { deviceOf, empty, kernels, output, record } from './record.js';
import { expand, sum } from './reduce.js';
import { reshape } from './shape-ops.js';
import type { Tensor } from './tensor.js';
import { isTracing, traceCall } from './trace.js';

// a: (B, m, k), b: (B, k, n) → (B, m, n), same batch B on both sides.
function bmm(a: Tensor, b: Tensor, batch: readonly number[], m: number, k: number, n: number): Tensor {
  const B = sizeOf(batch);
  const device = deviceOf('matmul', a, b);
  const out = output([...batch, m, n], device);
  const K = kernels(device);
  K.gemm(a.storage, b.storage, out.storage, { m, n, k, transA: false, transB: false, accumulate: false, batch: B });
  return record(out, 'matmul', [a, b], (g) => {
    const ga = a.requiresGrad ? empty(a.shape, device) : null;
    const gb = b.requiresGrad ? empty(b.shape, device) : null;
    // ga = g · bᵀ, gb = aᵀ · g
    if (ga) K.gemm(g.storage, b.storage, ga.storage, { m, n: k, k: n, transA: false, transB: true, accumulate: false, batch: B });
    if (gb) K.gemm(a.storage, g.storage, gb.storage, { m: k, n, k: m, transA: true, transB: false, accumulate: false, batch: B });
    return [ga, gb];
  });
}

/** Matrix product with broadcasting batch dims. @example a.matmul(b) // [m,k]·[k,n] → [m,n] */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (isTracing()) return traceCall('matmul', [a, b], {}, () => matmul(a, b));
  if (a.ndim === 0 || b.ndim === 0) {
    throw new Error(`matmul: both operands need at least 1 dimension, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  }
  if (a.ndim === 1 && b.ndim === 1) {
    if (a.shape[0] !== b.shape[0]) throw new Error(`matmul: vectors ${shapeStr(a.shape)} and ${shapeStr(b.shape)} differ in length`);
    return sum(mul(a, b));
  }
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]!]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
  const [m, k] = a2.shape.slice(-2) as [number, number];
  const [k2, n] = b2.shape.slice(-2) as [number, number];
  if (k !== k2) {
    throw new Error(
      `matmul: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)} cannot be multiplied ` +
        `(inner dimensions ${k} and ${k2} must be equal)`,
    );
  }
  const batch = broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2), 'matmul');
  const out = bmm(expand(a2, [...batch, m, k]), expand(b2, [...batch, k, n]), batch, m, k, n);
  const shape = [...batch, ...(a.ndim === 1 ? [] : [m]), ...(b.ndim === 1 ? [] : [n])];
  return reshape(out, shape);
}
