// F.batchNorm against PyTorch: training (batch statistics, running-stat updates) and evaluation;
// the cases marked relu run F.batchNormRelu against torch's relu(batch_norm(x) + residual).
import { test } from 'node:test';
import { F } from '../../src/index.js';
import { assertClose } from './close.js';
import { fromRef, fromRefOrNull, loadCases, type RefTensor } from './fixtures.js';

interface BatchNormCase {
  name: string; training: boolean; momentum: number; eps: number;
  x: RefTensor; runningMean: RefTensor; runningVar: RefTensor; weight: RefTensor | null; bias: RefTensor | null;
  gy: RefTensor; y: RefTensor; runningMeanAfter: RefTensor; runningVarAfter: RefTensor;
  gx: RefTensor; gWeight: RefTensor | null; gBias: RefTensor | null;
  relu?: boolean; residual?: RefTensor | null; gResidual?: RefTensor | null;
}

for (const c of loadCases<BatchNormCase>('batch-norm.json')) {
  test(`golden ${c.name}`, async () => {
    const x = fromRef(c.x, true);
    const rm = fromRef(c.runningMean);
    const rv = fromRef(c.runningVar);
    const w = fromRefOrNull(c.weight, true);
    const b = fromRefOrNull(c.bias, true);
    const r = fromRefOrNull(c.residual ?? null, true);
    const opts = { training: c.training, momentum: c.momentum, eps: c.eps };
    const y = c.relu ? F.batchNormRelu(x, rm, rv, w, b, r, opts) : F.batchNorm(x, rm, rv, w, b, opts);
    await assertClose(y, c.y, `${c.name} y`);
    await assertClose(rm, c.runningMeanAfter, `${c.name} running mean`);
    await assertClose(rv, c.runningVarAfter, `${c.name} running var`);
    y.backward(fromRef(c.gy));
    await assertClose(x.grad, c.gx, `${c.name} grad x`);
    if (c.gWeight) await assertClose(w!.grad, c.gWeight, `${c.name} grad weight`);
    if (c.gBias) await assertClose(b!.grad, c.gBias, `${c.name} grad bias`);
    if (c.gResidual) await assertClose(r!.grad, c.gResidual, `${c.name} grad residual`);
  });
}
