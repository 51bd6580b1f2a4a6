// Fused inference (conv → batch norm → + shortcut → ReLU as one conv call): the same results as the
// layers one by one, taken only in evaluation without gradients, and recomputed when any tensor
// the folded weights come from changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { models, nn, noGrad, randn, type Tensor } from '../index.js';
import { activeBackend } from '../kernels/backend.js';
import { convBnRelu } from './fused.js';

function assertClose(got: Tensor, want: Tensor, what: string): void {
  const g = got.toArray(), w = want.toArray();
  assert.equal(g.length, w.length);
  const scale = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  for (let i = 0; i < w.length; i++) {
    assert.ok(Math.abs(g[i]! - w[i]!) <= 1e-4 * Math.abs(w[i]!) + 1e-5 * scale, `${what}: element ${i}: ${g[i]} vs ${w[i]}`);
  }
}

/** Batch norms with running statistics far from 0 and 1, and affine weights not 1 and 0. */
function randomiseBatchNorms(model: nn.Module, seed: number): void {
  for (const m of model.modules()) {
    if (!(m instanceof nn.BatchNormNd)) continue;
    const c = m.numFeatures;
    m.runningMean!.data.set(randn([c], { seed: seed++ }).toArray());
    m.runningVar!.data.set(randn([c], { seed: seed++ }).toArray().map((v) => 0.5 + v * v));
    m.weight!.data.set(randn([c], { seed: seed++ }).toArray());
    m.bias!.data.set(randn([c], { seed: seed++ }).toArray());
  }
}

/** Calls of the backend's kernels named in `counted` (those its predicate takes) while `run` runs. */
function kernelCalls(counted: Record<string, (...args: unknown[]) => boolean>, run: () => void): number {
  const k = activeBackend().kernels as unknown as Record<string, (...args: unknown[]) => void>;
  const saved = { ...k };
  let calls = 0;
  for (const [name, counts] of Object.entries(counted)) {
    const kernel = k[name]!;
    k[name] = (...args) => { if (counts(...args)) calls++; kernel(...args); };
  }
  try {
    run();
  } finally {
    Object.assign(k, saved);
  }
  return calls;
}

/** Calls of the backend's batch-norm forward kernels (plain and fused with the ReLU) while `run` runs. */
const batchNormCalls = (run: () => void) => kernelCalls({ batchNormForward: () => true, batchNormReluForward: () => true }, run);

test('fused: ResNet-18 in evaluation without gradients matches the layers one by one, and folds every batch norm', () => {
  const net = models.resnet18({ numClasses: 10 }).eval();
  randomiseBatchNorms(net, 1);
  const x = randn([1, 3, 64, 64], { seed: 9 });
  const plain = net.forward(x); // gradients on: the layers one by one
  let fused!: Tensor;
  assert.equal(batchNormCalls(() => { fused = noGrad(() => net.forward(x)); }), 0);
  assertClose(fused, plain, 'resnet18');
  assert.equal(batchNormCalls(() => net.forward(x)), 20, 'with gradients every batch norm runs');
});

test('fused: Sequential conv → batch norm → ReLU and Linear → ReLU; the input is left alone', () => {
  const seq = new nn.Sequential(new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(),
    new nn.Flatten(), new nn.Linear(8 * 25, 6),
    new nn.ReLU()).eval();
  randomiseBatchNorms(seq, 20);
  const x = randn([2, 3, 5, 5], { seed: 4 });
  const before = x.toArray();
  assertClose(noGrad(() => seq.forward(x)), seq.forward(x), 'sequential');
  assert.deepEqual(x.toArray(), before);
  // An unbatched input is rejected by the batch norm, fused or not.
  assert.throws(() => noGrad(() => seq.forward(randn([3, 5, 5], { seed: 1 }))), /BatchNorm2d: expected 4D input/);
});

test('fused: folded weights follow changes to the batch norm and the conv (versions)', () => {
  const conv = new nn.Conv2d(4, 6, 3), bn = new nn.BatchNorm2d(6);
  const seq = new nn.Sequential(conv, bn, new nn.ReLU()).eval();
  randomiseBatchNorms(seq, 40);
  const x = randn([1, 4, 7, 7], { seed: 2 });
  const check = (what: string) => assertClose(noGrad(() => seq.forward(x)), seq.forward(x), what);
  check('first');
  bn.runningVar!.data[2] = 9;
  check('after running_var changed');
  bn.loadStateDict(new nn.BatchNorm2d(6).stateDict());
  check('after loadStateDict on the batch norm');
  conv.weight.data[0] = 5;
  check('after the conv weight changed');
  // Training forwards update the running statistics (no fusion there), which the next eval sees.
  seq.train();
  noGrad(() => seq.forward(randn([4, 4, 7, 7], { seed: 3 })));
  seq.eval();
  check('after a training forward');
});

