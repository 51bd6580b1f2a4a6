// AlexNet and ResNet-18 at their native 224×224: one forward each under noGrad (the ref backend
// is slow, so one pass is all these tests do).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { models, noGrad, randn } from '../index.js';

for (const name of ['alexnet', 'resnet18'] as const) {
  test(`${name} forward on 1×3×224×224 without running out of memory`, () => {
    const net = models[name]({ numClasses: 1000 }).eval();
    const y = noGrad(() => net.forward(randn([1, 3, 224, 224], { seed: 5 })));
    assert.deepEqual(y.shape, [1, 1000]);
    assert.ok(y.toArray().every(Number.isFinite));
    assert.ok(process.memoryUsage().rss < 3 * 2 ** 30, `rss ${process.memoryUsage().rss} stays under 3 GB`);
  });
}
