import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ArrayDataset, Tensor, fit, lineReporter, loadModel, optim, tensor, type EpochLog, type TrainableModel,
} from '../index.js';

/** A linear classifier z = W x + b with PyTorch-style names, independent of nn. */
class Linear implements TrainableModel {
  W: Tensor;
  b: Tensor;
  training = true;
  constructor(classes: number, features: number, init = 0) {
    this.W = tensor(Float32Array.from({ length: classes * features }, (_, i) => init * Math.sin(i + 1)), [classes, features], { requiresGrad: true });
    this.b = tensor(new Float32Array(classes), [classes], { requiresGrad: true });
  }
  forward(x: Tensor) { return x.matmul(this.W.transpose(0, 1)).add(this.b); }
  parameters() { return [this.W, this.b]; }
  namedParameters(): [string, Tensor][] { return [['fc.weight', this.W], ['fc.bias', this.b]]; }
  stateDict() { return { 'fc.weight': this.W.detach(), 'fc.bias': this.b.detach() }; }
  loadStateDict(sd: Record<string, Tensor>) { this.W.data.set(sd['fc.weight']!.data); this.b.data.set(sd['fc.bias']!.data); }
  train(on = true) { this.training = on; }
  eval() { this.training = false; }
}

const ds = (xs: number[][], ys: number[], classes = 2) =>
  new ArrayDataset(Float32Array.from(xs.flat()), [xs[0]!.length], Int32Array.from(ys), classes);

// Training pushes p(class 0 | x) towards 1; validation has 75% class 0 at the same x, so its loss
// falls until p = 0.75 and rises after. With lr 0.6 (d += 1.2·(1 − p) per step) p passes 0.75
// during epoch 3: validation loss is lowest after epoch 2 (0.5875, 0.5620, 0.5668, 0.5826, …).
const rising = () => ({
  train: ds([[1, 0]], [0]),
  val: ds([[1, 0], [1, 0], [1, 0], [1, 0]], [0, 0, 0, 1]),
});
const noBias = (m: Linear) => { m.b.requiresGrad = false; return m; };

test('best-model restore: validation loss rising after epoch 2 restores epoch 2 (and checkpoints it)', async () => {
  const m = noBias(new Linear(2, 2));
  const seen: { log: EpochLog; W: number[] }[] = [];
  const ckpt = join(mkdtempSync(join(tmpdir(), 'striate-fit-')), 'best.safetensors');
  const h = await fit(m, rising(), {
    epochs: 5, batchSize: 1, optimizer: new optim.SGD([m.W], { lr: 0.6 }), quiet: true, checkpoint: ckpt,
    callbacks: { onEpochEnd: (log) => { seen.push({ log, W: Array.from(m.W.toArray()) }); } },
  });
  const val = seen.map((s) => s.log.valLoss!);
  assert.ok(val[1]! < val[0]! && val[2]! > val[1]! && val[4]! > val[3]!, `val losses ${val}`);
  assert.ok(Math.abs(val[1]! - 0.5620) < 1e-3, `epoch 2 val loss ${val[1]}`);
  assert.equal(h.bestEpoch, 2);
  assert.equal(h.monitor, 'valLoss');
  assert.deepEqual(Array.from(m.W.toArray()), seen[1]!.W, 'parameters are those after epoch 2');
  assert.notDeepEqual(seen[4]!.W, seen[1]!.W);
  assert.deepEqual(seen.map((s) => s.log.best), [true, true, false, false, false]);
  const fresh = new Linear(2, 2);
  const meta = await loadModel(fresh, ckpt);
  assert.deepEqual(Array.from(fresh.W.toArray()), seen[1]!.W, 'checkpoint holds epoch 2');
  assert.equal((meta.training as { epoch: number }).epoch, 2);

  const noRestore = noBias(new Linear(2, 2));
  await fit(noRestore, rising(), { epochs: 5, batchSize: 1, optimizer: new optim.SGD([noRestore.W], { lr: 0.6 }), quiet: true, restoreBest: false });
  assert.deepEqual(Array.from(noRestore.W.toArray()), seen[4]!.W);
});

