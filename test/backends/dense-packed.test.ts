// Dense layers at batch ≤ 3 run on a copy of their weights packed as one stream (dense-weights.ts),
// made on the second product with the same weights' version: the first product, and the first
// after any write, reads the weights in place (gemmDots). The packed product sums every output as
// gemmDots does, so all of them agree to the bit, at 1 and 2 threads, and with the reference
// within its tolerance. Odd sizes: in not a multiple of 4 or 16, out not a multiple of 4.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F, nn, noGrad, optim, randn, setBackend, getBackend, tensor, type Tensor } from '../../src/index.js';
import { activeBackend } from '../../src/kernels/backend.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';
import { assertClose } from './harness.js';

const previous = getBackend();
setBackend('wasm');
const wasm = activeBackend() as WasmBackend;

/** The reference backend's forward on this moment's weights. */
function reference(fc: nn.Linear, x: Tensor): Float32Array {
  setBackend('ref');
  try {
    const w = tensor(fc.weight.toArray(), fc.weight.shape), b = fc.bias ? tensor(fc.bias.toArray(), fc.bias.shape) : null;
    return F.linear(tensor(x.toArray(), x.shape), w, b).toArray();
  } finally {
    setBackend('wasm');
  }
}

// [batch, in, out, bias]: at least 2^18 weights (the packed copy's threshold).
const CASES = [[1, 517, 515, true], [3, 1031, 263, false], [2, 519, 601, true], [3, 2050, 130, true], [2, 4099, 67, false], [1, 4101, 1001, true]] as const;

for (const [batch, inF, outF, bias] of CASES) {
  test(`packed dense weights ${inF}→${outF}, batch ${batch}${bias ? '' : ', no bias'}: the in-place results to the bit, at 1 and 2 threads`, async () => {
    const fc = new nn.Linear(inF, outF, { bias });
    const x = randn([batch, inF], { seed: 7 });
    const run = (threads: number, packed: boolean) => {
      wasm.setNumThreads(threads);
      const before = wasm.densePackedCalls();
      const y = noGrad(() => fc.forward(x)).toArray();
      assert.equal(wasm.densePackedCalls(), before + (packed ? 1 : 0), `${threads} thread(s): packed path ${packed ? '' : 'not '}taken`);
      return y;
    };
    const first = run(1, false);
    assertClose(first, reference(fc, x), 'in place');
    for (const threads of [1, 2, 1, 2]) assert.deepEqual(run(threads, true), first, `packed, ${threads} thread(s)`);

    // A training step: the next product reads the new weights in place, the one after packs them again.
    const opt = new optim.SGD(fc.parameters(), { lr: 0.5 });
    const y = fc.forward(x);
    y.mul(y).sum().backward();
    opt.step();
    const trained = run(2, false);
    assertClose(trained, reference(fc, x), 'after an SGD step');
    assert.notDeepEqual(trained, first);
    assert.deepEqual(run(2, true), trained, 'repacked after the step');
    fc.weight.data[1] = 3;
    const written = run(1, false);
    assertClose(written, reference(fc, x), 'after a write through .data');
    assert.deepEqual(run(1, true), written, 'repacked after the write');
    wasm.setNumThreads(2);
  });
}

test('dense weights below 2^18 values, or at batch 4 to 16 (gemmDots\' 4 × 2 blocks), are never packed', () => {
  for (const [batch, inF, outF] of [[1, 500, 500], [4, 600, 600], [16, 600, 601]] as const) {
    const fc = new nn.Linear(inF, outF);
    const x = randn([batch, inF], { seed: 8 });
    const before = wasm.densePackedCalls();
    for (let i = 0; i < 3; i++) noGrad(() => fc.forward(x));
    assert.equal(wasm.densePackedCalls(), before, `${batch}×${inF}→${outF}`);
  }
});

test.after(() => setBackend(previous));
