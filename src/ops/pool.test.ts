import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F, gradCheck, nn, randn, tensor, type Tensor } from '../index.js';
import { Rng } from '../tensor/rng.js';

function seq(shape: number[], a: number, b: number): Tensor {
  const n = shape.reduce((s, v) => s * v, 1);
  return tensor(Array.from({ length: n }, (_, i) => Math.sin(a * i + b)), shape);
}

// Distinct values at least 0.05 apart in random order: finite differences never flip a max.
function noTies(shape: number[], seed: number): Tensor {
  const n = shape.reduce((s, v) => s * v, 1);
  const v = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.05);
  new Rng(seed).shuffle(v);
  return tensor(v, shape, { requiresGrad: true });
}

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tol, `element ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

const total = (t: Tensor): number => t.toArray().reduce((a, v) => a + v, 0);

test('maxPool2d 2×2 picks the max of each window and routes the gradient to it', () => {
  const x = tensor([1, 5, 2, 0, 3, 4, 8, 7, 0, 1, 2, 3, 9, 6, 5, 4], [1, 1, 4, 4], { requiresGrad: true });
  const y = F.maxPool2d(x, { kernelSize: 2 });
  assert.deepEqual(Array.from(y.toArray()), [5, 8, 9, 5]);
  y.sum().backward();
  assert.deepEqual(Array.from(x.grad!.toArray()), [0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0]);
  assert.deepEqual(F.maxPool2d(randn([2, 6, 28, 28]), 2).shape, [2, 6, 14, 14]); // a number is the kernelSize
});

test('pooling matches PyTorch: padding, stride, ceilMode, countIncludePad, dilation, adaptive', () => {
  const x = seq([1, 2, 7, 8], 0.71, 0.3);
  const opts = { kernelSize: 3, stride: 2, padding: 1, ceilMode: true };
  const m = F.maxPool2d(x, opts);
  assert.deepEqual(m.shape, [1, 2, 4, 5]);
  close([total(m)], [21.08117], 1e-4);
  const a = F.avgPool2d(x, { ...opts, countIncludePad: false });
  close(a.toArray().slice(0, 5), [0.30987, 0.79176, 0.23916, -0.7199, -0.92374]);
  close([total(a)], [-0.52419], 1e-4);
  const a2 = F.avgPool2d(x, opts);
  close(a2.toArray().slice(0, 5), [0.13772, 0.52784, 0.15944, -0.47994, -0.30791]);
  close([total(a2)], [0.31965], 1e-4);
  const ad = F.adaptiveAvgPool2d(x, [3, 5]);
  assert.deepEqual(ad.shape, [1, 2, 3, 5]);
  close(ad.toArray().slice(0, 5), [0.04285, 0.66524, 0.67764, -0.07774, -0.76184]);
  close([total(ad)], [1.06559], 1e-4);
  const m1 = F.maxPool1d(seq([1, 1, 10], 0.77, 0), { kernelSize: 3, stride: 3, padding: 1, dilation: 2, ceilMode: true });
  close(m1.toArray(), [0.73901, 0.99953, 0.60265, -0.12287]);
});

test("avgPool divisor is PyTorch's: window clipped to the padded input, or only real elements", () => {
  const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 9]);
  const o = { kernelSize: 4, stride: 3, padding: 2, ceilMode: true };
  assert.deepEqual(Array.from(F.avgPool1d(x, o).toArray()), [0.75, 3.5, 6.5, 4.25]);
  assert.deepEqual(Array.from(F.avgPool1d(x, { ...o, countIncludePad: false }).toArray()), [1.5, 3.5, 6.5, 8.5]);
  const x7 = tensor([1, 2, 3, 4, 5, 6, 7], [1, 1, 1, 7]);
  assert.deepEqual(Array.from(F.adaptiveAvgPool2d(x7, [1, 3]).toArray()), [2, 4, 6]);
});

test("ceilMode output sizes follow PyTorch's last-window rule", () => {
  const size = (n: number, o: { kernelSize: number; stride?: number; padding?: number }): number[] => [
    F.maxPool1d(randn([1, 1, n]), { ...o, ceilMode: true }).shape[2]!,
    F.avgPool1d(randn([1, 1, n]), { ...o, ceilMode: true }).shape[2]!,
  ];
  assert.deepEqual(size(4, { kernelSize: 3, stride: 2, padding: 1 }), [3, 3]);
  assert.deepEqual(size(5, { kernelSize: 3, stride: 2, padding: 1 }), [3, 3]);
  assert.deepEqual(size(4, { kernelSize: 2, stride: 2, padding: 1 }), [3, 3]);
  assert.deepEqual(size(5, { kernelSize: 2, stride: 2, padding: 1 }), [3, 3]); // the 4th would start in the right padding
  assert.deepEqual(size(4, { kernelSize: 2 }), [2, 2]);
  assert.deepEqual(size(5, { kernelSize: 2 }), [3, 3]);
});

test('max pooling gradients (1D, 2D, 3D; padding, dilation, ceilMode, overlap) pass gradCheck', () => {
  const cases: [Tensor, (x: Tensor) => Tensor][] = [
    [noTies([2, 3, 11], 1), (x) => F.maxPool1d(x, { kernelSize: 3, stride: 2, padding: 1, dilation: 2, ceilMode: true })],
    [noTies([2, 2, 7, 6], 2), (x) => F.maxPool2d(x, { kernelSize: [3, 2], stride: [2, 1], padding: [1, 1] })],
    [noTies([1, 2, 7, 7], 3), (x) => F.maxPool2d(x, { kernelSize: 2, stride: 2, ceilMode: true })],
    [noTies([1, 2, 5, 6, 5], 4), (x) => F.maxPool3d(x, { kernelSize: [2, 3, 2], stride: [1, 2, 2], padding: [0, 1, 1] })],
    [noTies([3, 5, 6], 5), (x) => F.maxPool2d(x, { kernelSize: 2 })], // unbatched
  ];
  for (const [x, fn] of cases) gradCheck(fn, [x]);
});

test('average and adaptive pooling gradients pass gradCheck', () => {
  const cases: [number[], (x: Tensor) => Tensor][] = [
    [[2, 3, 10], (x) => F.avgPool1d(x, { kernelSize: 4, stride: 3, padding: 2, ceilMode: true })],
    [[2, 3, 10], (x) => F.avgPool1d(x, { kernelSize: 4, stride: 3, padding: 2, ceilMode: true, countIncludePad: false })],
    [[2, 2, 7, 6], (x) => F.avgPool2d(x, { kernelSize: [3, 2], stride: [2, 1], padding: [1, 1], countIncludePad: false })],
    [[1, 2, 5, 6, 5], (x) => F.avgPool3d(x, { kernelSize: 2, stride: [1, 2, 2], padding: 1 })],
    [[2, 3, 7, 5], (x) => F.adaptiveAvgPool2d(x, [3, 4])],
    [[2, 3, 5, 9], (x) => F.adaptiveAvgPool2d(x, [null, 4])],
    [[2, 3, 4, 5, 3], (x) => F.globalAvgPool(x)],
  ];
  cases.forEach(([shape, fn], i) => gradCheck(fn, [randn(shape, { seed: 70 + i, requiresGrad: true })]));
  gradCheck((x) => F.globalMaxPool(x), [noTies([2, 3, 4, 5], 9)]);
});

test('global pools keep [N, C, 1, ...] for any number of spatial dims', () => {
  for (const shape of [[2, 3, 5], [2, 3, 4, 5], [2, 3, 2, 3, 4]]) {
    const x = randn(shape, { seed: 1 });
    const keep = [2, 3, ...shape.slice(2).map(() => 1)];
    assert.deepEqual(F.globalAvgPool(x).shape, keep);
    assert.deepEqual(F.globalMaxPool(x).shape, keep);
    const xs = x.toArray();
    const plane = xs.length / 6;
    const first = Array.from(xs.subarray(0, plane));
    close([F.globalMaxPool(x).toArray()[0]!], [Math.max(...first)], 0);
    close([F.globalAvgPool(x).toArray()[0]!], [first.reduce((a, v) => a + v, 0) / plane], 1e-5);
  }
});

test('pool errors name the op, the shapes and what was expected', () => {
  const x = randn([1, 2, 5, 5], { seed: 1 });
  assert.throws(() => F.maxPool2d(x, { kernelSize: 3, padding: 2 }), /maxPool2d: padding should be at most half of the kernel size.*padding \[2, 2\] for kernelSize \[3, 3\]/);
  assert.throws(() => F.avgPool2d(x, { kernelSize: 2, padding: [0, 2] }), /avgPool2d: padding should be at most half/);
  assert.throws(() => F.maxPool2d(x, { kernelSize: 6 }), /maxPool2d: input \[1, 2, 5, 5\].*along H: r = \(q - k \+ 2p\)\/s \+ 1 = \(5 - 6 \+ 2·0\)\/6 \+ 1 = 0/);
  assert.throws(() => F.maxPool2d(x, { kernelSize: 3, dilation: 3 }), /3 dilated by 3 spans 7/);
  assert.throws(() => F.maxPool2d(x, { kernelSize: 2, stride: 0 }), /maxPool2d: stride must be positive integers, got 0/);
  assert.throws(() => F.avgPool1d(x, { kernelSize: 2 }), /avgPool1d: expected a 3-D input \(N, C, L\) or 2-D unbatched, got \[1, 2, 5, 5\]/);
  assert.throws(() => F.maxPool3d(randn([2, 5, 5]), { kernelSize: 2 }), /maxPool3d: expected a 5-D input \(N, C, D, H, W\) or 4-D unbatched, got \[2, 5, 5\]/);
  assert.throws(() => F.maxPool2d(x, { kernelSize: [2, 2, 2] }), /kernelSize \[2, 2, 2\] needs one value or 2/);
  assert.throws(() => F.maxPool2d(x, {} as { kernelSize: number }), /maxPool2d: kernelSize is required/);
  assert.throws(() => F.adaptiveAvgPool2d(x, [0, 2]), /adaptiveAvgPool2d: outputSize must be positive integers/);
  assert.throws(() => F.globalAvgPool(randn([2, 3])), /globalAvgPool: expected \(N, C, \.\.\.spatial\).*got \[2, 3\]/);
});

test('every pooling op and conv rejects a zero or negative stride, in every calling form', () => {
  const x1 = randn([1, 1, 6], { seed: 1 });
  const x2 = randn([1, 1, 6, 6], { seed: 1 });
  const x3 = randn([1, 1, 4, 4, 4], { seed: 1 });
  const cases: [string, (stride: number) => unknown][] = [
    ['maxPool1d', (s) => F.maxPool1d(x1, 2, { stride: s })], ['maxPool2d', (s) => F.maxPool2d(x2, 2, { stride: s })],
    ['maxPool3d', (s) => F.maxPool3d(x3, 2, { stride: s })], ['avgPool1d', (s) => F.avgPool1d(x1, 2, { stride: s })],
    ['avgPool2d', (s) => F.avgPool2d(x2, { kernelSize: 2, stride: s })], ['avgPool3d', (s) => F.avgPool3d(x3, 2, { stride: s })],
    ['maxPool2d', (s) => new nn.MaxPool2d(2, { stride: s }).forward(x2)],
    ['conv2d', (s) => F.conv2d(x2, randn([1, 1, 3, 3], { seed: 2 }), null, { stride: s })],
    ['conv1d', (s) => F.conv1d(x1, randn([1, 1, 3], { seed: 2 }), null, { stride: s })],
  ];
  for (const [op, call] of cases) {
    for (const s of [0, -1]) assert.throws(() => call(s), new RegExp(`${op}: stride must be positive integers, got ${s}`), `${op} stride ${s}`);
  }
  assert.deepEqual(F.maxPool2d(x2, 2, { stride: 1 }).shape, [1, 1, 5, 5], 'the options after a kernel size are used');
});
