// convTranspose1d/2d/3d against PyTorch: forward and gradients of input, weight and bias over
// strides, paddings, output paddings (below the stride and below the dilation), dilations, groups.
import { test } from 'node:test';
import { F } from '../../src/index.js';
import { assertClose } from './close.js';
import { fromRef, fromRefOrNull, loadCases, type RefTensor } from './fixtures.js';

type Spatial = number | number[];
interface ConvTransposeCase {
  name: string; dims: 1 | 2 | 3;
  stride: Spatial; padding: Spatial; outputPadding: Spatial; dilation: Spatial; groups: number;
  x: RefTensor; weight: RefTensor; bias: RefTensor | null; gy: RefTensor; y: RefTensor;
  gx: RefTensor; gWeight: RefTensor; gBias: RefTensor | null;
}

const convTransposes = { 1: F.convTranspose1d, 2: F.convTranspose2d, 3: F.convTranspose3d };

for (const c of loadCases<ConvTransposeCase>('conv-transpose.json')) {
  test(`golden ${c.name}`, async () => {
    const x = fromRef(c.x, true);
    const w = fromRef(c.weight, true);
    const b = fromRefOrNull(c.bias, true);
    const { stride, padding, outputPadding, dilation, groups } = c;
    const y = convTransposes[c.dims](x, w, b, { stride, padding, outputPadding, dilation, groups });
    await assertClose(y, c.y, `${c.name} y`);
    y.backward(fromRef(c.gy));
    await assertClose(x.grad, c.gx, `${c.name} grad x`);
    await assertClose(w.grad, c.gWeight, `${c.name} grad weight`);
    if (c.gBias) await assertClose(b!.grad, c.gBias, `${c.name} grad bias`);
  });
}
