import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradCheck, randn, tensor } from '../index.js';

test('broadcast add/sub/mul/div forward', () => {
  const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  const b = tensor([10, 20, 30], [3]);
  assert.deepEqual(Array.from(a.add(b).toArray()), [11, 22, 33, 14, 25, 36]);
  assert.deepEqual(Array.from(a.mul(2).toArray()), [2, 4, 6, 8, 10, 12]);
  assert.deepEqual(Array.from(tensor([1, 2], [2, 1]).sub(b).toArray()), [-9, -19, -29, -8, -18, -28]);
  assert.throws(() => a.add(tensor([1, 2], [2])), /add: shapes \[2, 3\] and \[2\] cannot be broadcast/);
});

test('binary ops gradients with broadcasting', () => {
  const a = randn([2, 3, 4], { requiresGrad: true, seed: 1 });
  const b = randn([3, 1], { requiresGrad: true, seed: 2 });
  gradCheck((x, y) => x.add(y), [a, b]);
  gradCheck((x, y) => x.sub(y), [a, b]);
  gradCheck((x, y) => x.mul(y), [a, b]);
  const pos = tensor([1.5, 2, 0.7], [3, 1], { requiresGrad: true });
  gradCheck((x, y) => x.div(y), [a, pos]);
  gradCheck((x, y) => y.pow(x.mean(0)), [a, pos], { rtol: 2e-2 });
});

test('grad accumulates across backward calls and detach cuts the graph', () => {
  const x = tensor([1, 2, 3], [3], { requiresGrad: true });
  x.mul(x).sum().backward();
  x.mul(x).sum().backward();
  assert.deepEqual(Array.from(x.grad!.toArray()), [4, 8, 12]);
  assert.throws(() => x.detach().sum().backward(), /does not require grad/);
});

test('second backward needs retainGraph', () => {
  const x = tensor([1, 2], [2], { requiresGrad: true });
  const y = x.mul(x).sum();
  y.backward(undefined, { retainGraph: true });
  y.backward();
  assert.deepEqual(Array.from(x.grad!.toArray()), [4, 8]);
  assert.throws(() => y.backward(), /second time/);
  assert.throws(() => x.mul(2).backward(), /only for scalar outputs/);
});
