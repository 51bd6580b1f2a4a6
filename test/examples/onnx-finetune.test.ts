// The fine-tuning example learns for real: a ResNet-18 exported by PyTorch (at test time, into
// the git-ignored cache) gets a new head and learns a 4-class task it has never seen.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fineTuneOnnx } from '../../examples/onnx-finetune.js';

test('ResNet-18 imported from ONNX, new head, fine-tuned: ≥ 80% test accuracy (chance 25%)', async () => {
  const root = new URL('../../', import.meta.url).pathname;
  const cache = join(root, '.cache', 'onnx-torchvision');
  const made = spawnSync('/usr/bin/python3', [join(root, 'scripts/onnx/torchvision_export.py'), cache, 'resnet18:64'], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  // 16×16 inputs and four steps keep it quick on the reference backend too (the task is easy; the
  // point is that an imported network and a new head learn together).
  const { accuracy } = await fineTuneOnnx({ path: join(cache, 'resnet18-eval.onnx'), size: 16, trainCount: 32, testCount: 32, epochs: 2 });
  assert.ok(accuracy >= 0.8, `accuracy ${accuracy}`);
});
