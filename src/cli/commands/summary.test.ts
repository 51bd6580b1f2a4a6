import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runStriate } from '../run-cli.js';

test('striate summary lenet5: the table with totals', async () => {
  const r = await runStriate(['summary', 'lenet5']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /├─ conv1 \(Conv2d\)\s+\[1, 6, 28, 28\]\s+156\s+117,600/);
  assert.match(r.stdout, /Total params: 61,706/);
  const j = await runStriate(['summary', 'resnet20', '--in-channels', '1', '--json']);
  assert.equal(j.code, 0, j.stderr);
  const s = JSON.parse(j.stdout) as { totalParams: number; outputShape: number[]; inputShape: number[] };
  assert.equal(s.totalParams, 269_434);
  assert.deepEqual(s.inputShape, [1, 1, 32, 32]);
  assert.deepEqual(s.outputShape, [1, 10]);
});

test('striate summary: a shape that cannot flow exits 1 naming the layer and the formula', async () => {
  const r = await runStriate(['summary', 'alexnet', '--input-shape', '1,3,32,32']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /├─ 12 \(MaxPool2d\)\s+FAILED/);
  assert.match(r.stdout, /The shape stopped flowing at features\.12 \(MaxPool2d\) with input \[1, 256, 1, 1\]:/);
  assert.match(r.stdout, /r = \(q - k \+ 2p\)\/s \+ 1 = \(1 - 3 \+ 2·0\)\/2 \+ 1 = 0/);
  assert.match(r.stderr, /fails at features\.12 \(MaxPool2d\)/);
});

test('striate summary: unknown model and bad shape exit 2', async () => {
  const r = await runStriate(['summary', 'googlenet']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown model "googlenet"; available: lenet5, alexnet, vgg11/);
  const s = await runStriate(['summary', 'lenet5', '-i', '1,a,28']);
  assert.equal(s.code, 2);
  assert.match(s.stderr, /expected positive integers separated by commas/);
});
