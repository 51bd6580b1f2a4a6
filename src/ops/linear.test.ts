import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F, gradCheck, randn, tensor } from '../index.js';

test('linear: gradients of input, weight and bias, with leading batch dims', () => {
  const x = randn([2, 3, 5], { requiresGrad: true, seed: 3 });
  const w = randn([4, 5], { requiresGrad: true, seed: 4 });
  const b = randn([4], { requiresGrad: true, seed: 5 });
  gradCheck((a, c, d) => F.linear(a, c, d), [x, w, b]);
  assert.deepEqual(F.linear(x, w, b).shape, [2, 3, 4]);
});

test('linear: y = x·Wᵀ + b by hand, and shape errors', () => {
  const y = F.linear(tensor([1, 2], [1, 2]), tensor([1, 0, 0, 1, 1, 1], [3, 2]), tensor([0, 0, 10], [3]));
  assert.deepEqual(Array.from(y.toArray()), [1, 2, 13]);
  assert.throws(() => F.linear(tensor([1, 2, 3], [1, 3]), tensor([1, 0], [1, 2])), /linear: input \[1, 3\] does not fit weight \[1, 2\]/);
});
