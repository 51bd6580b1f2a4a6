// Every model of the zoo: a forward pass at its native input size, the exact parameter count,
// and the architectural details that make each what it is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { models, nn, noGrad, randn, F } from '../index.js';

const count = (m: nn.Module): number => m.parameters().reduce((s, p) => s + p.numel(), 0);

test('resnet20: 269,722 parameters, option-A shortcuts without parameters, gradients reach the stem', () => {
  const net = models.resnet20({ numClasses: 10 });
  assert.equal(count(net), 269_722);
  assert.equal(count(models.resnet20({ numClasses: 10, inChannels: 1 })), 269_434);
  assert.ok(!Object.keys(net.stateDict()).some((k) => k.includes('downsample')), 'option A adds no state');
  const x = randn([2, 3, 32, 32], { seed: 1 });
  const y = net.forward(x);
  assert.deepEqual(y.shape, [2, 10]);
  F.crossEntropy(y, [3, 7]).backward();
  assert.ok(net.conv1.weight.grad !== null && net.conv1.weight.grad.toArray().some((v) => v !== 0));
});

test('option-A shortcut: strided subsampling and zero channels, as x[:, :, ::2, ::2] padded', () => {
  const sc = new models.PadShortcut(2, 4, 2);
  const x = randn([1, 2, 4, 4], { seed: 2 });
  const y = sc.forward(x);
  assert.deepEqual(y.shape, [1, 4, 2, 2]);
  const xs = x.toArray();
  const ys = y.toArray();
  assert.deepEqual(Array.from(ys.subarray(0, 4)), [0, 0, 0, 0]); // channel 0 is padding (1 before)
  assert.deepEqual(Array.from(ys.subarray(4, 8)), [xs[0], xs[2], xs[8], xs[10]]);
  assert.deepEqual(Array.from(ys.subarray(8, 12)), [xs[16], xs[18], xs[24], xs[26]]);
  assert.deepEqual(Array.from(ys.subarray(12, 16)), [0, 0, 0, 0]);
});

test('signal, volume, hyperspectral and fully convolutional nets at their native sizes', () => {
  const cases: [string, nn.Module, number[], number[], number][] = [
    ['signalCnn', models.signalCnn({ numClasses: 4 }), [3, 1, 128], [3, 4], 9_300],
    ['volumeCnn', models.volumeCnn({ numClasses: 2 }), [2, 1, 16, 16, 16], [2, 2], 17_674],
    ['hyperspectralCnn', models.hyperspectralCnn({ numClasses: 16, inChannels: 30 }), [2, 30, 9, 9], [2, 16], 191_800],
    ['fcn', models.fcn({ numClasses: 10 }), [2, 1, 28, 28], [2, 10], 16_794],
  ];
  for (const [name, net, input, output, params] of cases) {
    assert.equal(count(net), params, `${name} parameters`);
    assert.deepEqual(net.forward(randn(input, { seed: 3 })).shape, output, `${name} output`);
  }
});

test('the fully convolutional net has no dense layer and takes any image size', () => {
  const net = models.fcn({ numClasses: 5, inChannels: 3 });
  assert.ok(!net.modules().some((m) => m instanceof nn.Linear));
  net.eval();
  assert.deepEqual(noGrad(() => net.forward(randn([1, 3, 40, 52], { seed: 4 }))).shape, [1, 5]);
  assert.deepEqual(noGrad(() => net.classMaps(randn([1, 3, 40, 52], { seed: 4 }))).shape, [1, 5, 10, 13]);
});

test('the hyperspectral net convolves over the bands in 3D before 2D', () => {
  const net = models.hyperspectralCnn({ numClasses: 3, inChannels: 12, width: 4 });
  const convs = net.modules().filter((m): m is nn.ConvNd => m instanceof nn.ConvNd);
  assert.deepEqual(convs.map((c) => c.nd), [3, 3, 2]);
  assert.deepEqual(convs[0]!.kernelSize, [7, 3, 3]);
  assert.equal(convs[2]!.inChannels, 8 * (12 - 10)); // 2·width channels × 2 remaining bands
  assert.throws(() => models.hyperspectralCnn({ inChannels: 10 }), /needs more than 10 spectral bands \(inChannels\), got 10/);
  assert.throws(() => net.forward(randn([1, 13, 9, 9])), /expected patches \[N, 12 bands, P, P\], got \[1, 13, 9, 9\]/);
});

test('factories check numClasses and inChannels, and take inChannels', () => {
  assert.throws(() => models.resnet18({ numClasses: 0 }), /models\.resnet18: numClasses must be a positive integer, got 0/);
  assert.throws(() => models.signalCnn({ inChannels: 1.5 }), /models\.signalCnn: inChannels must be a positive integer, got 1\.5/);
  assert.deepEqual(models.resnet18({ inChannels: 1, numClasses: 7 }).conv1.weight.shape, [64, 1, 7, 7]);
  assert.deepEqual(models.vgg11({ numClasses: 3 }).classifier.forward(randn([1, 25088])).shape, [1, 3]);
});
