import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../tensor/rng.js';
import { col2im, im2col, im2colShape, type Im2colParams } from './im2col.js';
import { gemm } from './gemm.js';

test('im2col unrolls each receptive field into a column (the doc example)', () => {
  const p: Im2colParams = {
    channels: 1, inSize: [3, 3], outSize: [2, 2], kernelSize: [2, 2], stride: [1, 1], padBegin: [0, 0], dilation: [1, 1],
  };
  assert.deepEqual(im2colShape(p), [4, 4]);
  const cols = new Float32Array(16);
  im2col(Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9), cols, p);
  assert.deepEqual(Array.from(cols), [1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9]);
});

test("the lecture's 5×5 example as W · A with the ref gemm", () => {
  const x = Float32Array.of(3, 3, 2, 1, 0, 0, 0, 1, 3, 1, 3, 1, 2, 2, 3, 2, 0, 0, 2, 2, 2, 0, 0, 0, 1);
  const w = Float32Array.of(0, 1, 2, 2, 2, 0, 0, 1, 2); // W: (1, 9)
  const p: Im2colParams = {
    channels: 1, inSize: [5, 5], outSize: [3, 3], kernelSize: [3, 3], stride: [1, 1], padBegin: [0, 0], dilation: [1, 1],
  };
  const [rows, cols] = im2colShape(p);
  const a = new Float32Array(rows * cols); // A: (9, 9)
  im2col(x, a, p);
  // Column 0 is the top-left receptive field, read row by row.
  assert.deepEqual(Array.from({ length: 9 }, (_, r) => a[r * cols]), [3, 3, 2, 0, 0, 1, 3, 1, 2]);
  const out = new Float32Array(9);
  gemm(w, a, out, { m: 1, n: cols, k: rows, transA: false, transB: false, accumulate: false });
  assert.deepEqual(Array.from(out), [12, 12, 17, 10, 17, 19, 9, 6, 14]);
});

test('padding reads as zero and col2im is the adjoint of im2col (1D, 2D, 3D)', () => {
  const rng = new Rng(7);
  const cases: Im2colParams[] = [
    { channels: 2, inSize: [9], outSize: [4], kernelSize: [3], stride: [2], padBegin: [1], dilation: [2] },
    { channels: 3, inSize: [5, 6], outSize: [4, 3], kernelSize: [2, 3], stride: [1, 2], padBegin: [0, 1], dilation: [1, 1] },
    { channels: 2, inSize: [4, 5, 4], outSize: [3, 3, 4], kernelSize: [2, 3, 2], stride: [1, 2, 1], padBegin: [0, 1, 1], dilation: [1, 1, 2] },
    { channels: 1, inSize: [2, 2], outSize: [4, 4], kernelSize: [3, 3], stride: [1, 1], padBegin: [2, 2], dilation: [1, 1] },
  ];
  for (const p of cases) {
    const inLen = p.channels * p.inSize.reduce((s, v) => s * v, 1);
    const [rows, cols] = im2colShape(p);
    const x = Float32Array.from({ length: inLen }, () => rng.normal());
    const c = Float32Array.from({ length: rows * cols }, () => rng.normal());
    const a = new Float32Array(rows * cols).fill(NaN); // every entry must be written
    im2col(x, a, p);
    assert.ok(a.every((v) => Number.isFinite(v)));
    const back = new Float32Array(inLen);
    col2im(c, back, p);
    // <im2col(x), c> = <x, col2im(c)>
    let lhs = 0;
    let rhs = 0;
    for (let i = 0; i < a.length; i++) lhs += a[i]! * c[i]!;
    for (let i = 0; i < inLen; i++) rhs += x[i]! * back[i]!;
    assert.ok(Math.abs(lhs - rhs) < 1e-3 * (1 + Math.abs(lhs)), `${JSON.stringify(p)}: ${lhs} vs ${rhs}`);
  }
});

test('im2col rejects more than three spatial dims', () => {
  const p: Im2colParams = {
    channels: 1, inSize: [2, 2, 2, 2], outSize: [1, 1, 1, 1], kernelSize: [2, 2, 2, 2], stride: [1, 1, 1, 1],
    padBegin: [0, 0, 0, 0], dilation: [1, 1, 1, 1],
  };
  assert.throws(() => im2col(new Float32Array(16), new Float32Array(16), p), /im2col: need 1 to 3 spatial dimensions, got 4/);
});
