// Activations, softmax/logSoftmax and linear against PyTorch: forward values and input gradients.
import { test } from 'node:test';
import { F, type Tensor } from '../../src/index.js';
import { assertClose } from './close.js';
import { fromRef, fromRefOrNull, loadCases, type RefTensor } from './fixtures.js';

interface UnaryCase { name: string; op: string; param: number | null; x: RefTensor; gy: RefTensor; y: RefTensor; gx: RefTensor }
interface SoftmaxCase { name: string; op: 'softmax' | 'logSoftmax'; dim: number; x: RefTensor; gy: RefTensor; y: RefTensor; gx: RefTensor }
interface LinearCase {
  name: string; x: RefTensor; weight: RefTensor; bias: RefTensor | null; gy: RefTensor; y: RefTensor;
  gx: RefTensor; gWeight: RefTensor; gBias: RefTensor | null;
}

const unary: Record<string, (x: Tensor, p: number | null) => Tensor> = {
  relu: (x) => F.relu(x),
  leakyRelu: (x, p) => (p === null ? F.leakyRelu(x) : F.leakyRelu(x, p)),
  elu: (x, p) => (p === null ? F.elu(x) : F.elu(x, p)),
  sigmoid: (x) => F.sigmoid(x),
  tanh: (x) => F.tanh(x),
};

for (const c of loadCases<UnaryCase>('activation.json')) {
  test(`golden ${c.name}`, async () => {
    const fn = unary[c.op];
    if (!fn) throw new Error(`no striate op for fixture op ${c.op}`);
    const x = fromRef(c.x, true);
    const y = fn(x, c.param);
    await assertClose(y, c.y, `${c.name} y`);
    y.backward(fromRef(c.gy));
    await assertClose(x.grad, c.gx, `${c.name} grad x`);
  });
}

for (const c of loadCases<SoftmaxCase>('softmax.json')) {
  test(`golden ${c.name}`, async () => {
    const x = fromRef(c.x, true);
    const y = c.op === 'softmax' ? F.softmax(x, c.dim) : F.logSoftmax(x, c.dim);
    await assertClose(y, c.y, `${c.name} y`);
    y.backward(fromRef(c.gy));
    await assertClose(x.grad, c.gx, `${c.name} grad x`);
  });
}

for (const c of loadCases<LinearCase>('linear.json')) {
  test(`golden ${c.name}`, async () => {
    const x = fromRef(c.x, true);
    const w = fromRef(c.weight, true);
    const b = fromRefOrNull(c.bias, true);
    const y = F.linear(x, w, b);
    await assertClose(y, c.y, `${c.name} y`);
    y.backward(fromRef(c.gy));
    await assertClose(x.grad, c.gx, `${c.name} grad x`);
    await assertClose(w.grad, c.gWeight, `${c.name} grad weight`);
    if (c.gBias) await assertClose(b!.grad, c.gBias, `${c.name} grad bias`);
  });
}
