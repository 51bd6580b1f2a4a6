import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F, gradCheck, nn, randn } from '../index.js';
import type { ConvTransposeOptions } from './conv-transpose.js';

interface Case {
  nd: 1 | 2 | 3;
  inSize: number[];
  inC: number;
  outC: number;
  k: number[];
  opts: ConvTransposeOptions;
  bias?: boolean;
  /** outputPadding ≥ stride (allowed below the dilation): conv maps the output to a larger size. */
  longerBack?: boolean;
}

const grid: Case[] = [
  { nd: 1, inSize: [5], inC: 3, outC: 2, k: [3], opts: {}, bias: true },
  { nd: 1, inSize: [4], inC: 2, outC: 4, k: [3], opts: { stride: 3, padding: 1, outputPadding: 2, groups: 2 }, bias: true },
  { nd: 2, inSize: [3, 4], inC: 3, outC: 2, k: [4, 4], opts: { stride: 2, padding: 1 }, bias: true },
  { nd: 2, inSize: [3, 3], inC: 2, outC: 3, k: [3, 2], opts: { dilation: [2, 1], outputPadding: [1, 0] }, longerBack: true },
  { nd: 2, inSize: [4, 3], inC: 4, outC: 6, k: [2, 3], opts: { stride: [1, 2], padding: { begin: [1, 0], end: [0, 2] }, groups: 2 }, bias: true },
  { nd: 2, inSize: [3, 3], inC: 3, outC: 3, k: [3, 3], opts: { stride: 2, groups: 3 } }, // depthwise
  { nd: 3, inSize: [2, 3, 2], inC: 2, outC: 2, k: [2, 2, 3], opts: { stride: [2, 1, 2], padding: [0, 1, 1], outputPadding: [1, 0, 0] }, bias: true },
];

const convTransposeOf = { 1: F.convTranspose1d, 2: F.convTranspose2d, 3: F.convTranspose3d } as const;
const convOf = { 1: F.conv1d, 2: F.conv2d, 3: F.conv3d } as const;

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

test('convTranspose is the adjoint of conv: <convT(x), y> = <x, conv(y)> over the grid', () => {
  grid.forEach((c, i) => {
    if (c.longerBack) return;
    const g = c.opts.groups ?? 1;
    const x = randn([2, c.inC, ...c.inSize], { seed: 70 + i });
    const w = randn([c.inC, c.outC / g, ...c.k], { seed: 80 + i });
    const t = convTransposeOf[c.nd](x, w, null, c.opts);
    const y = randn(t.shape, { seed: 90 + i });
    const { stride, padding, dilation, groups } = c.opts;
    const back = convOf[c.nd](y, w, null, { stride, padding, dilation, groups });
    assert.deepEqual(back.shape, x.shape, `case ${i}`);
    const lhs = dot(t.toArray(), y.toArray());
    const rhs = dot(x.toArray(), back.toArray());
    assert.ok(Math.abs(lhs - rhs) <= 1e-4 * (1 + Math.abs(lhs)), `case ${i}: ${lhs} vs ${rhs}`);
  });
});

test('convTranspose gradients (x, weight, bias) pass gradCheck over the grid', () => {
  grid.forEach((c, i) => {
    const g = c.opts.groups ?? 1;
    const x = randn([2, c.inC, ...c.inSize], { seed: 40 + i, requiresGrad: true });
    const w = randn([c.inC, c.outC / g, ...c.k], { seed: 50 + i, requiresGrad: true });
    const b = c.bias ? randn([c.outC], { seed: 60 + i, requiresGrad: true }) : null;
    const f = convTransposeOf[c.nd];
    if (b) gradCheck((xx, ww, bb) => f(xx!, ww!, bb!, c.opts), [x, w, b]);
    else gradCheck((xx, ww) => f(xx!, ww!, null, c.opts), [x, w]);
  });
});

