import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F, models, nn, randn } from '../index.js';

test('lenet5: parameter names, shapes and count (61,706)', () => {
  const model = models.lenet5();
  assert.deepEqual(model.namedParameters().map(([k, p]) => [k, [...p.shape]]), [
    ['conv1.weight', [6, 1, 5, 5]], ['conv1.bias', [6]],
    ['conv2.weight', [16, 6, 5, 5]], ['conv2.bias', [16]],
    ['fc1.weight', [120, 400]], ['fc1.bias', [120]],
    ['fc2.weight', [84, 120]], ['fc2.bias', [84]],
    ['fc3.weight', [10, 84]], ['fc3.bias', [10]],
  ]);
  assert.equal(model.parameters().reduce((n, p) => n + p.numel(), 0), 61706);
  assert.deepEqual(Object.keys(model.stateDict()), model.namedParameters().map(([k]) => k));
  assert.ok(model instanceof nn.Module);
});

test('lenet5: forward [2, 1, 28, 28] → [2, 10], backward reaches every parameter', () => {
  const model = models.lenet5();
  const logits = model.forward(randn([2, 1, 28, 28]));
  assert.deepEqual(logits.shape, [2, 10]);
  F.crossEntropy(logits, [3, 7]).backward();
  for (const [k, p] of model.namedParameters()) {
    assert.ok(p.grad && p.grad.data.some((v) => v !== 0), `${k} has a gradient`);
  }
});

test('lenet5: numClasses and inChannels options; wrong input sizes are named', () => {
  const model = models.lenet5({ numClasses: 5, inChannels: 3 });
  assert.deepEqual(model.conv1.weight.shape, [6, 3, 5, 5]);
  assert.deepEqual(model.forward(randn([1, 3, 28, 28])).shape, [1, 5]);
  assert.throws(() => model.forward(randn([1, 3, 32, 32])), /lenet5: expected input \[N, 3, 28, 28\], got \[1, 3, 32, 32\]/);
  assert.throws(() => models.lenet5({ numClasses: 0 }), /Linear: outFeatures must be an integer >= 1, got 0/);
});
