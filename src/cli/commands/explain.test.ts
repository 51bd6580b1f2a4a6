import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runStriate } from '../run-cli.js';

test("striate explain conv: the lecture's 5×5 example, stage by stage", async () => {
  const r = await runStriate(['explain', 'conv']);
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout;
  assert.match(out, /Input \(5×5\):\n {2}\[ 3 3 2 1 0 \]\n {2}\[ 0 0 1 3 1 \]/);
  assert.match(out, /Kernel \(3×3\):\n {2}\[ 0 1 2 \]\n {2}\[ 2 2 0 \]\n {2}\[ 0 1 2 \]/);
  assert.match(out, /r = \(q − k \+ 2p\)\/s \+ 1 = \(5 − 3 \+ 2·0\)\/1 \+ 1 = 3/);
  assert.match(out, /im2col matrix A \(9×9\)[^\n]*\n {2}\[ 3 3 2 0 0 1 3 1 2 \]/);
  assert.match(out, /Flattened kernel Θ \(9×1\)/);
  assert.match(out, /Reshaped to the 3×3 output:\n {2}\[ 12 12 17 \]\n {2}\[ 10 17 19 \]\n {2}\[ {2}9 {2}6 14 \]/);
  assert.match(out, /F\.conv2d on the same input gives the same output\./);
});

test('striate explain conv with padding, stride, given matrices and JSON', async () => {
  const r = await runStriate(['explain', 'conv', '--padding', '1', '--stride', '2', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { padded: number[][]; output: number[][]; conv2d: number[][]; formulas: string[]; A: number[][] };
  assert.equal(j.padded.length, 7);
  assert.deepEqual(j.padded[0], [0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(j.output, j.conv2d);
  assert.deepEqual(j.output.length, 3);
  assert.equal(j.A.length, 9);
  assert.deepEqual(j.formulas, ['r = (q − k + 2p)/s + 1 = (5 − 3 + 2·1)/2 + 1 = 3']);
  const g = await runStriate(['explain', 'conv', '--input', '[[1,2,3],[4,5,6],[7,8,9]]', '--kernel', '[[1,0],[0,-1]]']);
  assert.equal(g.code, 0, g.stderr);
  assert.match(g.stdout, /Reshaped to the 2×2 output:\n {2}\[ -4 -4 \]\n {2}\[ -4 -4 \]/);
});

test('striate explain: bad input exits 2 with the reason', async () => {
  const big = await runStriate(['explain', 'conv', '--size', '3', '--kernel-size', '5']);
  assert.equal(big.code, 2);
  assert.match(big.stderr, /kernel is larger than the padded input along H: r = \(q - k \+ 2p\)\/s \+ 1 = \(3 - 5 \+ 2·0\)\/1 \+ 1 = -1/);
  const topic = await runStriate(['explain', 'pooling']);
  assert.equal(topic.code, 2);
  assert.match(topic.stderr, /unknown topic "pooling"; available: conv/);
  const json = await runStriate(['explain', 'conv', '--kernel', '[[1,2],[3]']);
  assert.equal(json.code, 2);
  assert.match(json.stderr, /--kernel: invalid JSON/);
});

test('striate explain conv and summary refuse sizes beyond the limits instead of exhausting memory', async () => {
  const huge = await runStriate(['explain', 'conv', '--size', '100000']);
  assert.equal(huge.code, 1);
  assert.match(huge.stderr, /explain conv: --size \[100000, 100000\] gives a tensor whose element count: 10,000,000,000 exceeds the limit maxTensorElements = 268,435,456; raise it with setLimits\(\{ maxTensorElements: n \}\) or the environment variable STRIATE_MAX_TENSOR_ELEMENTS=n/);
  const big = await runStriate(['explain', 'conv', '--size', '3000']);
  assert.equal(big.code, 1);
  assert.match(big.stderr, /explain conv needs about [\d.]+ GiB \(estimated bytes\): [\d,]+ exceeds the limit maxMemoryBytes/);
  const summary = await runStriate(['summary', 'lenet5', '--input-shape', '1,1,10000,10000']);
  assert.equal(summary.code, 1);
  assert.match(summary.stderr, /summary: lenet5 at \[1,1,10000,10000\] needs about [\d.]+ GiB \(estimated bytes\): .* exceeds the limit maxMemoryBytes = 4,294,967,296/);
});
