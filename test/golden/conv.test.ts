// conv1d/2d/3d against PyTorch: forward and gradients of input, weight and bias over a grid of
// strides, paddings (symmetric, 'same', 'valid', asymmetric), dilations and groups. Asymmetric
// padding is checked twice: through the conv's {begin, end} option and through F.pad + conv,
// the way the reference computed it.
import { test } from 'node:test';
import { F, type Tensor } from '../../src/index.js';
import { assertClose } from './close.js';
import { fromRef, fromRefOrNull, loadCases, type RefTensor } from './fixtures.js';

type Spatial = number | number[];
interface ConvCase {
  name: string; dims: 1 | 2 | 3;
  stride: Spatial; padding: Spatial | 'same' | 'valid' | { begin: number[]; end: number[] }; dilation: Spatial; groups: number;
  pads?: number[];
  x: RefTensor; weight: RefTensor; bias: RefTensor | null; gy: RefTensor; y: RefTensor;
  gx: RefTensor; gWeight: RefTensor; gBias: RefTensor | null;
}

const convs = { 1: F.conv1d, 2: F.conv2d, 3: F.conv3d };

async function check(c: ConvCase, label: string, run: (x: Tensor, w: Tensor, b: Tensor | null) => Tensor): Promise<void> {
  const x = fromRef(c.x, true);
  const w = fromRef(c.weight, true);
  const b = fromRefOrNull(c.bias, true);
  const y = run(x, w, b);
  await assertClose(y, c.y, `${label} y`);
  y.backward(fromRef(c.gy));
  await assertClose(x.grad, c.gx, `${label} grad x`);
  await assertClose(w.grad, c.gWeight, `${label} grad weight`);
  if (c.gBias) await assertClose(b!.grad, c.gBias, `${label} grad bias`);
}

for (const c of loadCases<ConvCase>('conv.json')) {
  const conv = convs[c.dims];
  const { stride, dilation, groups } = c;
  test(`golden ${c.name}`, async () => {
    await check(c, c.name, (x, w, b) => conv(x, w, b, { stride, padding: c.padding, dilation, groups }));
  });
  if (c.pads) {
    const pads = c.pads;
    test(`golden ${c.name} via F.pad`, async () => {
      await check(c, `${c.name} via F.pad`, (x, w, b) => conv(F.pad(x, pads), w, b, { stride, dilation, groups }));
    });
  }
}
