import assert from 'node:assert/strict';
import { test } from 'node:test';
import { optim, tensor, type Tensor } from '../index.js';

const close = (t: Tensor, want: number[], tol = 1e-6): void => {
  const got = Array.from(t.toArray());
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= tol, `element ${i}: got ${v}, want ${want[i]}`));
};

test('Adam: the first step moves each weight by lr·sign(grad) (bias correction)', () => {
  const p = tensor([1, 1], [2], { requiresGrad: true });
  const opt = new optim.Adam([p], { lr: 0.1 });
  p.grad = tensor([0.5, -3], [2]);
  opt.step();
  close(p, [0.9, 1.1]);
});

test('Adam: second step by hand', () => {
  const p = tensor([1], [1], { requiresGrad: true });
  const opt = new optim.Adam([p], { lr: 0.1, betas: [0.5, 0.75], eps: 1e-3 });
  p.grad = tensor([2], [1]);
  opt.step();
  p.grad = tensor([1], [1]);
  opt.step();
  const m = 0.5 * 1 + 0.5 * 1; // m1 = 1, m2 = 0.5 + 0.5
  const v = 0.75 * 1 + 0.25 * 1; // v1 = 0.25·4 = 1, v2 = 0.75 + 0.25
  const first = 1 - 0.1 * 2 / (2 + 1e-3);
  const second = first - (0.1 / (1 - 0.25)) * m / (Math.sqrt(v) / Math.sqrt(1 - 0.5625) + 1e-3);
  close(p, [second]);
});

test('Adam adds weight decay to the gradient; AdamW decays the weights (default 0.01)', () => {
  const a = tensor([1], [1], { requiresGrad: true });
  const adam = new optim.Adam([a], { lr: 0.1, weightDecay: 0.1 });
  a.grad = tensor([0.5], [1]);
  adam.step();
  close(a, [0.9]);
  const w = tensor([1], [1], { requiresGrad: true });
  const adamw = new optim.AdamW([w], { lr: 0.1 });
  assert.equal(adamw.weightDecay, 0.01);
  w.grad = tensor([0.5], [1]);
  adamw.step();
  close(w, [1 * (1 - 0.1 * 0.01) - 0.1]);
});

test('Adam: option validation', () => {
  const p = [tensor([1], [1], { requiresGrad: true })];
  assert.throws(() => new optim.Adam(p, { betas: [1, 0.999] }), /Adam: betas\[0\] must be in \[0, 1\), got 1/);
  assert.throws(() => new optim.AdamW(p, { betas: [0.9, -0.1] }), /AdamW: betas\[1\] must be in \[0, 1\), got -0.1/);
  assert.throws(() => new optim.Adam(p, { eps: 0 }), /Adam: eps must be a finite number > 0, got 0/);
  assert.throws(() => new optim.Adam(p, { lr: -1 }), /Adam: lr must be/);
  assert.throws(() => new optim.Adam(p, { weightDecay: -1 }), /Adam: weightDecay must be/);
  assert.throws(() => new optim.Adam([]), /Adam: got an empty parameter list/);
});

test('Adam: stateDict holds step counts and moments; resuming matches an uninterrupted run', () => {
  const grads = [[0.3, -1.2], [0.1, 0.4], [-0.5, 0.2], [1.1, -0.3], [0.2, 0.2]];
  const run = (split: boolean): Float32Array => {
    const p = tensor([0.5, -0.25], [2], { requiresGrad: true });
    const idle = tensor([7], [1], { requiresGrad: true }); // never gets a grad: no state
    let opt = new optim.AdamW([p, idle], { lr: 0.01, betas: [0.8, 0.99], weightDecay: 0.1 });
    grads.forEach((g, i) => {
      if (split && i === 3) {
        const sd = opt.stateDict();
        assert.deepEqual(Object.keys(sd.state), ['0']);
        assert.equal(sd.state[0]!.step, 3);
        assert.deepEqual(sd.param_groups[0], { betas: [0.8, 0.99], eps: 1e-8, weight_decay: 0.1, lr: 0.01, params: [0, 1] });
        opt = new optim.AdamW([p, idle]);
        opt.loadStateDict(sd);
      }
      p.grad = tensor(g, [2]);
      opt.step();
    });
    assert.equal(idle.toArray()[0], 7);
    return p.toArray();
  };
  assert.deepEqual(run(true), run(false));
});
