// Full checkpoints: 2 epochs in one run equal 1 epoch + resume + 1 epoch, bit for bit on one
// thread, with everything that carries state across epochs in play: Adam's moments, a step
// schedule, dropout (global generator), batch-norm statistics, shuffling and augmentation.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ArrayDataset, fit, getNumThreads, loadModel, manualSeed, nn, optim, randomHorizontalFlip, setNumThreads, type History } from '../index.js';

const data = () => {
  const n = 24;
  const x = new Float32Array(n * 2 * 6 * 6).map((_, i) => Math.sin(i * 0.37) + (i % 5) * 0.1);
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  return { train: new ArrayDataset(x, [2, 6, 6], y, 3), val: new ArrayDataset(x.slice(0, 8 * 72), [2, 6, 6], y.slice(0, 8), 3) };
};

function run(dir: string, epochs: number, resume?: true) {
  manualSeed(7);
  const model = new nn.Sequential(new nn.Conv2d(2, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.Dropout(0.3), new nn.Flatten(), new nn.Linear(64, 3));
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
  const scheduler = new optim.StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
  return fit(model, data(), {
    epochs, batchSize: 5, optimizer, scheduler, seed: 3, transform: randomHorizontalFlip(), quiet: true,
    checkpoint: join(dir, 'best.safetensors'), ...(resume ? { resume } : {}),
  }).then((h) => ({ model, optimizer, h }));
}

const values = (m: nn.Module) => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.toArray())]));
const logs = (h: History) => h.epochs.map(({ trainLoss, valLoss, valAccuracy, lr, iterations, best }) => ({ trainLoss, valLoss, valAccuracy, lr, iterations, best }));

test('2 epochs straight equal 1 epoch + resume + 1 epoch, bit for bit (weights, optimiser, history)', async () => {
  const threads = getNumThreads();
  setNumThreads(1);
  try {
    const straight = await run(mkdtempSync(join(tmpdir(), 'striate-resume-')), 2);
    const dir = mkdtempSync(join(tmpdir(), 'striate-resume-'));
    await run(dir, 1);
    const resumed = await run(dir, 2, true);
    assert.deepEqual(values(resumed.model), values(straight.model));
    const adam = (o: optim.Adam) => Object.values(o.stateDict().state).map((s) => Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : Array.from(v.toArray())]));
    assert.deepEqual(adam(resumed.optimizer), adam(straight.optimizer));
    assert.equal(resumed.optimizer.lr, straight.optimizer.lr);
    assert.deepEqual(logs(resumed.h), logs(straight.h));
    assert.equal(resumed.h.bestEpoch, straight.h.bestEpoch);
    assert.equal(resumed.h.iterations, straight.h.iterations);
    // The last state is an ordinary model file too: loadModel skips the resume tensors.
    const copy = new nn.Sequential(new nn.Conv2d(2, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.Dropout(0.3), new nn.Flatten(), new nn.Linear(64, 3));
    await loadModel(copy, join(dir, 'best.last.safetensors'));
  } finally {
    setNumThreads(threads);
  }
});

test('resuming from a weights-only file or with a different optimiser fails naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'striate-resume-'));
  await run(dir, 1);
  const model = new nn.Sequential(new nn.Conv2d(2, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.Dropout(0.3), new nn.Flatten(), new nn.Linear(64, 3));
  await assert.rejects(fit(model, data(), { epochs: 2, quiet: true, resume: join(dir, 'best.safetensors') }),
    /resume .*best\.safetensors: the file holds weights only, not a full checkpoint/);
  await assert.rejects(fit(model, data(), { epochs: 2, quiet: true, optimizer: new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }), resume: join(dir, 'best.last.safetensors') }),
    /resume .*best\.last\.safetensors: the optimiser state does not fit this optimiser/);
});
