// Full checkpoints: 2 epochs in one run equal 1 epoch + resume + 1 epoch, bit for bit on one
// thread, with everything that carries state across epochs in play: Adam's moments, a step
// schedule, dropout (global generator), batch-norm statistics, shuffling and augmentation.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readModelFileSync } from '../io/node-model-file.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ArrayDataset, fit, FormatError, type FitOptions, getNumThreads, loadModel, manualSeed, nn, optim, randomHorizontalFlip, setNumThreads, type History } from '../index.js';

const data = () => {
  const n = 24;
  const x = new Float32Array(n * 2 * 6 * 6).map((_, i) => Math.sin(i * 0.37) + (i % 5) * 0.1);
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  return { train: new ArrayDataset(x, [2, 6, 6], y, 3), val: new ArrayDataset(x.slice(0, 8 * 72), [2, 6, 6], y.slice(0, 8), 3) };
};

function run(dir: string, epochs: number, resume?: true, extra: Partial<FitOptions> = {}) {
  manualSeed(7);
  const model = new nn.Sequential(new nn.Conv2d(2, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.Dropout(0.3), new nn.Flatten(), new nn.Linear(64, 3));
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
  const scheduler = new optim.StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
  return fit(model, data(), {
    epochs, batchSize: 5, optimizer, scheduler, seed: 3, transform: randomHorizontalFlip(), quiet: true,
    checkpoint: join(dir, 'best.safetensors'), ...(resume ? { resume } : {}), ...extra,
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

test('a run interrupted inside an epoch resumes from the last step checkpoint and ends bit for bit as a run straight through', async () => {
  const threads = getNumThreads();
  setNumThreads(1);
  try {
    // 24 samples in batches of 5: 5 steps an epoch; a checkpoint every 2 steps (and at each epoch's end).
    const straight = await run(mkdtempSync(join(tmpdir(), 'striate-resume-')), 3);
    for (const crashAt of [4, 9, 13]) {
      const dir = mkdtempSync(join(tmpdir(), 'striate-resume-'));
      const crash = { onBatchEnd: ({ iteration }: { iteration: number }) => { if (iteration === crashAt) throw new Error('crash'); } };
      await assert.rejects(run(dir, 3, undefined, { checkpointEvery: { steps: 2 }, callbacks: crash }), /crash/);
      // The last checkpoint was written inside the epoch, 1 or 2 steps before the crash.
      const saved = JSON.parse(readModelFileSync(join(dir, 'best.last.safetensors')).metadata.raw['striate.resume']!) as
        { loop: { epoch: number; iteration: number; inEpoch: { step: number } | null }; loader: { epoch: number; batch: number } };
      const step = (crashAt - 1) % 5 + 1;
      const savedStep = step - (step % 2 === 0 ? 2 : 1);
      assert.equal(saved.loop.iteration, crashAt - (step - savedStep), `crash at iteration ${crashAt}`);
      assert.deepEqual([saved.loop.inEpoch?.step ?? 0, saved.loader.batch, saved.loader.epoch, saved.loop.epoch], [savedStep, savedStep, Math.floor((crashAt - 1) / 5), Math.floor((crashAt - 1) / 5)]);
      const resumed = await run(dir, 3, true, { checkpointEvery: { steps: 2 } });
      assert.deepEqual(values(resumed.model), values(straight.model), `crash at iteration ${crashAt}`);
      assert.deepEqual(logs(resumed.h), logs(straight.h));
      assert.equal(resumed.h.iterations, straight.h.iterations);
    }
  } finally {
    setNumThreads(threads);
  }
});

test('a checkpoint whose in-epoch sums and loader position disagree is refused naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'striate-resume-'));
  const crash = { onBatchEnd: ({ iteration }: { iteration: number }) => { if (iteration === 3) throw new Error('crash'); } };
  await assert.rejects(run(dir, 1, undefined, { checkpointEvery: { steps: 2 }, callbacks: crash }), /crash/);
  // Rewrite the safetensors header with the loader one batch ahead of the loop.
  const file = join(dir, 'best.last.safetensors');
  const bytes = readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString()) as { __metadata__: Record<string, string> };
  const state = JSON.parse(header.__metadata__['striate.resume']!) as { loader: { batch: number } };
  state.loader.batch++;
  header.__metadata__['striate.resume'] = JSON.stringify(state);
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(file, Buffer.concat([length, json, bytes.subarray(8 + n)]));
  await assert.rejects(run(dir, 1, true), (e: Error) => e instanceof FormatError &&
    /best\.last\.safetensors: metadata 'striate\.resume' is taken inside an epoch but its loop\.inEpoch .* and loader position do not agree/.test(e.message));
});

test('resuming from a weights-only file or with a different optimiser fails naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'striate-resume-'));
  await run(dir, 1);
  const model = new nn.Sequential(new nn.Conv2d(2, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.Dropout(0.3), new nn.Flatten(), new nn.Linear(64, 3));
  await assert.rejects(fit(model, data(), { epochs: 2, quiet: true, resume: join(dir, 'best.safetensors') }),
    /resume .*best\.safetensors: the file holds weights only, not a full checkpoint/);
  await assert.rejects(fit(model, data(), { epochs: 1, quiet: true, checkpointEvery: { steps: 2 } }), /checkpointEvery needs a checkpoint path/);
  await assert.rejects(fit(model, data(), { epochs: 1, quiet: true, checkpoint: join(dir, 'x.safetensors'), checkpointEvery: { steps: 0 } }),
    /checkpointEvery\.steps must be a positive integer, got 0/);
  await assert.rejects(fit(model, data(), { epochs: 2, quiet: true, optimizer: new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }), resume: join(dir, 'best.last.safetensors') }),
    /resume .*best\.last\.safetensors: the optimiser state does not fit this optimiser/);
});
