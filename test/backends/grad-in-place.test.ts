// A tensor used more than once (a residual) receives several gradients in backward; the engine
// adds each one into the pending gradient's memory where only the engine can reach it
// (src/autograd/engine.ts), with the additions, and so the bits, of the sums it replaced, and
// never into a gradient the caller or another pending gradient can still see.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as st from '../../src/index.js';
import { activeBackend, installBackend, type Backend } from '../../src/kernels/backend.js';
import type { BinaryOp, BinaryParams } from '../../src/kernels/kernels.js';
import type { Storage } from '../../src/kernels/storage.js';

const leaf = (shape: number[], seed: number) => st.tensor(st.randn(shape, { seed }).toArray(), shape, { requiresGrad: true });
const values = (t: st.Tensor) => Array.from(t.toArray());

// Runs fn with the backend's binary kernel counted: adds whose output is a new storage, and adds into a.
function countingAdds(fn: () => void): { outOfPlace: number; inPlace: number } {
  const be: Backend = activeBackend();
  const counts = { outOfPlace: 0, inPlace: 0 };
  const binary = (op: BinaryOp, a: Storage, b: Storage, out: Storage, p: BinaryParams) => {
    if (op === 'add') counts[out === a ? 'inPlace' : 'outOfPlace']++;
    be.kernels.binary(op, a, b, out, p);
  };
  installBackend({ ...be, kernels: { ...be.kernels, binary } }, true);
  try {
    fn();
  } finally {
    installBackend(be, true);
  }
  return counts;
}

for (const backend of ['ref', 'wasm'] as const) {
  test(`${backend}: a tensor used three times sums its gradients in place, bitwise as before`, () => {
    st.setBackend(backend);
    const x = leaf([2, 3, 5, 7], 1);
    const [a, b, c] = [2, 3, 4].map((seed) => st.randn([2, 3, 5, 7], { seed }));
    const h = x.mul(2);
    const loss = h.mul(a!).add(h.mul(b!)).add(h.mul(c!)).sum();
    const counts = countingAdds(() => loss.backward());
    // Backward reaches h through h·c first, then h·b, then h·a: h's gradient is (c + b) + a.
    assert.deepEqual(values(x.grad!), values(c!.add(b!).add(a!).mul(2)));
    assert.deepEqual(counts, { outOfPlace: 0, inPlace: 2 });
  });

  test(`${backend}: a residual block's input gradient is summed in place`, () => {
    st.setBackend(backend);
    const block = new st.models.BasicBlock(4, 4);
    const loss = block.forward(leaf([2, 4, 6, 6], 5)).sum();
    const counts = countingAdds(() => loss.backward());
    // The fused batch norm + ReLU's gradient of the shortcut, then conv1's input gradient, into it.
    assert.deepEqual(counts, { outOfPlace: 0, inPlace: 1 });
  });

  test(`${backend}: the caller’s seed and a node’s own gradient are never added into`, () => {
    st.setBackend(backend);
    const x = leaf([3, 4], 6);
    const h = x.mul(2);
    // add hands the seed itself to both of its inputs, here both h.
    const seed = st.randn([3, 4], { seed: 7 });
    const seedValues = values(seed);
    const y = h.add(h);
    const counts = countingAdds(() => y.backward(seed));
    assert.deepEqual(values(seed), seedValues);
    assert.deepEqual(values(x.grad!), values(seed.add(seed).mul(2)));
    assert.deepEqual(counts, { outOfPlace: 1, inPlace: 0 });
    // (u + v) + u: the outer add hands one gradient G to u and to t = u + v, whose node hands G on
    // to u again and to v: adding into u's G would double v's gradient too.
    const z = leaf([3, 4], 8);
    const w = st.randn([3, 4], { seed: 9 });
    const u = z.mul(2), v = z.mul(3);
    u.add(v).add(u).mul(w).sum().backward();
    assert.deepEqual(values(z.grad!), values(w.add(w).mul(2).add(w.mul(3))));
  });
}
