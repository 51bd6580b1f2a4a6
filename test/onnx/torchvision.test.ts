// torchvision models exported by PyTorch (weights=None, seeded; eval and train mode) load and
// agree with PyTorch's outputs. scripts/onnx/torchvision_export.py writes them into the
// git-ignored .cache/ at test time (python3-torch and python3-torchvision from Debian).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadOnnx, tensor } from '../../src/index.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CACHE = join(ROOT, '.cache', 'onnx-torchvision');
// Small inputs where adaptive pools become global ones; AlexNet and VGG need 224 (PyTorch exports
// their 6×6 / 7×7 adaptive pools only for sizes they divide). The first run exports (VGG-11 is
// a 530 MB file), later runs reuse the cache.
const MODELS = ['resnet18:64', 'squeezenet1_0:64', 'mobilenet_v2:64', 'alexnet:224', 'vgg11:224'];

const made = spawnSync('/usr/bin/python3', [join(ROOT, 'scripts/onnx/torchvision_export.py'), CACHE, ...MODELS], { encoding: 'utf8' });

for (const spec of MODELS) {
  const name = spec.split(':')[0]!;
  for (const mode of ['eval', 'train'] as const) {
    test(`torchvision ${name} (${mode} mode) matches PyTorch within rtol 1e-3`, async () => {
      assert.equal(made.status, 0, `the export script failed (needs python3-torch, python3-torchvision):\n${made.stderr}`);
      const stem = join(CACHE, `${name}-${mode}`);
      const meta = JSON.parse(readFileSync(`${stem}.json`, 'utf8')) as { input: number[]; output: number[]; parameters: string[] };
      const bin = readFileSync(`${stem}.bin`);
      const floats = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
      const inCount = meta.input.reduce((a, b) => a * b, 1);
      const model = await loadOnnx(`${stem}.onnx`);
      if (mode === 'train') {
        model.train();
        // Unfolded training graphs keep PyTorch's parameter names as initializer names.
        const have = new Set(model.namedParameters().map(([n]) => n));
        assert.deepEqual(meta.parameters.filter((n) => !have.has(n)), []);
      } else model.eval();
      const y = model.forward(tensor(floats.subarray(0, inCount), meta.input));
      assert.deepEqual(y.shape, meta.output);
      const want = floats.subarray(inCount);
      const got = y.toArray();
      const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) <= 1e-3 * Math.abs(w) + 1e-4 * scale, `element ${i}: ${got[i]} vs ${w}`));
    });
  }
}
