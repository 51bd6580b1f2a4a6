import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, nn, zeros, type Tensor } from '../index.js';

const { init } = nn;

function stats(t: Tensor): { max: number; std: number; mean: number } {
  const d = Array.from(t.data);
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
  return { max: Math.max(...d.map(Math.abs)), std, mean };
}

test('gains and fans as torch.nn.init', () => {
  assert.equal(init.calculateGain('relu'), Math.SQRT2);
  assert.equal(init.calculateGain('tanh'), 5 / 3);
  assert.equal(init.calculateGain('linear'), 1);
  assert.ok(Math.abs(init.calculateGain('leakyRelu', Math.sqrt(5)) - Math.sqrt(1 / 3)) < 1e-12);
  assert.deepEqual(init.calculateFans(zeros([16, 6, 5, 5])), [150, 400]);
  assert.deepEqual(init.calculateFans(zeros([120, 400])), [400, 120]);
  assert.throws(() => init.calculateFans(zeros([5])), /at least 2 dimensions, got \[5\]/);
});

test('kaiming, xavier, uniform, normal and constants fill in place with the right spread', () => {
  manualSeed(11);
  const w = zeros([64, 32, 3, 3]); // fanIn 288, fanOut 576
  assert.equal(init.kaimingNormal(w, { mode: 'fanOut', nonlinearity: 'relu' }), w);
  assert.ok(Math.abs(stats(w).std - Math.sqrt(2 / 576)) < 0.02 * Math.sqrt(2 / 576));
  init.kaimingUniform(w, { a: Math.sqrt(5) });
  assert.ok(stats(w).max <= 1 / Math.sqrt(288) && stats(w).max > 0.99 / Math.sqrt(288));
  init.kaimingUniform(w, { nonlinearity: 'relu' });
  assert.ok(stats(w).max <= Math.sqrt(6 / 288));
  init.xavierUniform(w);
  assert.ok(stats(w).max <= Math.sqrt(6 / (288 + 576)));
  init.xavierNormal(w, 2);
  assert.ok(Math.abs(stats(w).std - 2 * Math.sqrt(2 / 864)) < 0.03 * 2 * Math.sqrt(2 / 864));
  init.normal(w, 3, 0.5);
  assert.ok(Math.abs(stats(w).mean - 3) < 0.01 && Math.abs(stats(w).std - 0.5) < 0.01);
  init.uniform(w, -2, -1);
  assert.ok(w.data.every((v) => v >= -2 && v < -1));
  init.constant(w, 0.25);
  assert.ok(w.data.every((v) => v === 0.25));
  init.ones(w);
  assert.ok(w.data.every((v) => v === 1));
  init.zeros(w);
  assert.ok(w.data.every((v) => v === 0));
  assert.throws(() => init.kaimingUniform(w, { mode: 'fan_in' as 'fanIn' }), /mode must be 'fanIn' or 'fanOut'/);
  assert.throws(() => init.uniform(w, 1, 0), /need a <= b/);
});
