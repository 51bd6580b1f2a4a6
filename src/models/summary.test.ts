import assert from 'node:assert/strict';
import { test } from 'node:test';
import { models, nn, summary } from '../index.js';

function lenetLike(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, 10),
  );
}

test('per-layer output shapes, parameters and multiply-accumulates, with totals', () => {
  const s = summary(lenetLike(), [2, 1, 28, 28], { print: false });
  assert.equal(s.error, null);
  assert.deepEqual(s.outputShape, [2, 10]);
  assert.deepEqual(s.layers.map((l) => l.name), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
  assert.deepEqual(s.layers[0], { name: '0', type: 'Conv2d', depth: 1, inputShape: [2, 1, 28, 28], outputShape: [2, 6, 28, 28], params: 156, macs: 2 * 6 * 28 * 28 * 25 });
  assert.deepEqual(s.layers[3]!.outputShape, [2, 16, 10, 10]);
  assert.equal(s.layers[3]!.macs, 2 * 16 * 10 * 10 * 6 * 25);
  assert.equal(s.layers[7]!.macs, 2 * 120 * 400);
  assert.equal(s.totalParams, 61_706);
  assert.equal(s.trainableParams, 61_706);
  assert.equal(s.totalMacs, 2 * (117_600 + 240_000 + 48_000 + 10_080 + 840));
  assert.match(s.table, /Layer \(type\)\s+Output shape\s+Param #\s+MACs/);
  assert.match(s.table, /├─ 0 \(Conv2d\)\s+\[2, 6, 28, 28\]\s+156\s+235,200/);
  assert.match(s.table, /Total params: 61,706/);
});

test('nested models: containers sum their children; depth limits the table, not the result', () => {
  const net = models.resnet20({ numClasses: 10 }).train();
  const s = summary(net, [1, 3, 32, 32], { print: false, depth: 1 });
  assert.equal(s.totalParams, 269_722);
  const layer2 = s.layers.find((l) => l.name === 'layer2')!;
  const inside = s.layers.filter((l) => l.name.startsWith('layer2.') && l.depth === 2);
  assert.equal(layer2.macs, inside.reduce((a, l) => a + l.macs, 0));
  assert.deepEqual(s.layers.find((l) => l.name === 'layer3.0.downsample')!.outputShape, [1, 64, 8, 8]);
  assert.ok(!s.table.includes('(BasicBlock)'), 'depth 1 shows only the direct children');
  assert.ok(s.layers.some((l) => l.type === 'BasicBlock'));
  assert.equal(net.training, true, 'the training mode is restored');
  assert.ok(!Object.prototype.hasOwnProperty.call(net.conv1, 'forward'), 'the forward wrappers are removed');
});

test('a shape that cannot flow is reported at the failing layer with the formula', () => {
  const net = new nn.Sequential(new nn.Conv2d(1, 4, 5), new nn.MaxPool2d(2), new nn.Conv2d(4, 8, 5, { padding: 1 }));
  const s = summary(net, [1, 1, 8, 8], { print: false });
  assert.ok(s.error);
  assert.equal(s.error.layer, '2');
  assert.equal(s.error.type, 'Conv2d');
  assert.deepEqual(s.error.inputShape, [1, 4, 2, 2]);
  assert.match(s.error.message, /r = \(q - k \+ 2p\)\/s \+ 1 = \(2 - 5 \+ 2·1\)\/1 \+ 1 = 0/);
  assert.deepEqual(s.outputShape, []);
  assert.match(s.table, /├─ 2 \(Conv2d\)\s+FAILED/);
  assert.match(s.table, /The shape stopped flowing at 2 \(Conv2d\) with input \[1, 4, 2, 2\]:/);
  assert.throws(() => summary(net, [1, 0, 8], { print: false }), /summary: inputShape must hold positive integers, got \[1, 0, 8\]/);
});
