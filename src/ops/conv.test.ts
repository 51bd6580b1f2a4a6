import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F, gradCheck, randn, tensor, type Tensor } from '../index.js';
import type { ConvPadding } from './conv-geometry.js';

// Deterministic test data that a Python script can rebuild exactly: sin(a·i + b).
function seq(shape: number[], a: number, b: number, requiresGrad = false): Tensor {
  const n = shape.reduce((s, v) => s * v, 1);
  return tensor(Array.from({ length: n }, (_, i) => Math.sin(a * i + b)), shape, { requiresGrad });
}

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tol, `element ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

// An independent oracle: the convolution sum written out directly, any rank, no im2col.
function directConv(
  x: Tensor, w: Tensor, b: Tensor | null, stride: number[], padBegin: number[], dilation: number[],
  groups: number, outSize: number[],
): Float32Array {
  const [N, C] = x.shape as [number, number];
  const O = w.shape[0]!;
  const inS = x.shape.slice(2);
  const kS = w.shape.slice(2);
  const nd = inS.length;
  const cg = C / groups;
  const og = O / groups;
  const xd = x.toArray();
  const wd = w.toArray();
  const prod = (a: readonly number[]): number => a.reduce((s, v) => s * v, 1);
  const unravel = (i: number, shape: readonly number[]): number[] => {
    const r = new Array<number>(shape.length);
    for (let d = shape.length - 1; d >= 0; d--) {
      r[d] = i % shape[d]!;
      i = Math.floor(i / shape[d]!);
    }
    return r;
  };
  const out = new Float32Array(N * O * prod(outSize));
  let idx = 0;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const g = Math.floor(o / og);
      for (let pos = 0; pos < prod(outSize); pos++) {
        const op = unravel(pos, outSize);
        let s = b ? b.toArray()[o]! : 0;
        for (let c = 0; c < cg; c++) {
          for (let k = 0; k < prod(kS); k++) {
            const kp = unravel(k, kS);
            let flat = 0;
            let inside = true;
            for (let d = 0; d < nd; d++) {
              const i = op[d]! * stride[d]! - padBegin[d]! + kp[d]! * dilation[d]!;
              if (i < 0 || i >= inS[d]!) inside = false;
              flat = flat * inS[d]! + i;
            }
            if (inside) s += xd[(n * C + g * cg + c) * prod(inS) + flat]! * wd[(o * cg + c) * prod(kS) + k]!;
          }
        }
        out[idx++] = s;
      }
    }
  }
  return out;
}

test("lecture example: 5×5 image, 3×3 kernel → [[12,12,17],[10,17,19],[9,6,14]]", () => {
  const x = tensor([3, 3, 2, 1, 0, 0, 0, 1, 3, 1, 3, 1, 2, 2, 3, 2, 0, 0, 2, 2, 2, 0, 0, 0, 1], [1, 1, 5, 5]);
  const w = tensor([0, 1, 2, 2, 2, 0, 0, 1, 2], [1, 1, 3, 3]);
  const y = F.conv2d(x, w);
  assert.deepEqual(y.shape, [1, 1, 3, 3]);
  assert.deepEqual(Array.from(y.toArray()), [12, 12, 17, 10, 17, 19, 9, 6, 14]);
});

test('lecture example: 5×5×3 image, two 3×3×3 kernels, padding 1, stride 2 → 3×3×2', () => {
  const x = randn([1, 3, 5, 5], { seed: 3 });
  const w = randn([2, 3, 3, 3], { seed: 4 });
  const b = tensor([1, 0], [2]);
  const y = F.conv2d(x, w, b, { stride: 2, padding: 1 });
  // r = (5 - 3 + 2·1)/2 + 1 = 3 per dim, one 3×3 map per kernel
  assert.deepEqual(y.shape, [1, 2, 3, 3]);
  close(y.toArray(), directConv(x, w, b, [2, 2], [1, 1], [1, 1], 1, [3, 3]));
});

test('lecture example: a [3,3,2] kernel has 18 weights plus 1 bias', () => {
  const w = seq([1, 2, 3, 3], 0.4, 0);
  const b = tensor([0.5], [1]);
  assert.equal(w.numel() + b.numel(), 19);
  const x = seq([1, 2, 3, 3], 0.9, 1);
  // A 3×3 input and a 3×3 kernel give one output: the 18 products plus the bias.
  const y = F.conv2d(x, w, b);
  assert.deepEqual(y.shape, [1, 1, 1, 1]);
  let s = 0.5;
  for (let i = 0; i < 18; i++) s += x.toArray()[i]! * w.toArray()[i]!;
  close(y.toArray(), [s], 1e-5);
});

test('conv2d matches PyTorch: stride (2,1), padding (1,2), dilation (2,1), groups 2', () => {
  const x = seq([2, 4, 7, 6], 0.37, 0.1);
  const w = seq([6, 2, 3, 2], 0.23, 0.5);
  const b = seq([6], 1.1, 0);
  const y = F.conv2d(x, w, b, { stride: [2, 1], padding: [1, 2], dilation: [2, 1], groups: 2 });
  assert.deepEqual(y.shape, [2, 6, 3, 9]); // torch.nn.functional.conv2d, torch 1.13
  close(y.toArray().slice(0, 6), [0.0, 0.65131, 1.11919, 1.25122, 1.2139, 1.01229]);
  close([y.toArray().reduce((a, v) => a + v, 0)], [3.3761], 1e-3);
});

test("conv1d matches PyTorch: padding 'same' with dilation 2 and an even kernel", () => {
  const x = seq([1, 3, 9], 0.5, 0);
  const w = seq([2, 3, 4], 0.3, 0.2);
  const y = F.conv1d(x, w, null, { padding: 'same', dilation: 2 });
  assert.deepEqual(y.shape, [1, 2, 9]);
  close(y.toArray(), [0.46555, 0.44463, 1.10415, 0.74248, 0.62844, 0.36053, 0.85018, 0.90525, 1.1121,
    -1.42224, -1.44057, -2.30013, -1.6934, -1.62478, -1.15836, -1.81764, -1.2674, -1.47408]);
});

interface Case {
  nd: 1 | 2 | 3;
  inSize: number[];
  inC: number;
  outC: number;
  k: number[];
  stride?: number | number[];
  padding?: ConvPadding;
  dilation?: number | number[];
  groups?: number;
  bias?: boolean;
}

const grid: Case[] = [
  { nd: 1, inSize: [9], inC: 3, outC: 2, k: [3], bias: true },
  { nd: 1, inSize: [10], inC: 2, outC: 4, k: [4], stride: 3, padding: 2, dilation: 2, groups: 2, bias: true },
  { nd: 1, inSize: [7], inC: 2, outC: 2, k: [4], padding: 'same' },
  { nd: 2, inSize: [5, 6], inC: 3, outC: 2, k: [3, 3], stride: 2, padding: 1, bias: true },
  { nd: 2, inSize: [6, 5], inC: 4, outC: 6, k: [2, 3], stride: [1, 2], padding: { begin: [1, 0], end: [0, 2] }, groups: 2, bias: true },
  { nd: 2, inSize: [7, 7], inC: 3, outC: 3, k: [3, 3], dilation: [2, 1], padding: 'same', groups: 3 }, // depthwise
  { nd: 2, inSize: [5, 5], inC: 2, outC: 6, k: [3, 3], padding: 'valid', groups: 2, bias: true }, // depthwise ×3
  { nd: 2, inSize: [4, 4], inC: 3, outC: 5, k: [1, 1], bias: true }, // pointwise shortcut
  { nd: 3, inSize: [4, 5, 4], inC: 2, outC: 3, k: [2, 3, 2], stride: [1, 2, 1], padding: [1, 0, 1], bias: true },
  { nd: 3, inSize: [5, 4, 4], inC: 2, outC: 2, k: [3, 2, 2], dilation: [2, 1, 1], groups: 2, padding: 'same' },
];

const convOf = { 1: F.conv1d, 2: F.conv2d, 3: F.conv3d } as const;

test('conv1d/2d/3d forward equals the direct sum over a grid of shapes', () => {
  grid.forEach((c, i) => {
    const g = c.groups ?? 1;
    const x = randn([2, c.inC, ...c.inSize], { seed: 10 + i });
    const w = randn([c.outC, c.inC / g, ...c.k], { seed: 20 + i });
    const b = c.bias ? randn([c.outC], { seed: 30 + i }) : null;
    const y = convOf[c.nd](x, w, b, { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups });
    const arr = (v: number | number[] | undefined, d: number): number[] =>
      v === undefined ? new Array<number>(c.nd).fill(d) : typeof v === 'number' ? new Array<number>(c.nd).fill(v) : v;
    const dil = arr(c.dilation, 1);
    let begin: number[];
    if (c.padding === 'same') begin = c.k.map((k, d) => Math.floor((dil[d]! * (k - 1)) / 2));
    else if (c.padding === 'valid' || c.padding === undefined) begin = arr(0, 0);
    else if (typeof c.padding === 'object' && 'begin' in c.padding) begin = c.padding.begin as number[];
    else begin = arr(c.padding as number | number[], 0);
    const expected = directConv(x, w, b, arr(c.stride, 1), begin, dil, g, y.shape.slice(2));
    close(y.toArray(), expected, 1e-4);
    if (c.padding === 'same') assert.deepEqual(y.shape.slice(2), c.inSize, `case ${i}: 'same' keeps the size`);
  });
});

test('conv gradients (x, weight, bias) pass gradCheck over the grid', () => {
  grid.forEach((c, i) => {
    const g = c.groups ?? 1;
    const x = randn([2, c.inC, ...c.inSize], { seed: 40 + i, requiresGrad: true });
    const w = randn([c.outC, c.inC / g, ...c.k], { seed: 50 + i, requiresGrad: true });
    const b = c.bias ? randn([c.outC], { seed: 60 + i, requiresGrad: true }) : null;
    const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
    const conv = convOf[c.nd];
    if (b) gradCheck((xx, ww, bb) => conv(xx!, ww!, bb!, opts), [x, w, b]);
    else gradCheck((xx, ww) => conv(xx!, ww!, null, opts), [x, w]);
  });
});

test('conv backward fills only the gradients that are needed', () => {
  const x = randn([1, 2, 5, 5], { seed: 1 });
  const w = randn([3, 2, 3, 3], { seed: 2, requiresGrad: true });
  const b = randn([3], { seed: 3 });
  F.conv2d(x, w, b).sum().backward();
  assert.ok(w.grad);
  assert.equal(x.grad, null);
  assert.equal(b.grad, null);
  // d(sum)/d w[o, c, i, j] = sum of the inputs that weight touches; check one entry.
  const xs = x.toArray();
  let s = 0;
  for (let r = 0; r < 3; r++) for (let q = 0; q < 3; q++) s += xs[25 + (r + 1) * 5 + (q + 2)]!;
  close([w.grad!.toArray()[9 + 1 * 3 + 2]!], [s], 1e-5);
});

test('unbatched input (C, H, W) works as in PyTorch', () => {
  const x = randn([2, 6, 5], { seed: 5, requiresGrad: true });
  const w = randn([3, 2, 3, 3], { seed: 6 });
  const y = F.conv2d(x, w, null, { padding: 1 });
  assert.deepEqual(y.shape, [3, 6, 5]);
  close(y.toArray(), F.conv2d(x.reshape([1, 2, 6, 5]), w, null, { padding: 1 }).toArray(), 0);
  gradCheck((xx) => F.conv2d(xx!, w, null, { padding: 1 }), [x]);
});

test('conv errors name the op, the shapes and what was expected', () => {
  const x = randn([1, 3, 4, 4], { seed: 1 });
  assert.throws(() => F.conv2d(x, randn([2, 3, 7, 7])), (e: Error) =>
    /conv2d: input \[1, 3, 4, 4\], weight \[2, 3, 7, 7\]/.test(e.message) &&
    e.message.includes('r = (q - k + 2p)/s + 1 = (4 - 7 + 2·0)/1 + 1 = -2'));
  assert.throws(() => F.conv2d(x, randn([2, 3, 3, 3]), null, { dilation: 3 }), /kernel \(3 dilated by 3 spans 7\).*\(4 - 7 \+ 2·0\)\/1 \+ 1/);
  assert.throws(() => F.conv2d(randn([1, 3, 3, 4]), randn([2, 3, 3, 3]), null, { padding: { begin: [1, 0], end: [0, 0] }, dilation: 2, stride: 2 }),
    /padding \{ begin: \[1, 0\], end: \[0, 0\] \}.*along H: r = \(q - k \+ p_begin \+ p_end\)\/s \+ 1 = \(3 - 5 \+ 1 \+ 0\)\/2 \+ 1 = 0/);
  assert.throws(() => F.conv2d(x, randn([2, 2, 3, 3])), /has 3 channels but the weight expects weight.shape\[1\]·groups = 2·1 = 2/);
  assert.throws(() => F.conv2d(x, randn([2, 1, 3, 3]), null, { groups: 2 }), /groups=2 must divide the input channels.*\[1, 3, 4, 4\]/);
  assert.throws(() => F.conv2d(randn([1, 4, 4, 4]), randn([3, 2, 3, 3]), null, { groups: 2 }), /groups=2 must divide the output channels/);
  assert.throws(() => F.conv2d(x, randn([2, 3, 3, 3]), null, { groups: 0 }), /groups must be a positive integer, got 0/);
  assert.throws(() => F.conv2d(x, randn([2, 3, 3, 3]), null, { stride: 0 }), /conv2d: stride must be positive integers, got 0/);
  assert.throws(() => F.conv2d(x, randn([2, 3, 3, 3]), null, { stride: 1.5 }), /stride must be positive integers, got 1.5/);
  assert.throws(() => F.conv2d(x, randn([2, 3, 3, 3]), null, { dilation: [1, 0] }), /dilation must be positive integers, got \[1, 0\]/);
  assert.throws(() => F.conv2d(x, randn([2, 3, 3, 3]), null, { padding: -1 }), /padding must be non-negative integers, got -1/);
  assert.throws(() => F.conv2d(x, randn([2, 3, 3, 3]), null, { padding: [1, 1, 1] }), /padding \[1, 1, 1\] needs one value or 2/);
  assert.throws(() => F.conv2d(x, randn([2, 3, 3, 3]), null, { padding: 'same', stride: 2 }), /padding 'same' needs stride 1/);
  assert.throws(() => F.conv2d(x, randn([2, 3, 3, 3]), randn([3])), /conv2d: bias \[3\] must be \[2\]/);
  assert.throws(() => F.conv2d(randn([4, 4]), randn([2, 3, 3, 3])), /conv2d: expected a 4-D input \(N, C, H, W\) or 3-D unbatched, got input \[4, 4\]/);
  assert.throws(() => F.conv1d(randn([1, 3, 4]), randn([2, 3, 3, 3])), /conv1d: expected a 3-D weight/);
  assert.throws(() => F.conv3d(randn([1, 1, 2, 4, 4]), randn([1, 1, 3, 3, 3])), /along D/);
});
