import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trainingCurvesSvg, type EpochLog } from '../index.js';

const log = (epoch: number, valLoss?: number): EpochLog => ({
  epoch, trainLoss: 1 / epoch, trainAccuracy: 0.5 + epoch / 10, lr: 0.1, iterations: epoch * 10, seconds: 1,
  imagesPerSecond: 100, best: false, ...(valLoss === undefined ? {} : { valLoss, valAccuracy: 0.6 }),
});

test('training curves SVG: both panels, validation dashed, best epoch marked', () => {
  const svg = trainingCurvesSvg([log(1, 0.9), log(2, 0.7), log(3, 0.8)], { title: 'LeNet-5 <test>', bestEpoch: 2 });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal((svg.match(/<path /g) ?? []).length, 4);
  assert.equal((svg.match(/stroke-dasharray="6 3"/g) ?? []).length, 2);
  assert.match(svg, /LeNet-5 &lt;test> · best epoch 2/);
  assert.ok(!/NaN/.test(svg));
  const trainOnly = trainingCurvesSvg([log(1)]);
  assert.equal((trainOnly.match(/<path /g) ?? []).length, 2);
  assert.throws(() => trainingCurvesSvg([]), /no epochs/);
});
