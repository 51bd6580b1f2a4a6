// F.unfold against PyTorch's F.unfold (2-D, the only rank torch has): values and input gradient.
import { test } from 'node:test';
import { F } from '../../src/index.js';
import { assertClose } from './close.js';
import { fromRef, loadCases, type RefTensor } from './fixtures.js';

interface UnfoldCase {
  name: string; kernelSize: number | number[];
  options: { stride: number | number[]; padding: number | number[]; dilation: number | number[] };
  x: RefTensor; gy: RefTensor; y: RefTensor; gx: RefTensor;
}

for (const c of loadCases<UnfoldCase>('unfold.json')) {
  test(`golden ${c.name}`, async () => {
    const x = fromRef(c.x, true);
    const y = F.unfold(x, c.kernelSize, c.options);
    await assertClose(y, c.y, `${c.name} y`);
    y.backward(fromRef(c.gy));
    await assertClose(x.grad, c.gx, `${c.name} grad x`);
  });
}
