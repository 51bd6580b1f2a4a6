// fit's checkpoint files: one format for every door (fromFile rebuilds a zoo model from a library
// checkpoint), the best file never replaced by a worse run, the last state beside it, files that
// are not striate models left alone, and an unusable folder found before any training.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ArrayDataset, fit, models, nn, optim, readModelHeader, saveModel, type Tensor } from '../index.js';
import { lastCheckpointPath } from './checkpoints.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'striate-ckpt-'));

// Class 0 at x = [1, 0]; validation is 75% class 0 at the same x (see fit.test.ts): its loss is
// lowest when p(class 0) = 0.75, so a run that overshoots with a large rate ends worse.
const data = () => ({
  train: new ArrayDataset(Float32Array.of(1, 0), [2], Int32Array.of(0), 2),
  val: new ArrayDataset(Float32Array.of(1, 0, 1, 0, 1, 0, 1, 0), [2], Int32Array.of(0, 0, 0, 1), 2),
});
const linear = () => {
  const m = new nn.Linear(2, 2, { bias: false });
  m.weight.data.fill(0);
  return m;
};

test('lastCheckpointPath puts the last state beside the best', () => {
  assert.equal(lastCheckpointPath('runs/best.safetensors'), 'runs/best.last.safetensors');
  assert.equal(lastCheckpointPath('runs/model'), 'runs/model.last.safetensors');
});

test('a library fit checkpoint of a zoo model is rebuilt by models.fromFile', async () => {
  const dir = tmp();
  const best = join(dir, 'best.safetensors');
  const x = new Float32Array(4 * 28 * 28).map((_, i) => (i % 7) / 7);
  const ds = new ArrayDataset(x, [1, 28, 28], Int32Array.of(0, 1, 2, 0), 3);
  const model = models.lenet5({ numClasses: 3 });
  assert.deepEqual(model.architecture, { name: 'lenet5', options: { numClasses: 3 } });
  await fit(model, { train: ds, val: ds }, { epochs: 1, batchSize: 2, quiet: true, checkpoint: best });
  const loaded = await models.fromFile(best);
  assert.equal(loaded.name, 'lenet5');
  assert.deepEqual(loaded.classNames, ['0', '1', '2'], 'one name per output when the file names none');
  const sd = loaded.model.stateDict() as Record<string, Tensor>;
  for (const [k, t] of Object.entries(model.stateDict())) assert.deepEqual(sd[k]!.toArray(), t.toArray(), k);
  assert.ok(existsSync(join(dir, 'best.last.safetensors')), 'last state written beside the best');
});

test('fromFile on a file without architecture says what to pass', async () => {
  const dir = tmp();
  const path = join(dir, 'plain.safetensors');
  const net = models.lenet5();
  delete net.architecture;
  await saveModel(net, path);
  await assert.rejects(models.fromFile(path), /plain\.safetensors has no striate\.architecture metadata.*loadModel\(model, '.*plain\.safetensors'\).*architecture: \{ name, options \}/s);
});

test('a worse run never replaces the better model the checkpoint file holds', async () => {
  const dir = tmp();
  const best = join(dir, 'best.safetensors');
  const first = linear();
  const h1 = await fit(first, data(), { epochs: 2, batchSize: 1, optimizer: new optim.SGD(first.parameters(), { lr: 0.6 }), quiet: true, checkpoint: best });
  assert.equal(h1.checkpointEpoch, 2);
  const recorded = (await readModelHeader(best)).metadata.training!.valLoss as number;
  assert.ok(Math.abs(recorded - h1.bestLoss) < 1e-12);
  const bytes = readFileSync(best);
  // Resume-like second run with a rate far too large: every epoch is worse than the file's record.
  const worse = linear();
  const h2 = await fit(worse, data(), { epochs: 2, batchSize: 1, optimizer: new optim.SGD(worse.parameters(), { lr: 30 }), quiet: true, checkpoint: best });
  assert.ok(h2.bestLoss > recorded, `second run is worse: ${h2.bestLoss} vs ${recorded}`);
  assert.equal(h2.checkpointEpoch, 0);
  assert.deepEqual(readFileSync(best), bytes, 'the better model is kept byte for byte');
  const last = (await readModelHeader(lastCheckpointPath(best))).metadata.training!;
  assert.equal(last.epoch, 2);
  assert.equal(last.valLoss, h2.epochs[1]!.valLoss, 'the last state is the worse run\'s');
});

test('a checkpoint path holding a user file is refused before training; force replaces it', async () => {
  const dir = tmp();
  const notes = join(dir, 'notes.txt');
  writeFileSync(notes, 'notes\n');
  const m = new nn.Linear(2, 2);
  let epochs = 0;
  const cb = { onEpochBegin: () => { epochs++; } };
  await assert.rejects(fit(m, data(), { epochs: 1, quiet: true, checkpoint: notes, callbacks: cb }),
    /save .*notes\.txt: the file exists and is not a striate model file; refusing to overwrite it .*--force/);
  assert.equal(epochs, 0, 'refused before the first epoch');
  assert.equal(readFileSync(notes, 'utf8'), 'notes\n');
  await fit(m, data(), { epochs: 1, quiet: true, checkpoint: notes, force: true });
  assert.ok((await readModelHeader(notes)).metadata.training);
});

test('a checkpoint folder that cannot be written is found before training', async () => {
  const dir = tmp();
  writeFileSync(join(dir, 'file'), 'x');
  let epochs = 0;
  await assert.rejects(fit(new nn.Linear(2, 2), data(), { epochs: 1, quiet: true, checkpoint: join(dir, 'file', 'best.safetensors'),
    callbacks: { onEpochBegin: () => { epochs++; } } }), /the folder .*file is not writable/);
  assert.equal(epochs, 0);
});
