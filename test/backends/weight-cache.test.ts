// The wasm backend keeps prepared weights (Winograd-transformed, GEMM-packed) across forward
// convolutions, keyed by the weight's storage and version: reused while the weights are
// unchanged, recomputed after any in-place write (a training step, loadStateDict, `.data`).
// Each result is compared with the reference backend on the weights of that moment.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F, nn, noGrad, optim, randn, setBackend, getBackend, tensor, type Tensor } from '../../src/index.js';
import type { CpuStorage } from '../../src/kernels/storage.js';
import { activeBackend } from '../../src/kernels/backend.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';
import { assertClose } from './harness.js';

const previous = getBackend();
setBackend('wasm');
const wasm = activeBackend() as WasmBackend;

// Each geometry takes a different native path (asserted), each with prepared weights.
const CASES = [
  { name: 'winograd F(4×4)', path: 'winograd4', inC: 32, outC: 32, k: 3, size: 16, stride: 1, padding: 1 },
  { name: 'winograd F(4×2) at 7²', path: 'winograd42', inC: 32, outC: 32, k: 3, size: 7, stride: 1, padding: 1 },
  { name: 'winograd F(2×2) at 7² (K over F(4×2)\'s 512)', path: 'winograd', inC: 520, outC: 16, k: 3, size: 7, stride: 1, padding: 1 },
  { name: 'im2col 3×3 at 5² (too few tiles)', path: 'im2col', inC: 32, outC: 40, k: 3, size: 5, stride: 1, padding: 1 },
  { name: 'polyphase 7×7 stride 2 (a stem, few output channels)', path: 'polyphase', inC: 3, outC: 12, k: 7, size: 23, stride: 2, padding: 3 },
  { name: 'polyphase-winograd 7×7 stride 2 (a stem)', path: 'polyphase-winograd', inC: 3, outC: 20, k: 7, size: 31, stride: 2, padding: 3 },
  { name: 'polyphase-winograd 11×11 stride 4 (a stem)', path: 'polyphase-winograd', inC: 3, outC: 20, k: 11, size: 67, stride: 4, padding: 2 },
  { name: 'im2col 1×1 (pointwise)', path: 'im2col', inC: 24, outC: 36, k: 1, size: 9, stride: 1, padding: 0 },
  { name: 'winograd F(2×2, 5×5) at 9² (too few 3×3 tiles for F(3×3, 5×5))', path: 'winograd5x5', inC: 24, outC: 20, k: 5, size: 9, stride: 1, padding: 2 },
  { name: 'winograd F(3×3, 5×5)', path: 'winograd7', inC: 24, outC: 20, k: 5, size: 11, stride: 1, padding: 2 },
  { name: 'winograd 3×3 stride 2', path: 'winograd-s2', inC: 16, outC: 20, k: 3, size: 14, stride: 2, padding: 1 },
  { name: 'winograd 3×3 stride 2, 4×4 tiles', path: 'winograd4-s2', inC: 16, outC: 20, k: 3, size: 40, stride: 2, padding: 1 },
];

/** The reference backend's forward on this moment's weights. */
function reference(conv: nn.Conv2d, x: Tensor, stride: number, padding: number): Float32Array {
  setBackend('ref');
  try {
    const w = tensor(conv.weight.toArray(), conv.weight.shape), b = tensor(conv.bias!.toArray(), conv.bias!.shape);
    return F.conv2d(tensor(x.toArray(), x.shape), w, b, { stride, padding }).toArray();
  } finally {
    setBackend('wasm');
  }
}

for (const c of CASES) {
  test(`prepared weights (${c.name}): reused while unchanged, recomputed after each kind of write`, () => {
    const conv = new nn.Conv2d(c.inC, c.outC, c.k, { stride: c.stride, padding: c.padding });
    const x = randn([1, c.inC, c.size, c.size], { seed: 3 });
    const run = () => noGrad(() => conv.forward(x)).toArray();
    const check = (what: string) => {
      const before = wasm.convPathCounts().get(`convForward ${c.path}`) ?? 0;
      const got = run();
      assert.equal(wasm.convPathCounts().get(`convForward ${c.path}`), before + 1, `${what}: path`);
      assertClose(got, reference(conv, x, c.stride, c.padding), what);
      return got;
    };
    const first = check('first call');
    check('second call (cached)');

    // A write behind the counter's back (the raw storage, no op) is not seen: proof of reuse.
    const raw = (conv.weight.storage as CpuStorage).data;
    const saved = raw[0]!;
    raw[0] = saved + 100;
    assert.deepEqual(run(), first, 'a write that bypasses the version counter must not be seen');
    raw[0] = saved;

    // A training step between two inference calls: the next call sees the new weights.
    const opt = new optim.SGD(conv.parameters(), { lr: 0.5 });
    const y = conv.forward(x);
    y.mul(y).sum().backward();
    opt.step();
    const trained = check('after an SGD step');
    assert.notDeepEqual(trained, first);

    conv.loadStateDict(new nn.Conv2d(c.inC, c.outC, c.k, { stride: c.stride, padding: c.padding }).stateDict());
    check('after loadStateDict');
    conv.weight.data[1] = 3;
    check('after a write through .data');
  });
}

// At batch 1 with few positions the forward splits output channels across threads (im2col and
// polyphase when there are more channels than positions, Winograd when fewer than 64 tiles per
// thread), so each thread reads its rows of the shared prepared weights: the results must not
// depend on the count.
test('prepared weights: the same results on 1 and 2 threads (im2col, polyphase and Winograd, channel and tile splits)', async () => {
  const shapes = [[64, 72, 5, 1, 3], [64, 72, 7, 1, 3], [32, 32, 16, 1, 3], [64, 72, 14, 2, 3], [64, 72, 13, 1, 5], [32, 32, 27, 1, 5]] as const;
  for (const [inC, outC, size, stride, k] of shapes) {
    const conv = new nn.Conv2d(inC, outC, k, { padding: (k - 1) / 2, stride });
    const x = randn([1, inC, size, size], { seed: 5 });
    const results = [];
    for (const threads of [1, 2, 1]) {
      wasm.setNumThreads(threads);
      // Workers start lazily: run until this many really took part (up to 30 s on a busy machine).
      for (let t = 0; t < 600 && noGrad(() => conv.forward(x)) && wasm.lastThreads() < threads; t++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      if (threads === 2 && wasm.lastThreads() < 2) continue; // no second thread here
      results.push(noGrad(() => conv.forward(x)).toArray());
    }
    assert.ok(results.length >= 2, "ran at 1 thread twice");
    assertClose(results[0]!, reference(conv, x, stride, (k - 1) / 2), `${inC}→${outC} ${k}×${k} at ${size}²`);
    for (const r of results) assert.deepEqual(r, results[0], `${inC}→${outC} at ${size}²: results depend on the thread count`);
  }
});

test('prepared weights are released with their weights: memory stays flat over many dropped models', () => {
  const x = randn([1, 256, 14, 14], { seed: 2 });
  // Each conv's Winograd weights take 16·256·256·4 bytes = 4 MB: 150 kept would be 600 MB.
  const step = () => noGrad(() => new nn.Conv2d(256, 256, 3, { padding: 1 }).forward(x));
  for (let i = 0; i < 50; i++) step();
  const settled = wasm.heap.capacity;
  for (let i = 0; i < 150; i++) step();
  assert.ok(wasm.heap.capacity <= settled + 256 * 2 ** 20, `memory grew from ${settled} to ${wasm.heap.capacity} bytes`);
});

test.after(() => setBackend(previous));
