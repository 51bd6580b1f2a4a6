import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { F, nn, noGrad, randn, tensor } from '../index.js';

interface ModuleCase {
  momentum: number | null; batches: number[][]; evalX: number[]; evalY: number[];
  runningMean: number[]; runningVar: number[]; numBatchesTracked: number;
}
const golden = JSON.parse(readFileSync(new URL('../../test/fixtures/batch-norm.json', import.meta.url), 'utf8')) as {
  module: ModuleCase[];
};

function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string, tol = 1e-4): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tol * (1 + Math.abs(expected[i]!)), `${what}[${i}]: got ${actual[i]}, PyTorch ${expected[i]}`);
  }
}

test('BatchNorm2d matches PyTorch over three training batches and an eval batch (momentum 0.1 and null)', () => {
  for (const c of golden.module) {
    const bn = new nn.BatchNorm2d(3, { momentum: c.momentum });
    for (const b of c.batches) bn.forward(tensor(b, [2, 3, 2, 3]));
    bn.eval();
    const y = bn.forward(tensor(c.evalX, [2, 3, 2, 3]));
    const what = `momentum ${c.momentum}`;
    assertClose(bn.runningMean!.data, c.runningMean, `${what} running_mean`);
    assertClose(bn.runningVar!.data, c.runningVar, `${what} running_var`);
    assert.equal(bn.numBatchesTracked, c.numBatchesTracked);
    assertClose(y.data, c.evalY, `${what} eval output`);
    // Evaluation does not count or update.
    assert.equal(bn.numBatchesTracked, 3);
  }
});

test('BatchNorm buffers and state dict use PyTorch names; affine and trackRunningStats options', () => {
  const bn = new nn.BatchNorm1d(4);
  assert.deepEqual(Object.keys(bn.stateDict()), ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
  assert.deepEqual(bn.stateDict()['num_batches_tracked']!.shape, []);
  assert.deepEqual(Array.from(bn.weight!.data), [1, 1, 1, 1]);
  assert.deepEqual(Array.from(bn.bias!.data), [0, 0, 0, 0]);
  assert.deepEqual(Array.from(bn.runningVar!.data), [1, 1, 1, 1]);
  assert.deepEqual(bn.namedParameters().map(([k]) => k), ['weight', 'bias']);

  const plain = new nn.BatchNorm2d(3, { affine: false });
  assert.deepEqual(Object.keys(plain.stateDict()), ['running_mean', 'running_var', 'num_batches_tracked']);
  assert.equal(plain.parameters().length, 0);

  // Without running statistics, evaluation normalises with the batch's own statistics.
  const free = new nn.BatchNorm2d(3, { trackRunningStats: false });
  assert.deepEqual(Object.keys(free.stateDict()), ['weight', 'bias']);
  free.eval();
  const x = randn([4, 3, 2, 2]);
  assert.deepEqual(Array.from(free.forward(x).data),
    Array.from(F.batchNorm(x, null, null, free.weight, free.bias, { training: true }).data));

  bn.forward(randn([8, 4]));
  bn.forward(randn([8, 4, 5]));
  assert.equal(bn.numBatchesTracked, 2);
  bn.resetRunningStats();
  assert.equal(bn.numBatchesTracked, 0);
  assert.deepEqual(Array.from(bn.runningMean!.data), [0, 0, 0, 0]);
});

test('BatchNorm trains its weight and bias, and loads state dicts', () => {
  const bn = new nn.BatchNorm3d(2);
  const x = randn([2, 2, 2, 3, 3]);
  bn.forward(x).mul(randn([2, 2, 2, 3, 3])).sum().backward();
  assert.ok(bn.weight!.grad && bn.bias!.grad);
  const other = new nn.BatchNorm3d(2);
  other.loadStateDict(bn.stateDict());
  assert.equal(other.numBatchesTracked, 1);
  assert.deepEqual(Array.from(other.runningMean!.data), Array.from(bn.runningMean!.data));
  bn.eval();
  other.eval();
  noGrad(() => assert.deepEqual(Array.from(other.forward(x).data), Array.from(bn.forward(x).data)));
});

test('BatchNorm rejects wrong ranks and channel counts', () => {
  assert.throws(() => new nn.BatchNorm2d(3).forward(randn([2, 3, 4])), /BatchNorm2d: expected 4D input \(N, C, H, W\), got \[2, 3, 4\]/);
  assert.throws(() => new nn.BatchNorm1d(3).forward(randn([2, 3, 4, 4])), /BatchNorm1d: expected 2D or 3D input/);
  assert.throws(() => new nn.BatchNorm3d(3).forward(randn([2, 3, 4, 4])), /BatchNorm3d: expected 5D input/);
  assert.throws(() => new nn.BatchNorm2d(3).forward(randn([2, 4, 2, 2])), /BatchNorm2d\(3\): input \[2, 4, 2, 2\] has 4 channels \(dim 1\), expected 3/);
  assert.throws(() => new nn.BatchNorm2d(0), /BatchNorm2d: numFeatures must be an integer >= 1/);
  assert.throws(() => new nn.BatchNorm2d(3, { momentum: -1 }), /momentum must be in \[0, 1\] or null/);
});

test('BatchNorm2d.forwardRelu: the fused op equals the two layers; a wrapped forward (hooks, summary) runs them as written', () => {
  const x = randn([4, 3, 5, 5], { seed: 61 }), res = randn([4, 3, 5, 5], { seed: 62 });
  const relu = new nn.ReLU();
  let reluCalls = 0;
  const wrapped = new nn.ReLU();
  wrapped.forward = (t) => { reluCalls++; return F.relu(t); };
  for (const training of [true, false]) {
    for (const r of [relu, wrapped]) {
      const fused = new nn.BatchNorm2d(3).train(training), plain = new nn.BatchNorm2d(3).train(training);
      const calls = reluCalls;
      const got = fused.forwardRelu(x, r, res);
      const want = F.relu(plain.forward(x).add(res));
      const what = `training=${training} wrapped=${r === wrapped}`;
      const close = (a: ArrayLike<number>, b: ArrayLike<number>, name: string) =>
        Array.from(b).forEach((v, i) => assert.ok(Math.abs(a[i]! - v) <= 1e-5 * (1 + Math.abs(v)), `${name}[${i}] ${what}`));
      close(got.data, want.data, 'y');
      close(fused.runningMean!.data, plain.runningMean!.data, 'runningMean');
      close(fused.runningVar!.data, plain.runningVar!.data, 'runningVar');
      assert.equal(fused.numBatchesTracked, plain.numBatchesTracked, what);
      assert.equal(reluCalls - calls, r === wrapped ? 1 : 0, `the wrapped ReLU's forward runs (${what})`);
    }
  }
});