test('early stopping: patience 2 stops after epoch 4 and restores epoch 2', async () => {
  const m = noBias(new Linear(2, 2));
  const h = await fit(m, rising(), { epochs: 20, batchSize: 1, optimizer: new optim.SGD([m.W], { lr: 0.6 }), quiet: true, earlyStopping: { patience: 2 } });
  assert.equal(h.epochs.length, 4);
  assert.equal(h.stopReason, 'earlyStopping');
  assert.equal(h.bestEpoch, 2);
  const ref = noBias(new Linear(2, 2));
  await fit(ref, rising(), { epochs: 2, batchSize: 1, optimizer: new optim.SGD([ref.W], { lr: 0.6 }), quiet: true });
  assert.deepEqual(Array.from(m.W.toArray()), Array.from(ref.W.toArray()));
});

const blobs = () => ds([[1, 0.2], [0.9, -0.1], [-1, 0.1], [-0.8, -0.3], [0.1, 1], [0.2, 0.8]], [0, 0, 1, 1, 2, 2], 3);

test('δ rule stops at the first iteration with |L_new − L_old| < δ', async () => {
  const losses: number[] = [];
  await fit(new Linear(3, 2), blobs(), {
    epochs: 200, batchSize: 6, lr: 0.5, quiet: true, callbacks: { onBatchEnd: (s) => { losses.push(s.batchLoss); } },
  });
  const delta = 1e-3;
  const expected = losses.findIndex((l, i) => i > 0 && Math.abs(l - losses[i - 1]!) < delta) + 1;
  assert.ok(expected > 5 && expected < 200, `expected stop at ${expected}`);
  const steps: number[] = [];
  const h = await fit(new Linear(3, 2), blobs(), {
    epochs: 200, batchSize: 6, lr: 0.5, quiet: true, tol: delta, callbacks: { onBatchEnd: (s) => { steps.push(s.iteration); } },
  });
  assert.equal(h.stopReason, 'tolerance');
  assert.equal(h.iterations, expected);
  assert.equal(steps.length, expected);
  assert.match(h.stopMessage, new RegExp(`< δ = 0.001 at iteration ${expected}`));
  // One full batch per epoch: the epoch-mean rule sees the same losses and stops at the same epoch.
  const e = await fit(new Linear(3, 2), blobs(), { epochs: 200, batchSize: 6, lr: 0.5, quiet: true, tol: delta, tolOn: 'epoch' });
  assert.equal(e.stopReason, 'tolerance');
  assert.equal(e.epochs.length, expected);
});

test('N_max stops after exactly that many optimiser steps, mid-epoch', async () => {
  const m = new Linear(3, 2);
  const sgd = new optim.SGD(m.parameters(), { lr: 0.1 });
  let steps = 0;
  const counting = { get lr() { return sgd.lr; }, set lr(v) { sgd.lr = v; }, zeroGrad: () => sgd.zeroGrad(), step: () => { steps++; sgd.step(); } };
  const h = await fit(m, blobs(), { epochs: 10, batchSize: 4, optimizer: counting, maxIterations: 5, quiet: true });
  assert.equal(steps, 5);
  assert.equal(h.iterations, 5);
  assert.equal(h.epochs.length, 3, 'two batches per epoch: steps 1-2, 3-4, then 5');
  assert.equal(h.stopReason, 'maxIterations');
});

test('NaN loss stops with an error naming epoch and step', async () => {
  const bad = ds([[1, 0], [0, 1], [NaN, 1], [1, 1]], [0, 1, 0, 1]);
  await assert.rejects(fit(new Linear(2, 2), bad, { epochs: 2, batchSize: 1, shuffle: false, quiet: true }),
    /fit: loss is NaN at epoch 1, step 3 \(iteration 3\)/);
});

test('deterministic: same seed, same numbers; shuffling and augmentation vary by seed', async () => {
  const run = async (seed: number) => {
    const m = new Linear(3, 2, 0.3);
    const h = await fit(m, { train: blobs(), val: blobs() }, { epochs: 3, batchSize: 2, lr: 0.3, seed, quiet: true,
      transform: (x, _s, rng) => { x[0] = x[0]! + 0.01 * rng.normal(); } });
    return [h.epochs.map((e) => [e.trainLoss, e.valLoss]), Array.from(m.W.toArray())];
  };
  assert.deepEqual(await run(1), await run(1));
  assert.notDeepEqual(await run(1), await run(2));
});

