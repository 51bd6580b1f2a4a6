// The autograd engine releases the gradients it passes between nodes once they are consumed
// (src/autograd/engine.ts), and the forward activations only the graph can reach once backward
// has used them: on the wasm backend their blocks return to the free lists at once,
// without a garbage collection, while every gradient the caller can still reach stays intact.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as st from '../../src/index.js';
import { activeBackend, installBackend } from '../../src/kernels/backend.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';
import { sizeClass } from '../../src/kernels/wasm/memory.js';
import { gradOf } from '../../src/ops/tensor.js';

st.setBackend('wasm');
const wasm = activeBackend() as WasmBackend;
const leaf = (shape: number[], seed: number) => st.tensor(st.randn(shape, { seed }).toArray(), shape, { requiresGrad: true });

test('a backward pass gives its intermediate gradients back without a collection', () => {
  const n = 1 << 20; // 4 MB a tensor: far above anything else the pass holds
  const x = leaf([n], 1);
  // Five nodes, each handing a fresh 4 MB gradient to the next.
  const loss = st.F.relu(x.mul(2)).mul(x).add(1).sum();
  const before = wasm.heap.liveBytes;
  loss.backward();
  // Left over: x.grad (4 MB) and at most one gradient in flight; without release, all five.
  const grown = wasm.heap.liveBytes - before;
  assert.ok(grown <= 2.5 * 4 * n, `backward kept ${grown} bytes live`);
  const xs = x.toArray();
  assert.deepEqual(x.grad!.toArray(), xs.map((v) => (v > 0 ? 4 * v : 0)));
});

test('the caller’s seed, shared gradients and views are never released', () => {
  const x = leaf([4, 6], 2);
  // add hands the same gradient to both of its inputs (here both x); reshape and permute hand on views.
  const y = x.add(x).reshape([6, 4]).permute(1, 0).mul(3);
  const seed = st.randn([4, 6], { seed: 3 });
  const seedValues = seed.toArray();
  y.backward(seed, { retainGraph: true });
  assert.deepEqual(seed.toArray(), seedValues);
  const once = x.grad!.toArray();
  y.backward(seed);
  const twice = x.grad!.toArray();
  // dx = 6 · the seed read back through the permute and the reshape.
  const back = st.tensor(seedValues, [4, 6]).permute(1, 0).reshape([4, 6]).toArray();
  once.forEach((v, i) => assert.ok(Math.abs(v - 6 * back[i]!) < 1e-5, `grad ${i}: ${v} vs ${6 * back[i]!}`));
  twice.forEach((v, i) => assert.ok(Math.abs(v - 12 * back[i]!) < 1e-5, `accumulated grad ${i}`));
});

test('a released storage refuses to be read', () => {
  const s = wasm.alloc(16);
  s.release();
  s.release(); // a second release changes nothing
  assert.throws(() => s.data, /used after its memory was released/);
});

test('a leaf takes an unshared gradient as its .grad without a copy, and copies the caller’s seed', () => {
  let copies = 0;
  const counting = { ...wasm.kernels, stridedCopy: (...a: Parameters<typeof wasm.kernels.stridedCopy>) => {
    copies++;
    return wasm.kernels.stridedCopy(...a);
  } };
  installBackend({ ...wasm, kernels: counting }, true);
  try {
    const x = leaf([3, 5], 4);
    x.mul(2).backward(st.ones([3, 5]));
    assert.equal(copies, 0);
    assert.deepEqual(Array.from(x.grad!.toArray()), new Array(15).fill(2));
    // The seed handed on by a view reaches the leaf: its .grad must be a copy the seed never sees.
    const z = leaf([3, 5], 5);
    const seed = st.randn([15], { seed: 6 });
    const seedValues = seed.toArray();
    z.reshape([15]).backward(seed);
    assert.equal(copies, 1);
    assert.notEqual(z.grad!.storage, seed.storage);
    z.reshape([15]).backward(seed);
    assert.deepEqual(seed.toArray(), seedValues);
    assert.deepEqual(z.grad!.toArray(), seedValues.map((v) => v + v));
  } finally {
    installBackend(wasm, true);
  }
});

