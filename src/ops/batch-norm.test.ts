import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { F, gradCheck, ones, randn, tensor, zeros, type Tensor } from '../index.js';

interface Pass { y: number[]; runningMean: number[]; runningVar: number[]; gx: number[]; gWeight: number[] | null; gBias: number[] | null }
interface Case {
  shape: number[]; momentum: number; eps: number; x: number[]; runningMean: number[]; runningVar: number[];
  weight: number[] | null; bias: number[] | null; gy: number[]; train: Pass; eval: Pass;
}
const golden = JSON.parse(readFileSync(new URL('../../test/fixtures/batch-norm.json', import.meta.url), 'utf8')) as {
  functional: Case[];
};

function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string, tol = 1e-4): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    assert.ok(d <= tol * (1 + Math.abs(expected[i]!)), `${what}[${i}]: got ${actual[i]}, PyTorch ${expected[i]}`);
  }
}

test('batchNorm matches PyTorch: outputs, running statistics and gradients, (N,C) to (N,C,D,H,W)', () => {
  for (const c of golden.functional) {
    const channels = c.shape[1]!;
    for (const mode of ['train', 'eval'] as const) {
      const x = tensor(c.x, c.shape, { requiresGrad: true });
      const rm = tensor(c.runningMean, [channels]);
      const rv = tensor(c.runningVar, [channels]);
      const w = c.weight && tensor(c.weight, [channels], { requiresGrad: true });
      const b = c.bias && tensor(c.bias, [channels], { requiresGrad: true });
      const y = F.batchNorm(x, rm, rv, w, b, { training: mode === 'train', momentum: c.momentum, eps: c.eps });
      y.backward(tensor(c.gy, c.shape));
      const ref = c[mode];
      const what = `${mode} ${JSON.stringify(c.shape)}`;
      assertClose(y.data, ref.y, `${what} y`);
      assertClose(rm.data, ref.runningMean, `${what} runningMean`);
      assertClose(rv.data, ref.runningVar, `${what} runningVar`);
      assertClose(x.grad!.data, ref.gx, `${what} gx`, 2e-4);
      if (w) assertClose(w.grad!.data, ref.gWeight!, `${what} gWeight`);
      if (b) assertClose(b.grad!.data, ref.gBias!, `${what} gBias`);
    }
  }
});

test('batchNorm running statistics by hand: momentum blend, unbiased variance', () => {
  const x = tensor([1, 10, 2, 20, 3, 30, 4, 40], [4, 2]);
  const rm = zeros([2]);
  const rv = ones([2]);
  const y = F.batchNorm(x, rm, rv, null, null, { training: true, momentum: 0.1 });
  // Channel 0: mean 2.5, biased variance 1.25, unbiased 5/3. Channel 1 is 10× that.
  assertClose(rm.data, [0.25, 2.5], 'runningMean', 1e-6);
  assertClose(rv.data, [0.9 + 0.1 * (5 / 3), 0.9 + 0.1 * (500 / 3)], 'runningVar', 1e-6);
  const s = 1 / Math.sqrt(1.25 + 1e-5);
  assertClose(y.data.filter((_, i) => i % 2 === 0), [-1.5 * s, -0.5 * s, 0.5 * s, 1.5 * s], 'y', 1e-6);
  // Evaluation uses the running statistics and leaves them alone.
  const e = F.batchNorm(tensor([0.25, 2.5], [1, 2]), rm, rv);
  assertClose(e.data, [0, 0], 'eval y', 1e-6);
  assertClose(rm.data, [0.25, 2.5], 'runningMean after eval', 1e-6);
  // momentum 1 keeps only the last batch; no running statistics at all is fine when training.
  F.batchNorm(x, rm, rv, null, null, { training: true, momentum: 1 });
  assertClose(rv.data, [5 / 3, 500 / 3], 'runningVar, momentum 1', 1e-6);
  assertClose(F.batchNorm(x, null, null, null, null, { training: true }).data, Array.from(y.data), 'no stats');
});

test('batchNorm gradients by finite differences, training and evaluation', () => {
  const cases: [number[], number][] = [[[6, 3], 1], [[2, 3, 5], 2], [[2, 2, 3, 3], 3], [[2, 2, 2, 2, 3], 4]];
  for (const [shape, seed] of cases) {
    const c = shape[1]!;
    const x = randn(shape, { requiresGrad: true, seed });
    const w = randn([c], { requiresGrad: true, seed: seed + 10 });
    const b = randn([c], { requiresGrad: true, seed: seed + 20 });
    const rm = randn([c], { seed: seed + 30 });
    const rv = ones([c]).add(0.5);
    gradCheck((xx: Tensor, ww: Tensor, bb: Tensor) => F.batchNorm(xx, null, null, ww, bb, { training: true }), [x, w, b],
      { atol: 1e-2 });
    gradCheck((xx: Tensor, ww: Tensor, bb: Tensor) => F.batchNorm(xx, rm, rv, ww, bb), [x, w, b]);
    gradCheck((xx: Tensor) => F.batchNorm(xx, rm, rv, null, null, { training: true }), [x], { atol: 1e-2 });
  }
});

