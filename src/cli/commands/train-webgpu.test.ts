// striate train --device webgpu: the same command on the GPU device (SwiftShader where no GPU is
// present), a few steps on a tiny slice, and the saved model evaluates on the CPU as reported.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openTestWebGpu } from '../../../test/webgpu-device.js';
import { runStriate } from '../run-cli.js';

const gpu = await openTestWebGpu();

test('striate train --device webgpu trains on the GPU and saves a CPU model file', { skip: gpu ? false : 'no WebGPU driver' }, async () => {
  const ckpt = join(mkdtempSync(join(tmpdir(), 'striate-train-gpu-')), 'lenet5.safetensors');
  const t = await runStriate(['train', '-m', 'lenet5', '--limit', '4', '--val-fraction', '0.25', '--epochs', '1', '-b', '8', '--optimizer', 'adam',
    '--seed', '1', '--progress', 'none', '--device', 'webgpu', '-c', ckpt]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /Device: webgpu \(/);
  const acc = /Accuracy on the test set \(40\): ([\d.]+)%/.exec(t.stdout)?.[1];
  assert.ok(acc !== undefined, t.stdout);
  assert.ok(existsSync(ckpt));
  const e = await runStriate(['eval', ckpt, '--split', 'test', '--limit', '4']);
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stdout, new RegExp(`accuracy ${acc}%`));
  // The full checkpoint written during training resumes on the device.
  const r = await runStriate(['train', '-m', 'lenet5', '--limit', '4', '--val-fraction', '0.25', '--epochs', '2', '-b', '8', '--optimizer', 'adam',
    '--seed', '1', '--progress', 'none', '--device', 'webgpu', '-c', ckpt, '--force', '--resume', ckpt.replace(/\.safetensors$/, '.last.safetensors')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Best epoch \d of 2/);
});
