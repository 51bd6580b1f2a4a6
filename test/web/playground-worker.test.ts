// The playground worker's computations in Node (they run without a browser), checked against
// loops written out here and the lecture's numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convSteps, multiChannel, pooling, signal } from '../../web/src/worker/conv-steps.js';
import { denseVsConv } from '../../web/src/worker/engine-info.js';
import { filter } from '../../web/src/worker/filter.js';
import { predict } from '../../web/src/worker/inside.js';
import { selfStudy } from '../../web/src/worker/zoo.js';

test('panel 3: the lecture\'s example, Z = AΘ and r', () => {
  const r = convSteps({ q: 5, k: 3, p: 0, s: 1 });
  assert.deepEqual(r.output, [[12, 12, 17], [10, 17, 19], [9, 6, 14]]);
  assert.equal(r.A.length, 9);
  assert.deepEqual(r.A[0], [3, 3, 2, 0, 0, 1, 3, 1, 2]);
  assert.throws(() => convSteps({ q: 2, k: 5, p: 0, s: 1 }), /r = /);
});

test('panel 3: the multi-channel example equals a direct convolution with the bias', () => {
  const m = multiChannel();
  assert.equal(m.r, 3);
  assert.deepEqual([m.A.length, m.A[0]!.length, m.theta.length, m.theta[0]!.length], [9, 27, 27, 2]);
  const [q, p, s] = [5, 1, 2];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let n = 0; n < 2; n++) {
    let z = m.bias[n]!;
    for (let c = 0; c < 3; c++) for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
      const [y, x] = [i * s + a - p, j * s + b - p];
      if (y >= 0 && y < q && x >= 0 && x < q) z += m.input[c]![y]![x]! * m.kernels[n]![c]![a]![b]!;
    }
    assert.equal(m.Z[i]![j]![n], z, `Z[${i}][${j}][${n}]`);
  }
  assert.deepEqual(m.Z, m.conv2d);
});

test('panel 3: pooling windows and the 1-D signal', () => {
  const pool = pooling({ k: 2, s: 2 });
  assert.deepEqual(pool.max, [[3, 3], [3, 2]]);
  assert.deepEqual(pool.avg, [[1.5, 1.75], [1.5, 1.5]]);
  const sig = signal();
  // y[i] = x[i−1] − x[i+1] (cross-correlation with [1, 0, −1]), zeros outside.
  const x = [0, ...sig.signal, 0];
  assert.deepEqual(sig.same, sig.signal.map((_, i) => x[i]! - x[i + 2]!));
  assert.deepEqual(sig.valid, sig.same.slice(1, -1));
});

test('panel 1: dense and convolution counts', () => {
  const r = denseVsConv({ height: 224, width: 224, channels: 3, hidden: 1000, filters: 64, kernel: 3 });
  assert.equal(r.denseWeights, 150_528_000);
  assert.equal(r.convWeights, 64 * 3 * 3 * 3);
  assert.equal(r.convMacs, 64 * 224 * 224 * 27);
  assert.throws(() => denseVsConv({ height: 0, width: 224, channels: 3, hidden: 1000, filters: 64, kernel: 3 }), /height must be a positive integer/);
});

test('panel 2: identity keeps the image, a bad kernel is named', () => {
  const data = Uint8ClampedArray.from({ length: 6 * 5 * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256));
  const image = { width: 6, height: 5, data };
  assert.deepEqual(filter({ image, kernelText: '0 0 0\n0 1 0\n0 0 0', border: 'zero', stride: 1 }).image.data, data);
  assert.equal(filter({ image, kernelText: '1 1 1\n1 1 1\n1 1 1', border: 'zero', stride: 2 }).image.width, 3);
  assert.throws(() => filter({ image, kernelText: '0 1\n1 q', border: 'zero', stride: 1 }), /entry \[1\]\[1\] is "q"/);
});

test('panel 5: probabilities sum to 1; one set of maps per convolution', async () => {
  const data = new Uint8ClampedArray(40 * 30 * 4).fill(255);
  const r = await predict({ image: { width: 40, height: 30, data }, invert: true });
  assert.ok(Math.abs(r.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  assert.deepEqual(r.featureMaps.map((f) => [f.layer, ...f.shape]), [['conv1', 6, 28, 28], ['conv2', 16, 10, 10]]);
  assert.ok(r.input.pixels.every((v) => v === 0), 'white inverted is black');
});

test('panel 6: the self-study answers', () => {
  const a = selfStudy();
  assert.equal(a.kernelParams.weights + a.kernelParams.biases, 19);
  assert.deepEqual(a.sizeKeeping.map((s) => s.p), [0, 1, 2, 3]);
  assert.equal(a.noDense.hasLinear, false);
  assert.deepEqual(a.noDense.outputs.map((o) => o.output), [[1, 10], [1, 10]]);
});
