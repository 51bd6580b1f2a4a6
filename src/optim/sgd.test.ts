import assert from 'node:assert/strict';
import { test } from 'node:test';
import { optim, tensor, type Tensor } from '../index.js';

const close = (t: Tensor, want: number[], tol = 1e-6): void => {
  const got = Array.from(t.toArray());
  assert.equal(got.length, want.length);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= tol, `element ${i}: got ${v}, want ${want[i]}`));
};

test('SGD: plain, momentum (buffer starts at the gradient), weight decay', () => {
  const p = tensor([1, -2], [2], { requiresGrad: true });
  const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.5 });
  p.grad = tensor([0.5, 1], [2]);
  opt.step(); // g = grad + 0.5·θ = [1, 0]; b = g; θ -= 0.1·b
  close(p, [0.9, -2]);
  p.grad = tensor([0.5, 1], [2]);
  opt.step(); // g = [0.95, 0]; b = 0.9·[1, 0] + g = [1.85, 0]
  close(p, [0.9 - 0.185, -2]);
});

test('SGD: nesterov and dampening follow torch.optim.SGD', () => {
  const p = tensor([1], [1], { requiresGrad: true });
  const nest = new optim.SGD([p], { lr: 0.1, momentum: 0.5, nesterov: true });
  for (let i = 0; i < 2; i++) { p.grad = tensor([2], [1]); nest.step(); }
  // step 1: b = 2, g = 2 + 0.5·2 = 3 → 0.7; step 2: b = 1 + 2 = 3, g = 2 + 1.5 = 3.5 → 0.35
  close(p, [0.35]);
  const q = tensor([1], [1], { requiresGrad: true });
  const damp = new optim.SGD([q], { lr: 0.1, momentum: 0.5, dampening: 0.5 });
  for (let i = 0; i < 2; i++) { q.grad = tensor([2], [1]); damp.step(); }
  // step 1: b = 2 (no dampening on the first step) → 0.8; step 2: b = 1 + 0.5·2 = 2 → 0.6
  close(q, [0.6]);
});

test('SGD: zeroGrad sets grads to null, params without grad are skipped, lr is mutable', () => {
  const a = tensor([1], [1], { requiresGrad: true });
  const b = tensor([1], [1], { requiresGrad: true });
  const opt = new optim.SGD([a, b], { lr: 1 });
  a.mul(3).sum().backward();
  assert.equal(b.grad, null);
  opt.lr = 0.5;
  opt.step();
  close(a, [-0.5]);
  close(b, [1]);
  opt.zeroGrad();
  assert.equal(a.grad, null);
  assert.equal(a.requiresGrad, true);
  assert.equal(a.isLeaf, true, 'the in-place update must not record on the tape');
  assert.throws(() => { opt.lr = -1; }, /SGD: lr must be a finite number ≥ 0, got -1/);
});

test('SGD: option validation', () => {
  const p = [tensor([1], [1], { requiresGrad: true })];
  assert.throws(() => new optim.SGD(p, { lr: -0.1 }), /SGD: lr must be a finite number ≥ 0, got -0.1/);
  assert.throws(() => new optim.SGD(p, {} as { lr: number }), /SGD: options.lr is required/);
  assert.throws(() => new optim.SGD(p, { lr: 0.1, nesterov: true }), /nesterov momentum requires momentum > 0 and dampening 0, got momentum 0/);
  assert.throws(() => new optim.SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), /dampening 0.1/);
  assert.throws(() => new optim.SGD(p, { lr: 0.1, momentum: -1 }), /SGD: momentum must be/);
  assert.throws(() => new optim.SGD(p, { lr: 0.1, weightDecay: -1 }), /SGD: weightDecay must be/);
  assert.throws(() => new optim.SGD([], { lr: 0.1 }), /SGD: got an empty parameter list/);
  assert.throws(() => new optim.SGD([p[0]!, p[0]!], { lr: 0.1 }), /parameter 1 .* appears more than once/);
  assert.throws(() => new optim.SGD([p[0]!.mul(2)], { lr: 0.1 }), /parameter 0 \(shape \[1\]\) is not a leaf/);
});

test('SGD: stateDict/loadStateDict resumes the exact trajectory', () => {
  const grads = [[0.3, -1.2, 0.7], [0.1, 0.4, -0.9], [-0.5, 0.2, 0.6], [1.1, -0.3, 0.05]];
  const run = (split: boolean): Float32Array => {
    const p = tensor([0.5, -0.25, 2], [3], { requiresGrad: true });
    let opt = new optim.SGD([p], { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-2 });
    grads.forEach((g, i) => {
      if (split && i === 2) {
        const sd = opt.stateDict();
        assert.deepEqual(sd.param_groups[0], { momentum: 0.9, dampening: 0, nesterov: true, weight_decay: 1e-2, lr: 0.05, params: [0] });
        assert.equal((sd.state[0]!.momentum_buffer as Tensor).requiresGrad, false);
        opt = new optim.SGD([p], { lr: 1 });
        opt.loadStateDict(sd);
        assert.equal(opt.lr, 0.05);
        assert.equal(opt.nesterov, true);
      }
      p.grad = tensor(g, [3]);
      opt.step();
    });
    return p.toArray();
  };
  assert.deepEqual(run(true), run(false));
});

test('SGD: loadStateDict rejects mismatched state and leaves the optimiser unchanged', () => {
  const p = tensor([1, 2], [2], { requiresGrad: true });
  const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
  p.grad = tensor([1, 1], [2]);
  opt.step();
  const sd = opt.stateDict();
  const other = new optim.SGD([tensor([1, 2, 3], [3], { requiresGrad: true })], { lr: 0.2, momentum: 0.5 });
  assert.throws(() => other.loadStateDict(sd), /SGD.loadStateDict: state\[0\].momentum_buffer must have the parameter's shape \[3\], got shape \[2\]/);
  assert.equal(other.lr, 0.2);
  assert.equal(other.momentum, 0.5);
  const two = new optim.SGD([p, tensor([1], [1])], { lr: 0.1 });
  assert.throws(() => two.loadStateDict(sd), /covers 1 parameters, this optimiser has 2/);
});
