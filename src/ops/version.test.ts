// Every kind of in-place write moves a tensor's version counter (PyTorch's `_version`), which the
// wasm backend's cache of transformed weights trusts; reads and out-of-place ops leave it alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, optim, randn, tensor, type Tensor } from '../index.js';

/** Asserts that `write` bumps t.version, and returns nothing. */
function bumps(t: Tensor, what: string, write: () => void): void {
  const before = t.version;
  write();
  assert.ok(t.version > before, `${what}: version stayed ${before}`);
}

test('version: reads and out-of-place ops leave it, views share it', () => {
  const w = tensor([1, 2, 3, 4], [2, 2]);
  const v = w.version;
  w.toArray(); w.add(1); w.mul(w).sum().item(); void w.toString(); void w.to('cpu');
  assert.equal(w.version, v);
  bumps(w, 'a view written through .data', () => { w.reshape([4]).data[0] = 9; });
  assert.equal(w.detach().version, w.version);
});

test('version: .data counts as a write (it hands out a writable view)', () => {
  const w = tensor([1, 2], [2]);
  bumps(w, '.data', () => { w.data[1] = 5; });
  const conv = new nn.Conv2d(1, 2, 3);
  bumps(conv.weight, 'nn.init through .data', () => nn.init.kaimingUniform(conv.weight, { a: Math.sqrt(5) }));
});

test('version: optimiser steps bump the parameters (SGD with momentum, Adam, AdamW)', () => {
  for (const make of [
    (p: Tensor[]) => new optim.SGD(p, { lr: 0.1, momentum: 0.9 }),
    (p: Tensor[]) => new optim.Adam(p, { lr: 0.1 }),
    (p: Tensor[]) => new optim.AdamW(p, { lr: 0.1 }),
  ]) {
    const p = tensor([1, -2], [2], { requiresGrad: true });
    const opt = make([p]);
    p.grad = tensor([0.5, 1], [2]);
    bumps(p, `${opt.constructor.name}.step`, () => opt.step());
  }
});

test('version: gradient accumulation bumps the gradient it adds into', () => {
  const x = tensor([1, 2], [2], { requiresGrad: true });
  x.mul(x).sum().backward();
  const g = x.grad!;
  bumps(g, 'second backward', () => x.mul(x).sum().backward());
});

test('version: batch norm in training bumps the running statistics, in evaluation not', () => {
  const bn = new nn.BatchNorm2d(3);
  const x = randn([4, 3, 5, 5], { seed: 1 });
  bumps(bn.runningMean!, 'training forward (running mean)', () => bn.forward(x));
  bumps(bn.runningVar!, 'training forward (running var)', () => bn.forward(x));
  bn.eval();
  const v = bn.runningMean!.version;
  bn.forward(x);
  assert.equal(bn.runningMean!.version, v);
  bumps(bn.runningVar!, 'resetRunningStats', () => bn.resetRunningStats());
});

test('version: loadStateDict and moveTo count as writes of the tensors they replace', () => {
  const a = new nn.Linear(3, 2), b = new nn.Linear(3, 2);
  bumps(a.weight, 'loadStateDict', () => a.loadStateDict(b.stateDict()));
  bumps(a.bias!, 'moveTo', () => a.bias!.moveTo('cpu'));
});
