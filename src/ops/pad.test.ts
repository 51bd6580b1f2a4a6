import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F, gradCheck, randn, tensor, type Tensor } from '../index.js';
import { subsamplePadChannels } from './pad.js';

function seq(shape: number[], a: number, b: number): Tensor {
  const n = shape.reduce((s, v) => s * v, 1);
  return tensor(Array.from({ length: n }, (_, i) => Math.sin(a * i + b)), shape);
}

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tol, `element ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

test('constant padding, last dim first, with a value; negative pads crop', () => {
  const x = tensor([1, 2, 3, 4, 5, 6], [1, 2, 3]);
  const y = F.pad(x, [1, 0, 0, 1], { value: -1 });
  assert.deepEqual(y.shape, [1, 3, 4]);
  assert.deepEqual(Array.from(y.toArray()), [-1, 1, 2, 3, -1, 4, 5, 6, -1, -1, -1, -1]);
  assert.deepEqual(Array.from(F.pad(x, [-1, 1]).toArray()), [2, 3, 0, 5, 6, 0]);
  assert.deepEqual(F.pad(x, [0, 0, 0, 0, 2, 1]).shape, [4, 2, 3]); // pads may reach the first dim
});

test('reflect and replicate match PyTorch', () => {
  const x = seq([1, 1, 3, 3], 0.9, 0);
  const r = F.pad(x, [2, 1, 1, 2], { mode: 'reflect' });
  assert.deepEqual(r.shape, [1, 1, 6, 6]);
  close(r.toArray(), [
    -0.97753, -0.44252, 0.42738, -0.44252, -0.97753, -0.44252,
    0.97385, 0.78333, 0.0, 0.78333, 0.97385, 0.78333,
    -0.97753, -0.44252, 0.42738, -0.44252, -0.97753, -0.44252,
    0.79367, 0.01681, -0.77276, 0.01681, 0.79367, 0.01681,
    -0.97753, -0.44252, 0.42738, -0.44252, -0.97753, -0.44252,
    0.97385, 0.78333, 0.0, 0.78333, 0.97385, 0.78333,
  ]);
  const p = F.pad(x, [2, 1, 1, 2], { mode: 'replicate' });
  close(p.toArray().slice(0, 12), [0.0, 0.0, 0.0, 0.78333, 0.97385, 0.97385, 0.0, 0.0, 0.0, 0.78333, 0.97385, 0.97385]);
  assert.deepEqual(Array.from(F.pad(tensor([1, 2, 3], [1, 1, 3]), [2, 1], { mode: 'reflect' }).toArray()), [3, 2, 1, 2, 3, 2]);
});

test('pad backward: reflect and replicate add up the mirrored parts', () => {
  const x = tensor([1, 2, 3], [1, 1, 3], { requiresGrad: true });
  F.pad(x, [2, 1], { mode: 'reflect' }).sum().backward();
  assert.deepEqual(Array.from(x.grad!.toArray()), [1, 3, 2]); // out reads [3, 2, 1, 2, 3, 2]
  x.grad = null;
  F.pad(x, [2, 1], { mode: 'replicate' }).sum().backward();
  assert.deepEqual(Array.from(x.grad!.toArray()), [3, 1, 2]);
});

test('pad gradients pass gradCheck for every mode, 1 to 3 padded dims, and cropping', () => {
  const cases: [number[], number[], 'constant' | 'reflect' | 'replicate'][] = [
    [[2, 3, 5], [2, 3], 'reflect'],
    [[2, 2, 4, 5], [1, 2, 3, 0], 'reflect'],
    [[1, 2, 3, 4, 4], [1, 1, 2, 0, 1, 2], 'reflect'],
    [[2, 3, 5], [3, 1], 'replicate'],
    [[1, 2, 3, 4, 3], [2, 1, 0, 3, 1, 1], 'replicate'],
    [[2, 2, 4, 5], [1, -2, -1, 2], 'constant'],
    [[2, 3, 4], [1, 1, 2, 0, 1, 1], 'constant'],
  ];
  cases.forEach(([shape, pads, mode], i) => {
    gradCheck((x) => F.pad(x, pads, { mode, value: 0.5 }), [randn(shape, { seed: 80 + i, requiresGrad: true })]);
  });
});

test('pad errors name the op, the shapes and what was expected', () => {
  const x = randn([1, 1, 3, 3], { seed: 1 });
  assert.throws(() => F.pad(x, [3, 0], { mode: 'reflect' }), /pad: reflect padding \(3, 0\) of dim 3 must be smaller than that dim \(size 3\) of input \[1, 1, 3, 3\]/);
  assert.throws(() => F.pad(x, [1, 2, 3]), /pad: pads \[1, 2, 3\] must hold \(before, after\) pairs for at most the 4 dims of input \[1, 1, 3, 3\]/);
  assert.throws(() => F.pad(x, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), /at most the 4 dims/);
  assert.throws(() => F.pad(x, [1.5, 0]), /pad: pads must be integers, got \[1.5, 0\]/);
  assert.throws(() => F.pad(x, [-2, -1]), /pad: padding \(-2, -1\) of dim 3 of input \[1, 1, 3, 3\] gives size 0, need ≥ 1/);
  assert.throws(() => F.pad(x, [1, 1], { mode: 'circular' as 'reflect' }), /pad: mode must be 'constant', 'reflect' or 'replicate', got 'circular'/);
});

test('subsamplePadChannels is a 1×1 strided max pool then channel padding, values and gradients alike', () => {
  for (const [shape, stride, before, after] of [[[2, 3, 9, 8], 2, 2, 1], [[1, 4, 7], 3, 0, 2], [[1, 2, 5, 4, 6], 2, 1, 1]] as const) {
    const x = randn([...shape], { seed: 7, requiresGrad: true });
    const pool = [F.maxPool1d, F.maxPool2d, F.maxPool3d][shape.length - 3]!;
    const want = F.pad(pool(x, { kernelSize: 1, stride }), [...new Array<number>(2 * (shape.length - 2)).fill(0), before, after]);
    assert.deepEqual(Array.from(subsamplePadChannels(x, stride, before, after).toArray()), Array.from(want.toArray()));
    gradCheck((t) => subsamplePadChannels(t, stride, before, after), [x]);
  }
  assert.throws(() => subsamplePadChannels(randn([2, 3]), 2, 0, 0), /must be \(N, C/);
});
