// scripts/to_pytorch.py moves striate weights (safetensors, PyTorch names) into torchvision's
// model and gets striate's outputs back from PyTorch (Debian's python3-torch, python3-torchvision).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { models, noGrad, randn, saveModel } from '../../src/index.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'striate-to-pytorch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const raw = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function toPytorch(args: string[]) {
  return spawnSync('/usr/bin/python3', [join(ROOT, 'scripts/to_pytorch.py'), ...args], { encoding: 'utf8' });
}

test('a striate ResNet-18 runs in PyTorch with the same outputs after to_pytorch.py', async () => {
  const model = models.resnet18({ numClasses: 7 });
  model.train();
  model.forward(randn([4, 3, 32, 32], { seed: 2 })); // running statistics away from 0 and 1
  model.eval();
  const x = randn([2, 3, 64, 64], { seed: 1 });
  const y = noGrad(() => model.forward(x));
  const weights = join(dir, 'r18.safetensors');
  await saveModel(model, weights);
  writeFileSync(join(dir, 'x.bin'), raw(x.toArray()));
  writeFileSync(join(dir, 'y.bin'), raw(y.toArray()));
  const pt = join(dir, 'r18.pt');
  const r = toPytorch([weights, 'resnet18', '--save', pt, '--input', join(dir, 'x.bin'), '--shape', '2,3,64,64', '--expect', join(dir, 'y.bin')]);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /loaded 122 tensors into torchvision resnet18 \(7 classes\)/);
  assert.match(r.stdout, /agree within rtol 0\.0001/);
  assert.ok(existsSync(pt));
  // The check can fail: other outputs than striate's are refused.
  writeFileSync(join(dir, 'y.bin'), raw(y.toArray().map((v) => v * 1.01)));
  const bad = toPytorch([weights, 'resnet18', '--input', join(dir, 'x.bin'), '--shape', '2,3,64,64', '--expect', join(dir, 'y.bin')]);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /DIFFER/);
});
