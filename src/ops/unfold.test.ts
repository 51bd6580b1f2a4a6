import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F, gradCheck, randn, tensor } from '../index.js';

test('unfold gives the lecture\'s im2col matrix: A·Θ is the convolution', () => {
  const x = tensor([3, 3, 2, 1, 0, 0, 0, 1, 3, 1, 3, 1, 2, 2, 3, 2, 0, 0, 2, 2, 2, 0, 0, 0, 1], [1, 1, 5, 5]);
  const theta = tensor([0, 1, 2, 2, 2, 0, 0, 1, 2], [9, 1]);
  const cols = F.unfold(x, 3);
  assert.deepEqual(cols.shape, [1, 9, 9]);
  const A = cols.reshape([9, 9]).transpose(0, 1);
  assert.deepEqual(Array.from(A.toArray().slice(0, 9)), [3, 3, 2, 0, 0, 1, 3, 1, 2]); // first window, row by row
  assert.deepEqual(Array.from(A.matmul(theta).toArray()), [12, 12, 17, 10, 17, 19, 9, 6, 14]);
});

test('unfold of 1-D and 3-D inputs, with stride, padding and dilation, equals a one-hot convolution', () => {
  for (const [shape, k, opts] of [
    [[2, 3, 9], 3, { stride: 2, padding: 1 }],
    [[1, 2, 4, 5, 5], [2, 3, 2], { dilation: [1, 1, 2], padding: [1, 0, 1] }],
  ] as const) {
    const x = randn([...shape], { seed: 3 });
    const cols = F.unfold(x, k, opts);
    const nd = shape.length - 2;
    const ks = typeof k === 'number' ? new Array<number>(nd).fill(k) : [...k];
    const K = ks.reduce((a, b) => a * b, 1);
    assert.equal(cols.shape[1], shape[1] * K);
    // Row K (channel 1, tap 0) must equal a conv of channel 1 with a one-hot kernel at tap 0.
    const w = new Float32Array(shape[1] * K);
    w[1 * K] = 1;
    const conv = nd === 1 ? F.conv1d : F.conv3d;
    const ref = conv(x, tensor(w, [1, shape[1], ...ks]), null, opts).toArray();
    const row = cols.toArray().slice(K * cols.shape[2]!, K * cols.shape[2]! + cols.shape[2]!);
    assert.deepEqual(Array.from(row), Array.from(ref.slice(0, cols.shape[2]!)));
  }
});

test('unfold gradients pass gradCheck', () => {
  gradCheck((x) => F.unfold(x, [2, 3], { stride: [1, 2], padding: 1 }), [randn([2, 2, 4, 5], { seed: 5, requiresGrad: true })]);
  gradCheck((x) => F.unfold(x, 2, { dilation: 2 }), [randn([1, 2, 7], { seed: 6, requiresGrad: true })]);
});

test('unfold errors name the op and what was wrong', () => {
  assert.throws(() => F.unfold(randn([4, 4]), 2), /unfold: expected a 3-D to 5-D input/);
  assert.throws(() => F.unfold(randn([1, 1, 4, 4]), 0), /unfold: kernelSize must be positive integers/);
  assert.throws(() => F.unfold(randn([1, 1, 4, 4]), 5), /unfold: .*r = /);
  assert.throws(() => F.unfold(randn([1, 1, 4, 4]), 2, { stride: 0 }), /unfold: stride must be positive integers/);
});