// A ResNet block trained one step: the conv outputs inside conv → bn → relu and the block's inner
// activation are freed by backward (not left to a collection), with the same gradients as a
// backward that keeps the graph (and so frees nothing).
function blockStep(block: st.nn.Module, x: st.Tensor, retainGraph: boolean, weight = x): { grads: number[][]; grown: number } {
  block.zeroGrad();
  const loss = block.forward(x).mul(weight).sum();
  const before = wasm.heap.liveBytes;
  loss.backward(undefined, { retainGraph });
  return { grads: block.parameters().map((p) => Array.from(p.grad!.toArray())), grown: wasm.heap.liveBytes - before };
}

test('backward frees a block’s private activations, with unchanged gradients', () => {
  const block = new st.models.BasicBlock(8, 8);
  const x = leaf([16, 8, 16, 16], 7);
  const act = 16 * 8 * 16 * 16 * 4; // bytes of one activation
  const kept = blockStep(block, x, true);
  const freed = blockStep(block, x, false);
  assert.deepEqual(freed.grads, kept.grads);
  // Three activations (conv1's and conv2's outputs, the inner bn-relu output) fewer stay live.
  assert.ok(kept.grown - freed.grown >= 3 * act, `freed ${kept.grown - freed.grown} bytes, expected ≥ ${3 * act}`);
  // A Bottleneck (4 → 4 → 16 channels): its two inner activations and three conv outputs.
  const bottleneck = new st.models.Bottleneck(16, 4);
  const x16 = leaf([4, 16, 8, 8], 10);
  const keptB = blockStep(bottleneck, x16, true);
  const freedB = blockStep(bottleneck, x16, false);
  assert.deepEqual(freedB.grads, keptB.grads);
  const inner = 4 * 4 * 8 * 8 * 4;
  assert.ok(keptB.grown - freedB.grown >= 4 * inner + 4 * 16 * 8 * 8 * 4, `the Bottleneck freed ${keptB.grown - freedB.grown} bytes`);
});

test('backward frees an option-A shortcut’s output, unless a wrapped forward saw it', () => {
  const x = leaf([8, 4, 16, 16], 11);
  const out = 8 * 8 * 8 * 8 * 4; // bytes of the shortcut's output (and of each inner activation)
  const block = new st.models.BasicBlock(4, 8, 2, new st.models.PadShortcut(4, 8, 2));
  const weight = st.randn([8, 8, 8, 8], { seed: 12 });
  const kept = blockStep(block, x, true, weight);
  const freed = blockStep(block, x, false, weight);
  assert.deepEqual(freed.grads, kept.grads);
  // Freed: 5 outputs' bytes without the shortcut's (conv1's, conv2's, the inner bn-relu output, and
  // what a retained graph keeps besides), 6 with it.
  assert.ok(kept.grown - freed.grown >= 6 * out, `freed ${kept.grown - freed.grown} bytes, expected ≥ ${6 * out}`);
  const wrapped = new st.models.PadShortcut(4, 8, 2);
  const seen: st.Tensor[] = [];
  const plain = wrapped.forward.bind(wrapped);
  wrapped.forward = (t: st.Tensor) => {
    const y = plain(t);
    seen.push(y);
    return y;
  };
  const y = new st.models.BasicBlock(4, 8, 2, wrapped).forward(x);
  const before = Array.from(seen[0]!.toArray());
  y.sum().backward();
  assert.deepEqual(Array.from(seen[0]!.toArray()), before);
});

test('an activation a wrapped forward saw is never freed', () => {
  const block = new st.models.BasicBlock(4, 4);
  const seen: st.Tensor[] = [];
  const plain = block.conv2.forward.bind(block.conv2);
  // A hook on conv2 sees the block's inner activation (its input) and conv2's output.
  block.conv2.forward = (h: st.Tensor) => {
    const y = plain(h);
    seen.push(h, y);
    return y;
  };
  const out = block.forward(leaf([2, 4, 6, 6], 8));
  const before = seen.map((t) => Array.from(t.toArray()));
  out.sum().backward();
  assert.deepEqual(seen.map((t) => Array.from(t.toArray())), before);
});

