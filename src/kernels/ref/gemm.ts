// Matrix multiply, the heart of dense layers and of convolution as im2col · kernels.
import type { GemmParams } from '../kernels.js';

// c: (m, n) (+)= op(a): (m, k) · op(b): (k, n). Loop orders keep the innermost reads contiguous:
// with b transposed, each c[i, j] is a dot product of two contiguous rows; otherwise the i-q-j
// order streams rows of b and c.
export function gemm(a: Float32Array, b: Float32Array, c: Float32Array, p: GemmParams): void {
  const { m, n, k, transA, transB } = p;
  if (!p.accumulate) c.fill(0, 0, m * n);
  if (transB && !transA) {
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s = 0;
        for (let q = 0; q < k; q++) s += a[ai + q]! * b[bj + q]!;
        c[i * n + j] = c[i * n + j]! + s;
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let q = 0; q < k; q++) {
      const av = transA ? a[q * m + i]! : a[i * k + q]!;
      if (transB) {
        for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + av * b[j * k + q]!;
      } else {
        const bq = q * n;
        for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + av * b[bq + j]!;
      }
    }
  }
}
