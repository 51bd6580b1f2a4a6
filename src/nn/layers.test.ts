import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F, manualSeed, nn, randn, tensor, type Tensor } from '../index.js';

function maxAbs(t: Tensor): number {
  return t.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

function std(t: Tensor): number {
  const d = Array.from(t.data);
  const mu = d.reduce((a, b) => a + b, 0) / d.length;
  return Math.sqrt(d.reduce((a, b) => a + (b - mu) ** 2, 0) / d.length);
}

test('Linear: PyTorch shapes and default init U(±1/√in), reproducible with manualSeed', () => {
  manualSeed(3);
  const fc = new nn.Linear(400, 120);
  assert.deepEqual(fc.weight.shape, [120, 400]);
  assert.deepEqual(fc.bias!.shape, [120]);
  const bound = 1 / Math.sqrt(400);
  assert.ok(maxAbs(fc.weight) <= bound && maxAbs(fc.weight) > 0.95 * bound);
  assert.ok(Math.abs(std(fc.weight) - bound / Math.sqrt(3)) < 0.03 * bound); // uniform's std
  assert.ok(maxAbs(fc.bias!) <= bound);
  manualSeed(3);
  assert.deepEqual(Array.from(new nn.Linear(400, 120).weight.data), Array.from(fc.weight.data));
  const x = randn([5, 400]);
  assert.deepEqual(Array.from(fc.forward(x).data), Array.from(F.linear(x, fc.weight, fc.bias).data));
  assert.equal(new nn.Linear(3, 2, { bias: false }).bias, null);
  assert.deepEqual(Object.keys(new nn.Linear(3, 2, { bias: false }).stateDict()), ['weight']);
  assert.throws(() => new nn.Linear(0, 2), /Linear: inFeatures must be an integer >= 1, got 0/);
  assert.throws(() => fc.forward(randn([5, 399])), /Linear\(400, 120\): input \[5, 399\] must end in 400 features/);
});

test('Conv1d/2d/3d: weight [out, in/groups, ...k], init bound 1/√fanIn, forward shapes', () => {
  const c2 = new nn.Conv2d(4, 6, [3, 5], { padding: [1, 2], groups: 2, stride: 1 });
  assert.deepEqual(c2.weight.shape, [6, 2, 3, 5]);
  const bound = 1 / Math.sqrt(2 * 3 * 5);
  assert.ok(maxAbs(c2.weight) <= bound && maxAbs(c2.bias!) <= bound && maxAbs(c2.weight) > 0.9 * bound);
  assert.deepEqual(c2.forward(randn([2, 4, 7, 9])).shape, [2, 6, 7, 9]);
  const x = randn([1, 4, 5, 5]);
  const ref = F.conv2d(x, c2.weight, c2.bias, { padding: [1, 2], groups: 2 });
  assert.deepEqual(Array.from(c2.forward(x).data), Array.from(ref.data));
  assert.deepEqual(new nn.Conv1d(1, 16, 7, { padding: 3 }).forward(randn([2, 1, 50])).shape, [2, 16, 50]);
  assert.deepEqual(new nn.Conv1d(1, 2, 3, { padding: 'same', dilation: 2 }).forward(randn([1, 1, 10])).shape, [1, 2, 10]);
  assert.deepEqual(new nn.Conv3d(2, 3, 3, { stride: 2 }).forward(randn([1, 2, 5, 7, 7])).shape, [1, 3, 2, 3, 3]);
  const nb = new nn.Conv2d(3, 8, 1, { bias: false });
  assert.equal(nb.bias, null);
  assert.deepEqual(nb.namedParameters().map(([k]) => k), ['weight']);
  assert.throws(() => new nn.Conv2d(3, 4, 3, { groups: 2 }), /Conv2d: groups=2 must divide inChannels=3 and outChannels=4/);
  // Stride, padding and dilation are checked once, by the op, when the layer runs.
  assert.throws(() => new nn.Conv2d(3, 4, 3, { padding: 'same', stride: 2 }).forward(randn([1, 3, 5, 5])), /conv2d: .*padding 'same' needs stride 1/);
  assert.throws(() => new nn.Conv2d(3, 4, [3, 3, 3]), /Conv2d: kernelSize/);
  assert.throws(() => c2.forward(randn([1, 2, 5, 5])), /conv2d: .*input has 2 channels but the weight expects/);
});

test("Conv2d: a layer's checks, done once per shape, still hold for every call", () => {
  const padding = [1, 2];
  const c = new nn.Conv2d(3, 4, 3, { padding, stride: [2, 1] });
  padding[0] = 5; // the layer keeps its own frozen copy
  assert.deepEqual(c.padding, [1, 2]);
  assert.throws(() => { (c.padding as number[])[0] = 0; }, TypeError);
  const same = (x: Tensor) => assert.deepEqual(Array.from(c.forward(x).data),
    Array.from(F.conv2d(x, c.weight, c.bias, { padding: [1, 2], stride: [2, 1] }).data));
  for (const shape of [[1, 3, 6, 6], [1, 3, 6, 6], [2, 3, 5, 7], [1, 3, 6, 6]]) same(randn(shape));
  same(randn([3, 6, 6]).reshape([1, 3, 6, 6]));
  assert.deepEqual(c.forward(randn([3, 6, 6])).shape, [4, 3, 8]);
  assert.throws(() => c.forward(randn([1, 2, 6, 6])), /conv2d: .*input has 2 channels but the weight expects/);
  assert.throws(() => c.forward(randn([1, 3, 0, 6])), /conv2d: empty spatial, channel or kernel dimension/);
  // Other weights and biases through the same layer (fused inference passes folded ones).
  assert.throws(() => c.convolve(randn([1, 3, 6, 6]), c.weight, randn([5])), /conv2d: bias \[5\] must be \[4\]/);
  assert.throws(() => c.convolve(randn([1, 3, 6, 6]), randn([4, 3, 3]), null), /conv2d: expected a 4-D weight/);
  assert.deepEqual(c.convolve(randn([1, 3, 6, 6]), randn([2, 3, 1, 1]), null).shape, [1, 2, 4, 10]);
  same(randn([1, 3, 6, 6]));
});

test('pooling layers: stride defaults to kernelSize, options pass through', () => {
  const x = randn([2, 3, 8, 9]);
  assert.deepEqual(new nn.MaxPool2d(2).forward(x).shape, [2, 3, 4, 4]);
  assert.deepEqual(new nn.MaxPool2d(2, { ceilMode: true }).forward(x).shape, [2, 3, 4, 5]);
  assert.deepEqual(new nn.MaxPool2d(3, { stride: 1, padding: 1 }).forward(x).shape, [2, 3, 8, 9]);
  assert.deepEqual(
    Array.from(new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }).forward(x).data),
    Array.from(F.avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }).data),
  );
  assert.deepEqual(new nn.MaxPool1d(2).forward(randn([1, 2, 10])).shape, [1, 2, 5]);
  assert.deepEqual(new nn.AvgPool1d(4).forward(randn([1, 2, 10])).shape, [1, 2, 2]);
  assert.deepEqual(new nn.MaxPool3d(2).forward(randn([1, 1, 4, 4, 6])).shape, [1, 1, 2, 2, 3]);
  assert.deepEqual(new nn.AvgPool3d([1, 2, 2]).forward(randn([1, 1, 4, 4, 6])).shape, [1, 1, 4, 2, 3]);
  assert.deepEqual(new nn.AdaptiveAvgPool2d([2, 3]).forward(x).shape, [2, 3, 2, 3]);
  assert.deepEqual(new nn.AdaptiveAvgPool2d(1).forward(x).shape, [2, 3, 1, 1]);
  assert.throws(() => new nn.MaxPool2d(0), /MaxPool2d: kernelSize must be positive integers/);
  assert.equal(new nn.MaxPool2d(2).parameters().length, 0);
});

