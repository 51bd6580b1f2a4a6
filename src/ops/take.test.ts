import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F, gradCheck, randn, tensor } from '../index.js';

test('take gathers by flat index and scatter-adds its gradient (repeated indices add up)', () => {
  const x = tensor([5, 6, 7, 8], [2, 2], { requiresGrad: true });
  const y = F.take(x, Int32Array.from([3, 0, 3]), [3]);
  assert.deepEqual(Array.from(y.toArray()), [8, 5, 8]);
  y.sum().backward();
  assert.deepEqual(Array.from(x.grad!.toArray()), [1, 0, 0, 2]);
  gradCheck((a) => F.take(a!, Int32Array.from([1, 1, 2, 0]), [2, 2]), [randn([3], { seed: 1, requiresGrad: true })]);
  assert.throws(() => F.take(x, Int32Array.from([4]), [1]), /take: index 4 is outside input \[2, 2\] \(4 elements\)/);
});

test('concat joins along a dim as torch.cat, with gradients to every part', () => {
  const a = randn([2, 1, 3], { seed: 2, requiresGrad: true });
  const b = randn([2, 2, 3], { seed: 3, requiresGrad: true });
  const y = F.concat([a, b], 1);
  assert.deepEqual(y.shape, [2, 3, 3]);
  const [ad, bd, yd] = [a.toArray(), b.toArray(), y.toArray()];
  assert.deepEqual(Array.from(yd.slice(0, 9)), [...Array.from(ad.slice(0, 3)), ...Array.from(bd.slice(0, 6))]);
  gradCheck((p, q) => F.concat([p!, q!], 1), [a, b]);
  gradCheck((p, q) => F.concat([q!, p!, q!], 2), [randn([2, 2, 1], { seed: 4, requiresGrad: true }), b]);
  assert.throws(() => F.concat([a, randn([3, 1, 3])], 1), /concat: shapes \[2, 1, 3\], \[3, 1, 3\] differ outside dim 1/);
});

test('clamp bounds values (ReLU6), lets gradients through strictly inside, and lo > hi gives hi', () => {
  assert.deepEqual(Array.from(F.clamp(tensor([-1, 3, 9], [3]), 0, 6).toArray()), [0, 3, 6]);
  assert.deepEqual(Array.from(F.clamp(tensor([-1, 3, 9], [3]), undefined, 2).toArray()), [-1, 2, 2]);
  assert.deepEqual(Array.from(F.clamp(tensor([-1, 3, 9], [3]), 5, 1).toArray()), [1, 1, 1]);
  assert.deepEqual(Array.from(F.clamp(tensor([1e-9, -1e-9], [2]), -6, 6).toArray()), [Math.fround(1e-9), Math.fround(-1e-9)]);
  const x = tensor([-2, 0.5, 3, 7], [4], { requiresGrad: true });
  F.clamp(x, 0, 6).sum().backward();
  assert.deepEqual(Array.from(x.grad!.toArray()), [0, 1, 1, 0]);
});
