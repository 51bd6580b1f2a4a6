// striate predict on hostile input: a folder with a bad image goes on and exits 1 at the end,
// NaN weights are refused naming the tensor, class names shorter than the outputs are completed,
// and a broken metadata entry is reported with the file's name.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodePng } from '../../image/codec.js';
import { encodeSafetensors, models, saveModel } from '../../index.js';
import { runStriate } from '../run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'striate-predict-'));
const images = join(dir, 'images');
mkdirSync(images);
writeFileSync(join(images, 'a.png'), encodePng({ width: 28, height: 28, channels: 1, pixels: new Uint8Array(784).fill(90) }));
writeFileSync(join(images, 'b-broken.png'), 'not a png at all');
writeFileSync(join(images, 'c.png'), encodePng({ width: 20, height: 30, channels: 3, pixels: new Uint8Array(1800).fill(200) }));

test('predict reports a bad image, classifies the rest, and exits 1 at the end; short class names are completed', async () => {
  const path = join(dir, 'three.safetensors');
  await saveModel(models.lenet5({ numClasses: 3 }), path, { classNames: ['alpha'] });
  const r = await runStriate(['predict', path, images, '--json']);
  assert.equal(r.code, 1);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; top: { name: string }[] });
  assert.deepEqual(lines.map((l) => l.file.slice(images.length + 1)), ['a.png', 'c.png']);
  assert.deepEqual(lines[0]!.top.map((t) => t.name).sort(), ['1', '2', 'alpha']);
  assert.match(r.stderr, /striate: predict: decodeImage: .*b-broken\.png is neither a PNG nor a JPEG/);
  assert.match(r.stderr, /predict: 1 of 3 images could not be classified \(reported above\): .*b-broken\.png/);
});

test('NaN weights and broken metadata are refused, naming the tensor or entry and the file', async () => {
  const net = models.lenet5();
  net.fc2.bias!.data[5] = NaN;
  const nan = join(dir, 'nan.safetensors');
  await saveModel(net, nan);
  const r = await runStriate(['predict', nan, join(images, 'a.png')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /load .*nan\.safetensors: tensor 'fc2\.bias' holds NaN at index 5 of 84/);
  const broken = join(dir, 'broken.safetensors');
  writeFileSync(broken, encodeSafetensors({}, { 'striate.architecture': '{"name": 5}' }));
  const b = await runStriate(['eval', broken]);
  assert.equal(b.code, 1);
  assert.match(b.stderr, /broken\.safetensors: metadata 'striate\.architecture' must be an object \{ name: string, options\?: object \}/);
});
