// crossEntropy and mseLoss against PyTorch for each reduction: the loss and its gradients.
import { test } from 'node:test';
import { F, type Tensor } from '../../src/index.js';
import { assertClose } from './close.js';
import { fromRef, loadCases, type RefTensor } from './fixtures.js';

type Reduction = 'mean' | 'sum' | 'none';
type LossCase = { name: string; reduction: Reduction; input: RefTensor; gy: RefTensor; y: RefTensor; gInput: RefTensor } & (
  | { op: 'crossEntropy'; target: number[] }
  | { op: 'mseLoss'; target: RefTensor; gTarget: RefTensor });

for (const c of loadCases<LossCase>('loss.json')) {
  test(`golden ${c.name}`, async () => {
    const input = fromRef(c.input, true);
    let target: Tensor | null = null;
    let y: Tensor;
    if (c.op === 'crossEntropy') {
      y = F.crossEntropy(input, c.target, { reduction: c.reduction });
    } else {
      target = fromRef(c.target, true);
      y = F.mseLoss(input, target, { reduction: c.reduction });
    }
    await assertClose(y, c.y, `${c.name} loss`);
    y.backward(fromRef(c.gy));
    await assertClose(input.grad, c.gInput, `${c.name} grad input`);
    if (c.op === 'mseLoss') await assertClose(target!.grad, c.gTarget, `${c.name} grad target`);
  });
}
