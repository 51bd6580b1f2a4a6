// ResNet-20 on a Fashion-MNIST slice padded to 32×32: one epoch of Adam over 500 images, then
// the batch-norm statistics re-estimated, already scores far above chance on 200 held-out test
// images. (The full run is examples/resnet20-fashion.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trainResnet20Fashion } from '../../examples/resnet20-fashion.js';

test('ResNet-20, Fashion-MNIST 32×32, 50 images per class, 1 epoch: ≥ 45% on 200 test images (chance 10%)', async () => {
  const { accuracy, history } = await trainResnet20Fashion({
    perClass: 50, testPerClass: 20, epochs: 1, batchSize: 16, optimizer: 'adam', lr: 2e-3, quiet: true,
  });
  assert.equal(history.epochs.length, 1);
  assert.ok(accuracy >= 0.45, `accuracy ${accuracy}`);
});
