// One SGD step of models.lenet5() against PyTorch: the same initial weights (loadStateDict),
// the same 4 Fashion-MNIST images, F.crossEntropy, optim.SGD(lr 0.1, momentum 0.9).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F, models, noGrad, optim, type Tensor } from '../../src/index.js';
import { assertClose } from './close.js';
import { fromRef, goldenDevice, loadCases, type RefTensor } from './fixtures.js';
import { sampled } from './hashed.js';

interface LeNetCase {
  name: string; lr: number; momentum: number;
  initial: Record<string, RefTensor>; x: RefTensor; labels: number[]; logits: RefTensor;
  loss: number; lossAfter: number; every: number; after: Record<string, RefTensor>;
}

const scalar = (v: number): RefTensor => ({ shape: [], data: [v] });

for (const c of loadCases<LeNetCase>('lenet5.json')) {
  test(`golden ${c.name}`, async () => {
    const model = models.lenet5().to(goldenDevice);
    const sd: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(c.initial)) sd[k] = fromRef(v);
    model.loadStateDict(sd);
    assert.deepEqual(model.namedParameters().map(([k]) => k).sort(), Object.keys(c.after).sort());

    const opt = new optim.SGD(model.parameters(), { lr: c.lr, momentum: c.momentum });
    opt.zeroGrad();
    const x = fromRef(c.x);
    const logits = model.forward(x);
    await assertClose(logits, c.logits, `${c.name} logits`);
    const loss = F.crossEntropy(logits, c.labels);
    await assertClose(loss, scalar(c.loss), `${c.name} loss`);
    loss.backward();
    opt.step();

    const after = model.stateDict();
    for (const [k, ref] of Object.entries(c.after)) {
      await assertClose(await sampled(after[k]!, c.every), ref, `${c.name} ${k} after the step (every ${c.every}th value)`);
    }
    const lossAfter = noGrad(() => F.crossEntropy(model.forward(x), c.labels));
    await assertClose(lossAfter, scalar(c.lossAfter), `${c.name} loss after the step`);
  });
}