test('fused: training mode runs the batch norm on batch statistics and updates the running ones', () => {
  const bn = new nn.BatchNorm2d(3);
  const seq = new nn.Sequential(new nn.Conv2d(2, 3, 3), bn, new nn.ReLU());
  const v = bn.runningMean!.version;
  assert.equal(batchNormCalls(() => noGrad(() => seq.forward(randn([2, 2, 6, 6], { seed: 1 })))), 1);
  assert.ok(bn.runningMean!.version > v);
});

test('fused: a shortcut of the wrong shape is refused with both shapes named', () => {
  const conv = new nn.Conv2d(2, 3, 3, { padding: 1 }).eval();
  const bn = new nn.BatchNorm2d(3).eval();
  assert.throws(() => noGrad(() => convBnRelu(randn([1, 2, 4, 4]), conv, bn, new nn.ReLU(), randn([1, 3, 2, 2]))),
    /conv2d: the residual \[1, 3, 2, 2\] must have the output's shape \[1, 3, 4, 4\]/);
});

/** Calls of the backend's elementwise kernels for a ReLU or an add of feature maps (not a Linear's bias) while `run` runs. */
const addReluCalls = (run: () => void) => kernelCalls({
  unary: (op) => op === 'relu',
  binary: (op, ...rest) => op === 'add' && (rest[3] as { shape: number[] }).shape.length > 2,
}, run);

test('fused: ResNet-18 inference adds the shortcuts and runs the ReLUs in the convs\' own kernel calls', () => {
  const net = models.resnet18({ numClasses: 10 }).eval();
  randomiseBatchNorms(net, 60);
  const x = randn([1, 3, 64, 64], { seed: 5 });
  noGrad(() => net.forward(x)); // folds the batch norms (elementwise ops on the weights), once
  let fused!: Tensor;
  assert.equal(addReluCalls(() => { fused = noGrad(() => net.forward(x)); }), 0);
  assertClose(fused, net.forward(x), 'resnet18');
});

test('fused: a conv without batch norm takes the residual and the ReLU in its call, batched or not, bitwise as the ops', () => {
  const conv = new nn.Conv2d(3, 5, 3, { padding: 1 }).eval(), relu = new nn.ReLU();
  for (const shape of [[2, 3, 6, 7], [3, 6, 7]]) {
    const x = randn(shape, { seed: 7 }), shortcut = randn([...shape.slice(0, -3), 5, 6, 7], { seed: 8 });
    shortcut.data[3] = NaN;
    let fused!: Tensor;
    assert.equal(addReluCalls(() => { fused = noGrad(() => convBnRelu(x, conv, null, relu, shortcut)); }), 0);
    const plain = relu.forward(conv.forward(x).add(shortcut));
    assert.deepEqual(fused.toArray(), plain.toArray(), `shape ${shape.join('×')}`);
    assert.deepEqual(noGrad(() => convBnRelu(x, conv, null, null, shortcut)).toArray(), conv.forward(x).add(shortcut).toArray());
  }
});

test('fused: a max pool and the ReLU after it run as one op, bitwise as the layers one by one, gradients too', () => {
  const x = randn([3, 4, 10, 12], { seed: 31 });
  x.data[7] = NaN; // the ReLU's rule for NaN (0) holds in the fused op too
  x.requiresGrad = true;
  const layers = [new nn.MaxPool2d(2), new nn.ReLU()];
  const fused = new nn.Sequential(...layers);
  const y = fused.forward(x);
  assert.equal(y.node?.name, 'maxPool2dRelu');
  const g = randn(y.shape, { seed: 32 });
  y.backward(g);
  const gFused = x.grad!.toArray();
  x.grad = null;
  const want = layers[1]!.forward(layers[0]!.forward(x));
  want.backward(g);
  assert.deepEqual(Array.from(y.toArray()), Array.from(want.toArray()));
  assert.deepEqual(Array.from(gFused), Array.from(x.grad!.toArray()));
  noGrad(() => assert.deepEqual(Array.from(fused.forward(x).toArray()), Array.from(want.toArray())));
});
