import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CosineAnnealingLR, LinearLR, SequentialLR, StepLR } from './schedules.js';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

function run(s: { step(): void; getLastLr(): number }, n: number): number[] {
  const out = [s.getLastLr()];
  for (let i = 0; i < n; i++) { s.step(); out.push(s.getLastLr()); }
  return out;
}

test('StepLR divides by 1/gamma every stepSize steps', () => {
  const opt = { lr: 0.1 };
  run(new StepLR(opt, { stepSize: 2, gamma: 0.5 }), 5).forEach((lr, t) => close(lr, 0.1 * 0.5 ** Math.floor(t / 2)));
  assert.throws(() => new StepLR(opt, { stepSize: 0 }), /StepLR: stepSize must be a positive integer, got 0/);
});

test('CosineAnnealingLR follows PyTorch closed form and holds at etaMin', () => {
  const lrs = run(new CosineAnnealingLR({ lr: 1 }, { tMax: 4, etaMin: 0.2 }), 6);
  close(lrs[0]!, 1);
  close(lrs[2]!, 0.6);
  close(lrs[4]!, 0.2);
  close(lrs[6]!, 0.2);
});

test('LinearLR warm-up then cosine via SequentialLR', () => {
  const opt = { lr: 1 };
  const warm = new LinearLR(opt, { startFactor: 0.25, totalIters: 3 });
  const cos = new CosineAnnealingLR(opt, { tMax: 2 });
  const lrs = run(new SequentialLR(opt, [warm, cos], [3]), 5);
  [0.25, 0.5, 0.75, 1, 0.5, 0].forEach((v, i) => close(lrs[i]!, v));
  assert.throws(() => new SequentialLR(opt, [warm, cos], []), /2 schedulers need 1 milestones/);
});
