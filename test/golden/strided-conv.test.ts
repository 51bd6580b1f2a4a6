// Convolutions whose forward the wasm backend runs on a path of its own (kernels/wasm/conv-paths.ts)
// against PyTorch: strided ones (stems 7×7 stride 2 and 11×11 stride 4, 3×3 stride 2, 5×5 stride 3)
// by polyphase planes (the 7×7 stem with 24 output channels by Winograd F(4×4, 4×4) over them, an
// 11×11 stride-4 one with 16 tiles by F(4×4, 3×3)),
// 3×3 stride-2 ones with 16 channels or more by Winograd on the polyphase parts (and both
// gradients by its adjoint), 5×5 stride-1 ones by Winograd F(2×2, 5×5), a 3×3 stride-1 one at 7²
// by Winograd F(4×2, 3×3).
// Inputs from ./hashed.ts, every 13th value of y and of the gradients in the fixture, or every
// `every`-th of y and x's gradient and `everyWeight`-th of the weight's where the case says.
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
  padding: number; every?: number; everyWeight?: number; y: RefTensor; gx: RefTensor; gWeight: RefTensor; gBias: RefTensor;
}

const leaf = (data: Float32Array, shape: number[]) => tensor(data, shape, { requiresGrad: true, device: goldenDevice });

// Each fixture with the forward path its cases must keep exercising on the wasm backend, and the
// case that must keep taking stride-2 Winograd's gradients (the others have too few tiles).
// winograd5x5.json's cases at 27² and 11×14 have enough 3×3 tiles for F(3×3, 5×5); at 9², F(2×2, 5×5).
const FIXTURES = [['strided-conv.json', 'polyphase'], ['winograd5x5.json', 'winograd7'], ['winograd-s2.json', 'winograd-s2'],
  ['winograd42.json', 'winograd42'], ['polyphase-winograd.json', 'polyphase-winograd']] as const;
const S2_GRADIENTS = '3x3 stride 2 pad 1 32x16->16 16x16, weight gradient';
// Cases whose forward takes another path than their fixture's.
const PATHS: Record<string, string> = {
  'stem 7x7 stride 2 pad 3 2x3->24 37x41': 'polyphase-winograd', '5x5 pad 2 1x16->16 9x9': 'winograd5x5',
  '3x3 stride 2 pad 1 1x16->16 33x30': 'winograd4-s2',
};
for (const [fixture, path] of FIXTURES) for (const c of loadCases<StridedCase>(fixture)) {
  test(`golden ${path} conv ${c.name}`, async () => {
    const be = activeBackend();
    const counts = () => (be.name === 'wasm' && goldenDevice === 'cpu' ? new Map((be as WasmBackend).convPathCounts()) : null);
    const before = counts();
    const [h, w] = c.size, k = c.kernel;
    const x = leaf(hashed(c.n * c.cin * h * w, 1), [c.n, c.cin, h, w]);
    const wt = leaf(hashed(c.cout * c.cin * k * k, 2, (c.cin * k * k) ** -0.5), [c.cout, c.cin, k, k]);
    const b = leaf(hashed(c.cout, 3), [c.cout]);
    const y = F.conv2d(x, wt, b, { stride: c.stride, padding: c.padding });
    await assertClose(await sampled(y, c.every), c.y, `${c.name} y`);
    y.backward(tensor(hashed(y.shape.reduce((a, d) => a * d, 1), 4), y.shape, { device: goldenDevice }));
    await assertClose(await sampled(x.grad, c.every), c.gx, `${c.name} grad x`);
    await assertClose(await sampled(wt.grad, c.everyWeight), c.gWeight, `${c.name} grad weight`);
    await assertClose(b.grad, c.gBias, `${c.name} grad bias`);
    const after = counts();
    const keys = [`convForward ${PATHS[c.name] ?? path}`, ...(c.name === S2_GRADIENTS ? ['convBackwardInput', 'convBackwardWeight'].map((p) => `${p} ${path}`) : [])];
    for (const key of keys) {
      if (before && after) assert.ok((after.get(key) ?? 0) > (before.get(key) ?? 0), `${c.name}: ${key} did not run`);
    }
  });
}
