// striate train/eval/predict --device webgpu: the same commands on the GPU device (SwiftShader
// where no GPU is present), a few steps on a tiny slice; the saved model evaluates on the CPU and
// the GPU as reported, predicts alike on both, and its full checkpoint resumes on the GPU.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { openTestWebGpu } from '../../../test/webgpu-device.js';
import { loadFashionMnist } from '../../data/files.js';
import { encodePng } from '../../image/codec.js';
import { runStriate } from '../run-cli.js';

const gpu = await openTestWebGpu();

test('striate train, eval and predict --device webgpu run on the GPU; its checkpoints load on the CPU and resume on the GPU', { skip: gpu ? false : 'no WebGPU driver' }, async () => {
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
  // eval and predict on the device agree with the CPU.
  const eg = await runStriate(['eval', ckpt, '--split', 'test', '--limit', '4', '--device', 'webgpu']);
  assert.equal(eg.code, 0, eg.stderr);
  assert.match(eg.stderr, /running on webgpu \(/);
  assert.match(eg.stdout, new RegExp(`accuracy ${acc}%`));
  const test = await loadFashionMnist({ split: 'test' });
  const img = join(dirname(ckpt), 'img.png');
  writeFileSync(img, encodePng({ width: 28, height: 28, channels: 1, pixels: Uint8Array.from(test.sample(0), (v) => Math.round(v * 255)) }));
  const pc = await runStriate(['predict', ckpt, img, '--json']);
  const pg = await runStriate(['predict', ckpt, img, '--json', '--device', 'webgpu']);
  assert.equal(pg.code, 0, pg.stderr);
  const top = (out: string) => (JSON.parse(out) as { top: { name: string; probability: number }[] }).top;
  assert.deepEqual(top(pg.stdout).map((t) => t.name), top(pc.stdout).map((t) => t.name));
  top(pg.stdout).forEach((t, i) => assert.ok(Math.abs(t.probability - top(pc.stdout)[i]!.probability) < 1e-5));
  // The full checkpoint written during training resumes on the device.
  const r = await runStriate(['train', '-m', 'lenet5', '--limit', '4', '--val-fraction', '0.25', '--epochs', '2', '-b', '8', '--optimizer', 'adam',
    '--seed', '1', '--progress', 'none', '--device', 'webgpu', '-c', ckpt, '--force', '--resume', ckpt.replace(/\.safetensors$/, '.last.safetensors')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Best epoch \d of 2/);
});
