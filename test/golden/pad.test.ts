// F.pad against PyTorch's F.pad: constant (with value, and negative pads that crop), reflect, replicate.
import { test } from 'node:test';
import { F } from '../../src/index.js';
import { assertClose } from './close.js';
import { fromRef, loadCases, type RefTensor } from './fixtures.js';

interface PadCase {
  name: string; pads: number[]; mode: 'constant' | 'reflect' | 'replicate'; value: number;
  x: RefTensor; gy: RefTensor; y: RefTensor; gx: RefTensor;
}

for (const c of loadCases<PadCase>('pad.json')) {
  test(`golden ${c.name}`, async () => {
    const x = fromRef(c.x, true);
    const y = F.pad(x, c.pads, { mode: c.mode, value: c.value });
    await assertClose(y, c.y, `${c.name} y`);
    y.backward(fromRef(c.gy));
    await assertClose(x.grad, c.gx, `${c.name} grad x`);
  });
}
