// Convolutions whose forward the wasm backend runs on a path of its own (kernels/wasm/conv-paths.ts)
// against PyTorch: strided ones (stems 7×7 stride 2 and 11×11 stride 4, 3×3 stride 2, 5×5 stride 3)
// by polyphase planes, 3×3 stride-2 ones with 16 channels or more by Winograd on the polyphase
// parts, 5×5 stride-1 ones by Winograd F(2×2, 5×5). Inputs from ./hashed.ts, every
// 13th value of y and of the gradients in the fixture.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F, tensor } from '../../src/index.js';
import { activeBackend } from '../../src/kernels/backend.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';
import { assertClose } from './close.js';
import { goldenDevice, loadCases, type RefTensor } from './fixtures.js';
import { hashed, sampled } from './hashed.js';

interface StridedCase {
  name: string; n: number; cin: number; cout: number; size: [number, number]; kernel: number; stride: number;
  padding: number; y: RefTensor; gx: RefTensor; gWeight: RefTensor; gBias: RefTensor;
}

const leaf = (data: Float32Array, shape: number[]) => tensor(data, shape, { requiresGrad: true, device: goldenDevice });

const FIXTURES = [['strided-conv.json', 'polyphase'], ['winograd5x5.json', 'winograd5x5'], ['winograd-s2.json', 'winograd-s2']] as const;
for (const [fixture, path] of FIXTURES) for (const c of loadCases<StridedCase>(fixture)) {
  test(`golden ${path} conv ${c.name}`, async () => {
    const be = activeBackend();
    const forwards = () => (be.name === 'wasm' && goldenDevice === 'cpu'
      ? (be as WasmBackend).convPathCounts().get(`convForward ${path}`) ?? 0 : null);
    const before = forwards();
    const [h, w] = c.size, k = c.kernel;
    const x = leaf(hashed(c.n * c.cin * h * w, 1), [c.n, c.cin, h, w]);
    const wt = leaf(hashed(c.cout * c.cin * k * k, 2, (c.cin * k * k) ** -0.5), [c.cout, c.cin, k, k]);
    const b = leaf(hashed(c.cout, 3), [c.cout]);
    const y = F.conv2d(x, wt, b, { stride: c.stride, padding: c.padding });
    await assertClose(await sampled(y), c.y, `${c.name} y`);
    y.backward(tensor(hashed(y.shape.reduce((a, d) => a * d, 1), 4), y.shape, { device: goldenDevice }));
    await assertClose(await sampled(x.grad), c.gx, `${c.name} grad x`);
    await assertClose(await sampled(wt.grad), c.gWeight, `${c.name} grad weight`);
    await assertClose(b.grad, c.gBias, `${c.name} grad bias`);
    // On the wasm backend the cases must keep exercising their forward path.
    const after = forwards();
    if (before !== null && after !== null) assert.ok(after > before, `${c.name}: convForward ${path} did not run`);
  });
}