test('activations, Dropout, Flatten, Identity', () => {
  const x = tensor([-2, -0.5, 0, 1.5], [2, 2]);
  const same = (m: nn.Module, y: Tensor): void => assert.deepEqual(Array.from(m.forward(x).data), Array.from(y.data));
  same(new nn.ReLU(), F.relu(x));
  same(new nn.LeakyReLU(0.2), F.leakyRelu(x, 0.2));
  same(new nn.LeakyReLU(), F.leakyRelu(x, 0.01));
  same(new nn.ELU(0.5), F.elu(x, 0.5));
  same(new nn.Sigmoid(), F.sigmoid(x));
  same(new nn.Tanh(), F.tanh(x));
  same(new nn.Softmax(1), F.softmax(x, 1));
  same(new nn.LogSoftmax(0), F.logSoftmax(x, 0));
  same(new nn.Identity(), x);
  assert.deepEqual(new nn.Flatten().forward(randn([2, 3, 4, 5])).shape, [2, 60]);
  assert.deepEqual(new nn.Flatten(0, 1).forward(randn([2, 3, 4])).shape, [6, 4]);

  const drop = new nn.Dropout(0.5);
  const ones = randn([1000]).mul(0).add(1);
  const y = drop.forward(ones);
  const kept = y.data.filter((v) => v !== 0);
  assert.ok(kept.every((v) => v === 2) && kept.length > 400 && kept.length < 600);
  drop.eval();
  assert.equal(drop.forward(ones), ones);
  assert.throws(() => new nn.Dropout(1.5), /Dropout: probability p must be in \[0, 1\], got 1.5/);
});

test('a small CNN trains end to end through the modules', () => {
  manualSeed(7);
  const net = new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Dropout(0.1), new nn.Linear(4 * 4 * 4, 3),
  );
  const x = randn([6, 1, 8, 8]);
  const target = [0, 1, 2, 0, 1, 2];
  const lossAt = (): number => F.crossEntropy(net.forward(x), target).item();
  const first = lossAt();
  for (let step = 0; step < 30; step++) {
    net.zeroGrad();
    F.crossEntropy(net.forward(x), target).backward();
    for (const p of net.parameters()) p.data.set(p.data.map((v, i) => v - 0.1 * p.grad!.data[i]!));
  }
  assert.ok(lossAt() < 0.5 * first, `loss ${first} → ${lossAt()}`);
});