test('schedule, L2 over weights only, gradient clipping, JSON-lines log, plain progress lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'striate-fit-'));
  const lines: string[] = [];
  const m = new Linear(3, 2);
  const opt = new optim.SGD(m.parameters(), { lr: 0.4 });
  const h = await fit(m, { train: blobs(), val: blobs() }, {
    epochs: 4, batchSize: 3, optimizer: opt, scheduler: new optim.StepLR(opt, { stepSize: 2, gamma: 0.5 }),
    reporter: lineReporter((l) => lines.push(l), { every: 1 }), logFile: join(dir, 'log.jsonl'), topK: [2],
  });
  assert.deepEqual(h.epochs.map((e) => e.lr), [0.4, 0.4, 0.2, 0.2]);
  const logged = readFileSync(join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(logged.length, 4);
  assert.equal(logged[3].epoch, 4);
  assert.equal(logged[0].valTopK['2'], h.epochs[0]!.valTopK![2]);
  assert.ok(lines.some((l) => /^epoch 1\/4 step 2\/2 · loss \d\.\d{4} acc \d+\.\d{2}% · \d+ img\/s · ETA 0s$/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^epoch 4\/4 · loss .* val loss .* lr 0\.200/.test(l)));

  // One full-batch step from the same start with and without λ: the difference is −α·λ/m·W on
  // the weight and nothing on the bias.
  const step = async (l2?: number) => {
    const mm = new Linear(3, 2, 0.5);
    await fit(mm, blobs(), { epochs: 1, batchSize: 6, lr: 0.1, quiet: true, shuffle: false, ...(l2 ? { l2 } : {}) });
    return mm;
  };
  const [plain, reg, w0] = [await step(), await step(0.3), new Linear(3, 2, 0.5)];
  const dW = Array.from(reg.W.toArray(), (v, i) => v - plain.W.data[i]!);
  dW.forEach((d, i) => assert.ok(Math.abs(d - (-0.1 * 0.3 / 6) * w0.W.data[i]!) < 1e-6, `dW[${i}] = ${d}`));
  assert.deepEqual(reg.b.toArray(), plain.b.toArray());

  // Clipping by value bounds each step's change to lr·clip.
  const c = new Linear(3, 2);
  await fit(c, blobs(), { epochs: 1, batchSize: 6, lr: 1, quiet: true, clipGradValue: 0.01 });
  for (const v of c.W.toArray()) assert.ok(Math.abs(v) <= 0.01 + 1e-7);
  const n = new Linear(3, 2);
  await fit(n, blobs(), { epochs: 1, batchSize: 6, lr: 1, quiet: true, clipGradNorm: 0.05 });
  const norm = Math.hypot(...n.W.toArray(), ...n.b.toArray());
  assert.ok(norm <= 0.05 + 1e-6 && norm > 0.04, `update norm ${norm}`);
});

test('fit validates its options', async () => {
  await assert.rejects(fit(new Linear(2, 2), blobs(), { epochs: 0 }), /epochs must be a positive integer, got 0/);
  await assert.rejects(fit(new Linear(2, 2), blobs(), { tol: -1 }), /tol \(δ\) must be positive/);
  await assert.rejects(fit(new Linear(2, 2), blobs(), { maxIterations: 1.5 }), /maxIterations \(N_max\)/);
});

test('yieldEvery lets timers run during training', async () => {
  let ticks = 0;
  let stepsAtTick = -1;
  let steps = 0;
  setTimeout(() => { ticks++; stepsAtTick = steps; }, 0);
  await fit(new Linear(3, 2), blobs(), { epochs: 5, batchSize: 1, quiet: true, yieldEvery: 1e-9,
    callbacks: { onBatchEnd: () => { steps++; } } });
  assert.equal(ticks, 1);
  assert.ok(stepsAtTick >= 1 && stepsAtTick < 30, `timer ran after ${stepsAtTick} of 30 steps`);
});
