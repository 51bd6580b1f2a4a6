// End-to-end: the main job's path (embedded data → fit → evaluate → save → curves → load) on a
// small slice, asserting that LeNet-5 learns.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { balancedSubset, evaluate, loadFashionMnist, loadModel, models } from '../src/index.js';
import { runRecipe } from '../scripts/fashion-recipe.js';

test('main job path: LeNet-5 on 1,000 embedded images learns (> 60% test accuracy), saves and reloads', async () => {
  const out = mkdtempSync(join(tmpdir(), 'striate-main-'));
  const train = balancedSubset(await loadFashionMnist({ split: 'train' }), 100);
  const testSet = balancedSubset(await loadFashionMnist({ split: 'test' }), 30);
  const lines: string[] = [];
  const r = await runRecipe({ train, test: testSet, epochs: 3, batchSize: 32, lr: 0.002, seed: 0, outDir: out,
    name: 'e2e', progress: 'none', log: (l) => lines.push(l) });
  assert.ok(r.testAccuracy > 0.6, `test accuracy ${r.testAccuracy}`);
  assert.equal(r.history.epochs.length, 3);
  assert.match(lines.join('\n'), /confusion matrix[\s\S]*9 Ankle boot/);
  for (const f of ['e2e.safetensors', 'e2e-curves.svg', 'e2e.jsonl']) assert.ok(existsSync(join(out, f)), f);
  assert.equal(readFileSync(join(out, 'e2e.jsonl'), 'utf8').trim().split('\n').length, 3);
  const model = models.lenet5();
  const meta = await loadModel(model, join(out, 'e2e.safetensors'));
  assert.deepEqual(meta.architecture, { name: 'lenet5', options: { numClasses: 10, inChannels: 1 } });
  assert.equal((meta.training as { testAccuracy: number }).testAccuracy, r.testAccuracy);
  const { mean, std } = JSON.parse(meta.raw['striate.normalize']!) as { mean: number[]; std: number[] };
  const normed = testSet.map((x) => { for (let i = 0; i < x.length; i++) x[i] = (x[i]! - mean[0]!) / std[0]!; });
  assert.ok(Math.abs(evaluate(model, normed).accuracy - r.testAccuracy) < 1e-9, 'reloaded model scores the same');
});