test('inference frees a block’s inner activation at once, unless a wrapped forward saw it', () => {
  const x = st.randn([8, 8, 16, 16], { seed: 9 });
  const act = 8 * 8 * 16 * 16 * 4;
  const run = (block: st.models.BasicBlock) => st.noGrad(() => {
    block.forward(x); // folds the batch norms into the convs once
    const before = wasm.heap.liveBytes;
    const y = block.forward(x);
    return { y: Array.from(y.toArray()), grown: wasm.heap.liveBytes - before };
  });
  const plain = new st.models.BasicBlock(8, 8).eval();
  const wrapped = new st.models.BasicBlock(8, 8).eval();
  wrapped.loadStateDict(plain.stateDict());
  // A hook on the ReLU sees the inner activation (its first output) and the block's output.
  const seen: st.Tensor[] = [];
  const relu = wrapped.relu.forward.bind(wrapped.relu);
  wrapped.relu.forward = (h: st.Tensor) => {
    const y = relu(h);
    seen.push(y);
    return y;
  };
  const freed = run(plain);
  const kept = run(wrapped);
  assert.ok(freed.y.every((v, i) => Math.abs(v - kept.y[i]!) < 1e-4), 'fused and wrapped blocks agree');
  assert.ok(freed.grown <= act, `inference kept ${freed.grown} bytes live`);
  assert.ok(kept.grown >= 2 * act, `the wrapped block kept ${kept.grown} bytes live`);
  assert.equal(seen.length, 4);
  assert.doesNotThrow(() => seen.forEach((h) => h.toArray()));
});

// zeroGrad frees a gradient backward made at once, unless code outside the library has read it
// (it may hold it) or an optimiser that may keep it saw it: src/ops/tensor.ts clearGrad.
test('zeroGrad frees the gradients nobody read, and keeps every one that was read', () => {
  const model = new st.nn.Linear(6, 3);
  const [w, b] = model.parameters();
  const x = st.randn([4, 6], { seed: 7 });
  const train = (opt: st.optim.Optimizer) => {
    opt.zeroGrad();
    model.forward(x).mul(model.forward(x)).sum().backward();
    st.clipGradNorm(model.parameters(), 1e9); // reads and writes them in place, keeps none
    opt.step();
  };
  const opt = new st.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  train(opt);
  const held = [gradOf(w!)!, gradOf(b!)!];
  const before = wasm.heap.liveBytes;
  opt.zeroGrad();
  assert.equal(w!.grad, null);
  assert.equal(wasm.heap.liveBytes, before - sizeClass(18 * 4) - sizeClass(3 * 4), 'both gradients freed at once');
  for (const g of held) assert.throws(() => g.data, /used after its memory was released/);
  // Read through .grad: the caller may keep it, so clearing leaves it to the collector.
  train(opt);
  const kept = w!.grad!;
  const values = kept.toArray();
  opt.zeroGrad();
  model.zeroGrad();
  assert.deepEqual(kept.toArray(), values);
  // Module.zeroGrad frees as the optimiser's does.
  model.forward(x).sum().backward();
  const bGrad = gradOf(b!)!;
  model.zeroGrad();
  assert.throws(() => bGrad.data, /used after its memory was released/);
  // Accumulated over two backward passes: still the engine's, still freed.
  model.forward(x).sum().backward();
  model.forward(x).sum().backward();
  const twice = gradOf(b!)!;
  assert.deepEqual(Array.from(twice.toArray()), [8, 8, 8]);
  opt.zeroGrad();
  assert.throws(() => twice.data, /used after its memory was released/);
});

test('an optimiser subclass may keep the gradient its update was given', () => {
  const p = st.tensor([1, 2, 3], [3], { requiresGrad: true });
  const seen: st.Tensor[] = [];
  class Keeping extends st.optim.Optimizer {
    constructor() { super('Keeping', [p], 0.1, {}); }
    protected update(_i: number, _p: st.Tensor, grad: st.Tensor): void { seen.push(grad); }
    protected hyperparameters() { return {}; }
    protected loadHyperparameters() {}
  }
  const opt = new Keeping();
  p.mul(p).sum().backward();
  opt.step();
  opt.zeroGrad();
  assert.deepEqual(Array.from(seen[0]!.toArray()), [2, 4, 6]);
});
