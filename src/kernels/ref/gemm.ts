// Matrix multiply, the heart of dense layers and of convolution as im2col · kernels.
import type { GemmParams } from '../kernels.js';

// c: (m, n) (+)= op(a): (m, k) · op(b): (k, n). The i-p-j loop order streams rows of b and c.
export function gemm(a: Float32Array, b: Float32Array, c: Float32Array, p: GemmParams): void {
  const { m, n, k, transA, transB } = p;
  if (!p.accumulate) c.fill(0, 0, m * n);
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
