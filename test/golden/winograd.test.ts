// 3×3 convolutions large enough for the wasm backend's Winograd F(4×4, 3×3) (forward and both
// gradients; kernels/wasm/conv-paths.ts) against PyTorch. Their inputs are too large to store, so
// both sides compute them from an integer hash (./hashed.ts), and the fixture keeps every
// `every`-th value of y and x's gradient, every `everyWeight`-th of the weight's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F, tensor } from '../../src/index.js';
import { activeBackend } from '../../src/kernels/backend.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';
import { assertClose } from './close.js';
import { goldenDevice, loadCases, type RefTensor } from './fixtures.js';
import { hashed, sampled } from './hashed.js';

interface WinogradCase {
  name: string; n: number; cin: number; cout: number; size: [number, number]; padding: number;
  every: number; everyWeight: number; y: RefTensor; gx: RefTensor; gWeight: RefTensor; gBias: RefTensor;
}

const leaf = (data: Float32Array, shape: number[]) => tensor(data, shape, { requiresGrad: true, device: goldenDevice });

for (const c of loadCases<WinogradCase>('winograd.json')) {
  test(`golden ${c.name}`, async () => {
    const be = activeBackend();
    const counts = () => (be.name === 'wasm' && goldenDevice === 'cpu' ? new Map((be as WasmBackend).convPathCounts()) : null);
    const before = counts();
    const [h, w] = c.size;
    const x = leaf(hashed(c.n * c.cin * h * w, 1), [c.n, c.cin, h, w]);
    const wt = leaf(hashed(c.cout * c.cin * 9, 2, (c.cin * 9) ** -0.5), [c.cout, c.cin, 3, 3]);
    const b = leaf(hashed(c.cout, 3), [c.cout]);
    const y = F.conv2d(x, wt, b, { padding: c.padding });
    await assertClose(await sampled(y, c.every), c.y, `${c.name} y`);
    y.backward(tensor(hashed(y.shape.reduce((a, d) => a * d, 1), 4), y.shape, { device: goldenDevice }));
    await assertClose(await sampled(x.grad, c.every), c.gx, `${c.name} grad x`);
    await assertClose(await sampled(wt.grad, c.everyWeight), c.gWeight, `${c.name} grad weight`);
    await assertClose(b.grad, c.gBias, `${c.name} grad bias`);
    // On the wasm backend, the cases must keep exercising F(4×4) (a changed rule would skip it).
    const after = counts();
    for (const pass of ['convForward', 'convBackwardInput', 'convBackwardWeight']) {
      const key = `${pass} winograd4`;
      if (before && after) assert.ok((after.get(key) ?? 0) > (before.get(key) ?? 0), `${c.name}: ${key} did not run`);
    }
  });
}
