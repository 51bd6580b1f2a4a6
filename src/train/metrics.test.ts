import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClassificationMetrics, clipGradNorm, formatConfusionMatrix, tensor } from '../index.js';

test('metrics: accuracy, top-k, per-class accuracy, confusion, loss', () => {
  const m = new ClassificationMetrics(3, [2]);
  // rows: predicted 0 (true 0), predicted 2 (true 1, true class ranked 2nd), predicted 1 (true 2, ranked 3rd)
  m.update(Float32Array.from([3, 1, 0, 0, 1, 2, 0, 5, -1]), [0, 1, 2], 1.5);
  m.update(Float32Array.from([0, 0, 9]), [2], 0.5);
  const r = m.result();
  assert.equal(r.count, 4);
  assert.equal(r.accuracy, 0.5);
  assert.equal(r.topK[2], 0.75);
  assert.deepEqual(r.confusion, [[1, 0, 0], [0, 0, 1], [0, 1, 1]]);
  assert.deepEqual(r.perClassAccuracy, [1, 0, 0.5]);
  assert.equal(r.loss, 0.5);
  assert.throws(() => new ClassificationMetrics(3, [4]), /top-k needs 1 ≤ k ≤ 3, got 4/);
  assert.throws(() => m.update(new Float32Array(5), [0, 1]), /5 logits for 2 labels × 3 classes/);
  const text = formatConfusionMatrix(r.confusion, ['cat', 'dog', 'emu']);
  assert.match(text, /2 emu │ +0 +1 +1  │ 50\.0%/);
});

test('clipGradNorm scales all gradients together and returns the norm before', () => {
  const a = tensor([0], [1], { requiresGrad: true });
  const b = tensor([0, 0], [2], { requiresGrad: true });
  a.grad = tensor([3], [1]);
  b.grad = tensor([0, 4], [2]);
  assert.equal(clipGradNorm([a, b], 1), 5);
  assert.ok(Math.abs(a.grad.data[0]! - 0.6) < 1e-6 && Math.abs(b.grad.data[1]! - 0.8) < 1e-6);
  assert.ok(Math.abs(clipGradNorm([a, b], 10) - 1) < 1e-5);
  assert.ok(Math.abs(a.grad.data[0]! - 0.6) < 1e-6, 'no change below maxNorm');
});

test('evaluate names a model whose outputs do not match the classes', async () => {
  const { evaluate, ArrayDataset } = await import('../index.js');
  const ds = new ArrayDataset(new Float32Array(4), [2], Int32Array.from([0, 2]), 3);
  const model = {
    training: true, forward: (x: ReturnType<typeof tensor>) => x, parameters: () => [], namedParameters: () => [],
    stateDict: () => ({}), loadStateDict: () => {}, train() { this.training = true; }, eval() { this.training = false; },
  };
  assert.throws(() => evaluate(model as never, ds), /evaluate: the model outputs shape \[2, 2\], expected \[2, 3\] for 3 classes/);
  assert.equal(model.training, true, 'train mode restored after the error');
});
