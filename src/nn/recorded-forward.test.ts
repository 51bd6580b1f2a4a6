// A recorded forward replays the model's kernel calls: the model's own values for each new input
// (bit for bit: the same kernels in the same order), without running the model's forward,
// recorded again when a parameter or buffer changes, and refusing what a replay cannot repeat.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getBackend, getNumThreads, models, nn, noGrad, randn, setNumThreads, type Tensor } from '../index.js';

// Running statistics away from 0 and 1 (they fold into the convs' weights), different per channel.
function setRunningStats(model: nn.Module, seed: number): void {
  for (const m of model.modules()) {
    if (!(m instanceof nn.BatchNormNd)) continue;
    m.runningMean!.data.set(randn([m.numFeatures], { seed: seed++ }).toArray());
    m.runningVar!.data.set(randn([m.numFeatures], { seed: seed++ }).toArray().map((v) => 0.5 + v * v));
  }
}

// Forwards that `model.forward` runs while `run` runs.
function forwardsDuring(model: nn.Module, run: () => void): number {
  const own = model.forward;
  let n = 0;
  model.forward = (...xs: Tensor[]) => { n++; return own.apply(model, xs); };
  try {
    run();
  } finally {
    model.forward = own;
  }
  return n;
}

const cases: [string, () => nn.Module, number[]][] = [
  ['resnet20 (folded batch norms, residual epilogues, global pooling)', () => models.resnet20(), [2, 3, 32, 32]],
  ['lenet5 (pools, dense layers)', () => models.lenet5(), [3, 1, 28, 28]],
  ['signal cnn (1-D)', () => models.signalCnn({ inChannels: 2, numClasses: 3 }), [2, 2, 64]],
];

for (const [name, make, shape] of cases) {
  test(`recordForward: ${name} gives the model's outputs for new inputs without running its forward`, () => {
    const model = make().eval();
    setRunningStats(model, 11);
    const fast = nn.recordForward(model, randn(shape, { seed: 1 }));
    const x1 = randn(shape, { seed: 2 }), x2 = randn(shape, { seed: 3 });
    const want1 = noGrad(() => model.forward(x1)).toArray(), want2 = noGrad(() => model.forward(x2)).toArray();
    let y1: Tensor | null = null, y2: Tensor | null = null;
    assert.equal(forwardsDuring(model, () => { y1 = fast.forward(x1); y2 = fast.forward(x2); }), 0);
    assert.deepEqual(y2!.toArray(), want2);
    // Each output is its own tensor: the second replay left the first alone.
    assert.deepEqual(y1!.toArray(), want1);
    assert.equal(y1!.requiresGrad, false);
  });
}

test('recordForward: its intermediates and scratch stay its own while other tensors and kernels come and go', () => {
  const model = models.resnet20().eval();
  const shape = [2, 3, 32, 32];
  const fast = nn.recordForward(model, randn(shape, { seed: 1 }));
  const x = randn(shape, { seed: 4 });
  const want = noGrad(() => model.forward(x)).toArray();
  // Tensors of every size class from 1 KB to 8 MB (4 an octave), made after the recording: memory
  // it had given back (activations, scratch) would be handed to them.
  const others = Array.from({ length: 52 }, (_, k) => randn([Math.round(256 * 2 ** (k / 4))], { seed: 20 + k }));
  const before = others.map((t) => t.toArray());
  // Another network's forwards between, whose convs take scratch of the same sizes.
  const other = models.resnet20().eval(), z = randn(shape, { seed: 8 });
  const otherWants = noGrad(() => other.forward(z)).toArray();
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(fast.forward(x).toArray(), want);
    assert.deepEqual(noGrad(() => other.forward(z)).toArray(), otherWants);
  }
  others.forEach((t, i) => assert.deepEqual(t.toArray(), before[i]));
});

test('recordForward: records again after a weight, a running statistic or a loaded state changes', () => {
  const model = models.resnet20().eval();
  const shape = [1, 3, 32, 32];
  const fast = nn.recordForward(model, randn(shape, { seed: 1 }));
  const x = randn(shape, { seed: 5 });
  const check = (what: string) => assert.deepEqual(fast.forward(x).toArray(), noGrad(() => model.forward(x)).toArray(), what);
  const conv = model.modules().find((m) => m instanceof nn.Conv2d) as nn.Conv2d;
  conv.weight.data[0] = conv.weight.data[0]! + 0.5;
  check('after a weight changed in place');
  const bn = model.modules().find((m) => m instanceof nn.BatchNorm2d) as nn.BatchNorm2d;
  bn.runningVar!.data[1] = 4;
  check('after a running variance changed');
  const other = models.resnet20();
  setRunningStats(other, 31);
  model.loadStateDict(other.stateDict());
  check('after loadStateDict');
  assert.equal(forwardsDuring(model, () => fast.forward(x)), 0, 'unchanged since: replayed');
});

test('recordForward: the same values at 1 and 2 threads', { skip: getBackend() !== 'wasm' && 'threads are the wasm backend\'s' }, () => {
  const model = models.resnet20().eval();
  const shape = [2, 3, 32, 32], x = randn(shape, { seed: 6 });
  const threads = getNumThreads();
  try {
    setNumThreads(1);
    const fast = nn.recordForward(model, x);
    const one = fast.forward(x).toArray();
    setNumThreads(2);
    assert.deepEqual(fast.forward(x).toArray(), one);
  } finally {
    setNumThreads(threads);
  }
});

test('recordForward: refuses training mode, another input shape and host reads in the forward', () => {
  const model = models.lenet5();
  assert.throws(() => nn.recordForward(model, randn([1, 1, 28, 28])), /recordForward: the model is in training mode/);
  assert.throws(() => nn.recordForward(model.eval(), [1, 2] as unknown as Tensor), /recordForward: example must be a Tensor, got Array/);
  assert.throws(() => nn.recordForward({} as nn.Module, randn([1])), /recordForward: model must be an nn.Module, got Object/);
  model.eval();
  const fast = nn.recordForward(model, randn([1, 1, 28, 28]));
  assert.throws(() => fast.forward(null as unknown as Tensor), /RecordedForward\.forward: x must be a Tensor, got null/);
  assert.throws(() => fast.forward(randn([2, 1, 28, 28])),
    /RecordedForward\.forward: recorded for inputs \[1, 1, 28, 28\] on 'cpu', got \[2, 1, 28, 28\] on 'cpu'/);
  model.train();
  assert.throws(() => fast.forward(randn([1, 1, 28, 28])), /RecordedForward\.forward: the model is in training mode/);

  class Peeks extends nn.Module {
    override forward(x: Tensor): Tensor {
      return x.toArray()[0]! > 0 ? x.mul(2) : x.mul(3);
    }
  }
  assert.throws(() => nn.recordForward(new Peeks().eval(), randn([4])),
    /recordForward: the recorded function touched tensor values on the host \(toArray\(\)\)/);
});