test('unbatched input and the output-size formula r = (q - 1)·s - 2p + d·(k - 1) + a + 1', () => {
  const x = randn([4, 5, 6], { seed: 1, requiresGrad: true });
  const w = randn([4, 3, 3, 3], { seed: 2 });
  const y = F.convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 });
  assert.deepEqual(y.shape, [3, 10, 12]); // (5 - 1)·2 - 2 + 2 + 1 + 1 = 10, (6 - 1)·2 - 2 + 2 + 1 + 1 = 12
  assert.deepEqual(Array.from(y.toArray()),
    Array.from(F.convTranspose2d(x.reshape([1, 4, 5, 6]), w, null, { stride: 2, padding: 1, outputPadding: 1 }).toArray()));
  gradCheck((xx) => F.convTranspose2d(xx!, w, null, { stride: 2 }), [x]);
});

test('convTranspose errors name the op, the shapes and the formula', () => {
  const x = randn([1, 4, 3, 3], { seed: 1 });
  assert.throws(() => F.convTranspose2d(x, randn([4, 2, 3, 3]), null, { padding: 3 }), (e: Error) =>
    e.message.includes('convTranspose2d: input [1, 4, 3, 3], weight [4, 2, 3, 3]') &&
    e.message.includes('r = (q - 1)·s - 2p + d·(k - 1) + a + 1 = (3 - 1)·1 - 2·3 + 1·(3 - 1) + 0 + 1 = -1'));
  assert.throws(() => F.convTranspose2d(x, randn([4, 2, 3, 3]), null, { stride: 2, outputPadding: 2 }),
    /outputPadding 2 along H must be smaller than the stride 2 or the dilation 1/);
  assert.throws(() => F.convTranspose2d(x, randn([3, 2, 3, 3])), /has 4 channels but the weight expects weight.shape\[0\] = 3/);
  assert.throws(() => F.convTranspose2d(x, randn([4, 2, 3, 3]), null, { groups: 3 }), /groups=3 must divide the input channels/);
  assert.throws(() => F.convTranspose2d(x, randn([4, 2, 3, 3]), randn([2]), { groups: 2 }),
    /bias \[2\] must be \[4\] \(weight.shape\[1\]·groups output channels\)/);
  assert.throws(() => F.convTranspose1d(x, randn([4, 2, 3])), /convTranspose1d: expected a 3-D input \(N, C, L\) or 2-D unbatched/);
  assert.throws(() => F.convTranspose2d(x, randn([4, 2, 3, 3]), null, { padding: 'same' as unknown as number }),
    /padding must be a number, an array or \{ begin, end \}, got 'same'/);
});

test('nn.ConvTranspose2d: PyTorch weight layout, parameter names and init bounds', () => {
  const layer = new nn.ConvTranspose2d(6, 4, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 });
  assert.deepEqual(layer.namedParameters().map(([n, p]) => [n, p.shape]), [['weight', [6, 2, 3, 3]], ['bias', [4]]]);
  // PyTorch computes fan_in from weight.size(1)·∏kernel = 2·9 for a transposed conv's layout.
  const bound = 1 / Math.sqrt(18);
  assert.ok(layer.bias!.toArray().every((v) => Math.abs(v) <= bound));
  assert.ok(layer.weight.toArray().every((v) => Math.abs(v) <= bound));
  assert.deepEqual(layer.forward(randn([2, 6, 5, 5])).shape, [2, 4, 10, 10]);
  assert.deepEqual(new nn.ConvTranspose1d(2, 3, 4, { bias: false }).parameters().length, 1);
  assert.deepEqual(new nn.ConvTranspose3d(2, 2, 2, { stride: 2 }).forward(randn([1, 2, 2, 3, 2])).shape, [1, 2, 4, 6, 4]);
  assert.throws(() => new nn.ConvTranspose2d(6, 5, 3, { groups: 2 }), /groups=2 must divide inChannels=6 and outChannels=5/);
});