test('batchNorm rejects wrong channel counts and impossible calls', () => {
  const x = randn([4, 3, 2, 2]);
  assert.throws(() => F.batchNorm(x, zeros([4]), ones([3])), /batchNorm: runningMean has shape \[4\], expected \[3\].*\[4, 3, 2, 2\]/);
  assert.throws(() => F.batchNorm(x, zeros([3]), ones([3, 1])), /runningVar has shape \[3, 1\], expected \[3\]/);
  assert.throws(() => F.batchNorm(x, zeros([3]), ones([3]), ones([2])), /weight has shape \[2\], expected \[3\]/);
  assert.throws(() => F.batchNorm(x, zeros([3]), ones([3]), null, zeros([5])), /bias has shape \[5\], expected \[3\]/);
  assert.throws(() => F.batchNorm(randn([3]), null, null, null, null, { training: true }), /input \[3\] must be \(N, C\)/);
  assert.throws(() => F.batchNorm(randn([1, 3]), null, null, null, null, { training: true }), /more than 1 value per channel/);
  assert.throws(() => F.batchNorm(x, null, null), /evaluation .* needs runningMean and runningVar/);
  assert.throws(() => F.batchNorm(x, zeros([3]), ones([3]), null, null, { momentum: 2 }), /momentum must be in \[0, 1\]/);
});

test('batchNormRelu gradients by finite differences: x, weight, bias and the residual, training and evaluation', () => {
  const cases: [number[], number][] = [[[6, 3], 5], [[2, 3, 5], 6], [[2, 2, 3, 3], 7]];
  for (const [shape, seed] of cases) {
    const c = shape[1]!;
    const x = randn(shape, { requiresGrad: true, seed });
    const w = randn([c], { requiresGrad: true, seed: seed + 10 });
    const b = randn([c], { requiresGrad: true, seed: seed + 20 });
    const res = randn(shape, { requiresGrad: true, seed: seed + 40 });
    const rm = randn([c], { seed: seed + 30 });
    const rv = ones([c]).add(0.5);
    gradCheck((xx: Tensor, ww: Tensor, bb: Tensor, rr: Tensor) =>
      F.batchNormRelu(xx, null, null, ww, bb, rr, { training: true }), [x, w, b, res], { atol: 1e-2 });
    gradCheck((xx: Tensor, ww: Tensor, bb: Tensor, rr: Tensor) => F.batchNormRelu(xx, rm, rv, ww, bb, rr), [x, w, b, res]);
    gradCheck((xx: Tensor) => F.batchNormRelu(xx, null, null, null, null, null, { training: true }), [x], { atol: 1e-2 });
  }
});

test('batchNormRelu equals relu(batchNorm(x) + residual): values, running statistics and gradients', () => {
  const shape = [4, 3, 5, 5];
  for (const withResidual of [true, false]) {
    const run = (fused: boolean) => {
      const x = randn(shape, { requiresGrad: true, seed: 51 });
      const w = randn([3], { requiresGrad: true, seed: 52 }), b = randn([3], { requiresGrad: true, seed: 53 });
      const res = withResidual ? randn(shape, { requiresGrad: true, seed: 54 }) : null;
      const rm = zeros([3]), rv = ones([3]);
      const opts = { training: true, momentum: 0.2 };
      const y = fused
        ? F.batchNormRelu(x, rm, rv, w, b, res, opts)
        : F.relu(res ? F.batchNorm(x, rm, rv, w, b, opts).add(res) : F.batchNorm(x, rm, rv, w, b, opts));
      y.backward(randn(shape, { seed: 55 }));
      return [y, rm, rv, x.grad!, w.grad!, b.grad!, ...(res ? [res.grad!] : [])].map((t) => Array.from(t.data));
    };
    const [fused, separate] = [run(true), run(false)];
    const names = ['y', 'runningMean', 'runningVar', 'gx', 'gWeight', 'gBias', 'gResidual'];
    fused.forEach((v, i) => assertClose(v, separate[i]!, `${names[i]} residual=${withResidual}`, 1e-5));
  }
});

test('batchNormRelu rejects a residual of another shape, and checks what batchNorm checks', () => {
  const x = randn([4, 3, 2, 2]);
  assert.throws(() => F.batchNormRelu(x, null, null, null, null, randn([4, 3, 2, 1]), { training: true }),
    /batchNormRelu: residual has shape \[4, 3, 2, 1\], expected the input's \[4, 3, 2, 2\]/);
  assert.throws(() => F.batchNormRelu(x, zeros([4]), ones([3]), null, null, null), /batchNormRelu: runningMean has shape \[4\]/);
});
