// train → eval → predict through the command line, on a small slice of the embedded Fashion-MNIST.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadFashionMnist } from '../../data/files.js';
import { encodePng } from '../../image/codec.js';
import { noGrad, tensor } from '../../index.js';
import { fromFile as modelFromFile } from '../../models/model-file.js';
import { runStriate } from '../run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'striate-train-cli-'));
const ckpt = join(dir, 'lenet5.safetensors');

test('striate train, eval and predict on a Fashion-MNIST slice', async () => {
  const t = await runStriate(['train', '-m', 'lenet5', '--limit', '40', '--epochs', '2', '-b', '32', '--optimizer', 'adam',
    '--lr', '0.003', '--seed', '1', '--progress', 'none', '-c', ckpt]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /Training lenet5 \(61,706 parameters\) on fashion-mnist: 360 training, 40 validation samples of \[1, 28, 28\], 10 classes/);
  // --limit applies to the test set too: 40 of each class.
  const acc = Number(/Accuracy on the test set \(400\): ([\d.]+)%/.exec(t.stdout)?.[1]);
  assert.ok(acc > 20, `two epochs on 360 images beat chance (10%): ${acc}%`);
  assert.ok(existsSync(ckpt));

  const e = await runStriate(['eval', ckpt, '--split', 'test', '--limit', '40', '--confusion']);
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stdout, new RegExp(`lenet5 on fashion-mnist \\(test, 400 samples\\): accuracy ${acc.toFixed(2)}%`));
  assert.match(e.stdout, /1 Trouser\s+│/);

  // Two test images as PNG files: predict must agree with the model on the same pixels.
  const test = await loadFashionMnist({ split: 'test' });
  const { model } = await modelFromFile(ckpt);
  const want: string[] = [];
  for (const i of [0, 1]) {
    const px = Uint8Array.from(test.sample(i), (v) => Math.round(v * 255));
    writeFileSync(join(dir, `img${i}.png`), encodePng({ width: 28, height: 28, channels: 1, pixels: px }));
    const logits = noGrad(() => model.forward(tensor(Float32Array.from(px, (v) => v / 255), [1, 1, 28, 28]))).toArray();
    want.push(test.classNames[logits.indexOf(Math.max(...logits))]!);
  }
  const p = await runStriate(['predict', ckpt, dir, '--top-k', '3', '--json']);
  assert.equal(p.code, 0, p.stderr);
  const lines = p.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; top: { name: string; probability: number }[] });
  assert.equal(lines.length, 2);
  lines.forEach((l, i) => {
    assert.ok(l.file.endsWith(`img${i}.png`));
    assert.equal(l.top.length, 3);
    assert.equal(l.top[0]!.name, want[i]);
    assert.ok(l.top[0]!.probability >= l.top[1]!.probability && l.top[1]!.probability >= l.top[2]!.probability);
  });
  const text = await runStriate(['predict', ckpt, join(dir, 'img0.png'), '-k', '2']);
  assert.match(text.stdout, /img0\.png: 1\. [\w/ -]+ \d+\.\d% {2}2\. [\w/ -]+ \d+\.\d%\n$/);

  // Resume from the checkpoint: one more epoch starts from the trained weights.
  const r = await runStriate(['train', '-m', 'lenet5', '--limit', '40', '--epochs', '1', '--progress', 'none', '--resume', ckpt, '--seed', '1']);
  assert.equal(r.code, 0, r.stderr);
  const resumed = Number(/Accuracy on the test set \(400\): ([\d.]+)%/.exec(r.stdout)?.[1]);
  assert.ok(resumed > 20, `resumed run keeps the learned weights: ${resumed}%`);

  // A much worse run writing to the same file keeps the better model; its last state goes beside it.
  const before = readFileSync(ckpt);
  const worse = await runStriate(['train', '-m', 'lenet5', '--limit', '40', '--epochs', '1', '--optimizer', 'adam', '--lr', '0.5',
    '--progress', 'none', '--resume', ckpt, '--seed', '1', '-c', ckpt]);
  assert.equal(worse.code, 0, worse.stderr);
  assert.match(worse.stdout, /Kept .*lenet5\.safetensors: the model it holds has a lower validation loss than this run's best/);
  assert.deepEqual(readFileSync(ckpt), before);
  assert.ok(existsSync(join(dir, 'lenet5.last.safetensors')));
});

test('striate train/eval/predict: bad input', async () => {
  const unknown = await runStriate(['train', '-m', 'lenet6']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown model "lenet6"/);
  const noModel = await runStriate(['train']);
  assert.equal(noModel.code, 2);
  assert.match(noModel.stderr, /required option '-m, --model <name>' not specified/);
  const resume = await runStriate(['train', '-m', 'lenet5', '--resume', join(dir, 'missing.safetensors')]);
  assert.equal(resume.code, 1);
  assert.match(resume.stderr, /resume model file not found: .*missing\.safetensors/);
  const every = await runStriate(['train', '-m', 'lenet5', '--checkpoint-every', '10']);
  assert.equal(every.code, 2);
  assert.match(every.stderr, /--checkpoint-every needs --checkpoint <path>/);
  const lr = await runStriate(['train', '-m', 'lenet5', '--lr', '-1']);
  assert.equal(lr.code, 2);
  assert.match(lr.stderr, /option '--lr <rate>' argument '-1' is invalid\. expected a number > 0/);
  const ev = await runStriate(['eval', join(dir, 'nope.safetensors')]);
  assert.equal(ev.code, 1);
  assert.match(ev.stderr, /model file not found: .*nope\.safetensors/);
  writeFileSync(join(dir, 'notes.txt'), 'notes\n');
  const clobber = await runStriate(['train', '-m', 'lenet5', '--limit', '5', '--epochs', '1', '--progress', 'none', '-c', join(dir, 'notes.txt')]);
  assert.equal(clobber.code, 1);
  assert.match(clobber.stderr, /notes\.txt: the file exists and is not a striate model file; refusing to overwrite it/);
  assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'notes\n');
  const pr = await runStriate(['predict', ckpt, join(dir, 'no-such.png')]);
  assert.equal(pr.code, 1);
  assert.match(pr.stderr, /predict: no such file or folder: .*no-such\.png/);
});

test('striate train --resume <x.last.safetensors> continues the run: 1 epoch + resume to 2 equals 2 epochs straight', async () => {
  const args = ['train', '-m', 'lenet5', '--limit', '20', '-b', '32', '--optimizer', 'adam', '--seed', '3', '--progress', 'none'];
  const acc = (out: string) => /Accuracy on the test set \(\d+\): ([\d.]+)%, loss ([\d.]+)/.exec(out)?.slice(1);
  const straight = await runStriate([...args, '--epochs', '2', '-c', join(dir, 'straight', 'm.safetensors')]);
  assert.equal(straight.code, 0, straight.stderr);
  const first = await runStriate([...args, '--epochs', '1', '-c', join(dir, 'parts', 'm.safetensors')]);
  assert.equal(first.code, 0, first.stderr);
  const rest = await runStriate([...args, '--epochs', '2', '-c', join(dir, 'parts', 'm.safetensors'), '--resume', join(dir, 'parts', 'm.last.safetensors')]);
  assert.equal(rest.code, 0, rest.stderr);
  assert.match(rest.stdout, /Best epoch \d of 2/);
  assert.deepEqual(acc(rest.stdout), acc(straight.stdout));
});
