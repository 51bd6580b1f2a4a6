// Activations handed from one built-in module to the next (Sequential, LeNet-5, a ResNet's stem and
// stages) are freed by backward once their nodes have run, or at once without gradients
// (src/nn/private-activations.ts), on the wasm backend without a collection; anything a caller
// can reach (the input, the output, a view of either, what a wrapped forward or a subclass kept)
// stays intact, and gradients are bitwise those of a backward that frees nothing (retainGraph).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as st from '../../src/index.js';
import { activeBackend } from '../../src/kernels/backend.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';
import { sizeClass } from '../../src/kernels/wasm/memory.js';
import { sealed } from '../../src/nn/private-activations.js';

const { nn } = st;
st.setBackend('wasm');
const wasm = activeBackend() as WasmBackend;
const leaf = (shape: number[], seed: number) => st.tensor(st.randn(shape, { seed }).toArray(), shape, { requiresGrad: true });
const values = (ts: st.Tensor[]) => ts.map((t) => Array.from(t.toArray()));

/** One backward of model(x)·w summed: the parameters' and x's gradients, and the bytes released at once. */
function step(model: st.nn.Module, x: st.Tensor, retainGraph: boolean): { grads: number[][]; released: number } {
  model.zeroGrad();
  x.grad = null;
  const out = model.forward(x);
  const loss = out.mul(st.randn(out.shape, { seed: 99 })).sum();
  const before = wasm.heap.counts.releasedBytes;
  loss.backward(undefined, { retainGraph });
  return { grads: values([...model.parameters().map((p) => p.grad!), x.grad!]), released: wasm.heap.counts.releasedBytes - before };
}

/** Bytes a backward that frees the graph releases beyond one that keeps it; the gradients must be bitwise the same. */
function releasedByFreeing(model: st.nn.Module, x: st.Tensor): number {
  const kept = step(model, x, true);
  const freed = step(model, x, false);
  assert.deepEqual(freed.grads, kept.grads);
  return freed.released - kept.released;
}

const cnn = () => new nn.Sequential(new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(),
  new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(8 * 8 * 8, 16), new nn.Tanh(), new nn.Linear(16, 4));

test('a Sequential’s activations are freed by backward, with the same gradients; the memory is counted', () => {
  const model = cnn();
  const x = leaf([4, 3, 16, 16], 1);
  const released = releasedByFreeing(model, x);
  // The conv's output, the batch norm's, the ReLU's (4·8·16·16 floats each), the max pool's
  // indices and its output (a quarter each), through the Flatten's view of it once the Linear has read that.
  const act = 4 * 8 * 16 * 16 * 4;
  assert.ok(released >= 3.5 * act, `freed ${released} bytes, expected ≥ ${3.5 * act}`);
});

test('LeNet-5: backward frees its activations; a second backward through a retained graph works', () => {
  const model = st.models.lenet5();
  const x = leaf([8, 1, 28, 28], 2);
  const released = releasedByFreeing(model, x);
  // conv1's output, then the pool's output and indices and the ReLU's (a quarter each); conv2's,
  // and the second pool's output, which fc1 read through the Flatten's view.
  const bytes = 8 * 6 * 28 * 28 * 4 * (1 + 3 / 4) + 8 * 16 * 10 * 10 * 4 + 8 * 16 * 5 * 5 * 4;
  assert.ok(released >= bytes, `freed ${released} bytes, expected ≥ ${bytes}`);
  // Twice through one graph: the first keeps it, the second frees it; the gradients add up.
  model.zeroGrad();
  const loss = model.forward(x).sum();
  loss.backward(undefined, { retainGraph: true });
  const once = values(model.parameters().map((p) => p.grad!));
  loss.backward();
  const twice = values(model.parameters().map((p) => p.grad!));
  twice.forEach((g, i) => g.forEach((v, j) => assert.equal(v, once[i]![j]! + once[i]![j]!, `parameter ${i}[${j}]`)));
  assert.throws(() => loss.backward(), /backward through the graph a second time/);
});

test('a released activation refuses to be read, with a message that says so', () => {
  const model = new nn.Sequential(new nn.Linear(6, 5), new nn.ReLU(), new nn.Linear(5, 3));
  const out = model.forward(leaf([2, 6], 3));
  // Reached through the graph, which only the engine should do: the ReLU's output read by the last Linear.
  const hidden = out.node!.inputs[0]!.node!.inputs[0]!;
  assert.deepEqual(hidden.shape, [2, 5]);
  out.sum().backward();
  assert.throws(() => hidden.toArray(), /used after its memory was released/);
});

test('what a caller can reach is never freed: the input, the output, views, what a wrapped forward or a subclass kept', () => {
  const seen: st.Tensor[] = [];
  const hooked = new nn.ReLU();
  const plain = hooked.forward.bind(hooked);
  hooked.forward = (t: st.Tensor) => {
    const y = plain(t);
    seen.push(t, y);
    return y;
  };
  class Keeping extends nn.Tanh {
    kept: st.Tensor[] = [];
    override forward(t: st.Tensor): st.Tensor {
      const y = super.forward(t);
      this.kept.push(t, y);
      return y;
    }
  }
  const keeping = new Keeping();
  const flat = new nn.Flatten();
  // Identity and Dropout in evaluation hand on their input itself, Flatten a view of it.
  const model = new nn.Sequential(new nn.Identity(), new nn.Conv2d(2, 3, 3), hooked, new nn.Conv2d(3, 3, 3), keeping,
    flat, new nn.Dropout(0.3).eval(), new nn.Linear(3 * 2 * 2, 4), new nn.Sequential(new nn.Linear(4, 4)));
  // An input made by an op (it has a node, as a handed-on activation has).
  const x = leaf([2, 2, 6, 6], 4).mul(2);
  let view!: st.Tensor;
  flat.forward = (t: st.Tensor) => (view = nn.Flatten.prototype.forward.call(flat, t));
  const out = model.forward(x);
  // The last module hands on the conv's output as the Sequential's.
  const last = new nn.Sequential(new nn.Conv2d(2, 3, 3), new nn.Dropout(0.5).eval()).forward(x);
  const held = [x, out, last, ...seen, ...keeping.kept, view];
  const before = values(held);
  out.sum().add(last.sum()).backward();
  assert.deepEqual(values(held), before);
  assert.ok(model.parameters().every((p) => p.grad));
});

test('sealed: only built-in classes running the forward they were loaded with, and containers of them', () => {
  const relu = new nn.ReLU();
  assert.ok(sealed(relu) && sealed(new nn.Sequential(new nn.Conv2d(1, 2, 3), relu, new nn.Sequential(new nn.Flatten()))));
  assert.ok(sealed(new st.models.BasicBlock(4, 8, 2, new st.models.PadShortcut(4, 8, 2))));
  class Sub extends nn.ReLU {}
  assert.ok(!sealed(new Sub()), 'a subclass');
  assert.ok(!sealed(new nn.Sequential(new nn.Linear(2, 2), new Sub())), 'a container of a subclass');
  class Net extends nn.Module {}
  assert.ok(!sealed(new Net()), 'a user module');
  const wrapped = new nn.ReLU();
  wrapped.forward = (t: st.Tensor) => t;
  assert.ok(!sealed(wrapped) && !sealed(new nn.Sequential(wrapped)), 'a forward assigned to an instance');
  const block = new st.models.BasicBlock(4, 4);
  block.bn1.forward = (t: st.Tensor) => t;
  assert.ok(!sealed(block), 'a block with a wrapped part');
  const own = nn.Tanh.prototype.forward;
  nn.Tanh.prototype.forward = function (t: st.Tensor) { return own.call(this, t); };
  try {
    assert.ok(!sealed(new nn.Tanh()), 'a forward assigned to the prototype');
  } finally {
    nn.Tanh.prototype.forward = own;
  }
});

test('inference frees each handed-on activation at once and computes the same output', () => {
  const model = cnn().eval();
  const x = st.randn([4, 3, 16, 16], { seed: 5 });
  const want = Array.from(model.forward(x).toArray()); // with gradients: nothing freed before backward
  const run = () => st.noGrad(() => {
    const before = wasm.heap.liveBytes;
    const y = model.forward(x);
    return { y: Array.from(y.toArray()), grown: wasm.heap.liveBytes - before };
  });
  run(); // folds the batch norm into the conv once
  const { y, grown } = run();
  assert.ok(y.every((v, i) => Math.abs(v - want[i]!) <= 1e-5 * (1 + Math.abs(want[i]!))), 'same output');
  // Left: the output; the pool's output (the Flatten's view of it) is the only activation kept.
  assert.ok(grown <= 4 * 8 * 8 * 8 * 4 + 4096, `inference kept ${grown} bytes live`);
  assert.deepEqual(Array.from(x.toArray()), Array.from(st.randn([4, 3, 16, 16], { seed: 5 }).toArray()));
});

test('ResNet-20: the stem’s and the blocks’ outputs are freed by backward, with the same gradients', () => {
  const model = st.models.resnet20();
  const x = leaf([2, 3, 32, 32], 6);
  const released = releasedByFreeing(model, x);
  // In units of one first-stage activation (2·16·32·32 floats; a half and a quarter in the next
  // stages): the stem's conv output and each block's three inner activations (9 + 4.5 + 2.25) and
  // its two shortcut pads (0.75) were freed before; now also the stem's output (1) and the blocks'
  // (3 + 1.5 + 0.75).
  const unit = 2 * 16 * 32 * 32 * 4;
  assert.ok(released >= 23.5 * unit, `freed ${released / unit} units, expected ≥ 23.5`);
});

test('a LeNet-5 training step leaves only its few-element tensors to the collector', () => {
  const model = st.models.lenet5();
  const opt = new st.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = st.randn([8, 1, 28, 28], { seed: 3 });
  const trainStep = () => {
    opt.zeroGrad();
    st.F.crossEntropy(model.forward(x), [0, 1, 2, 3, 4, 5, 6, 7]).backward();
    opt.step();
  };
  trainStep();
  const { storageBytes, releasedBytes } = wasm.heap.counts;
  trainStep();
  // Left: the logits, the softmax and the loss's few floats. Before, also every gradient (zeroGrad
  // now frees them) and the second pool's output (read by fc1 through the Flatten's view): 14 KB.
  const left = wasm.heap.counts.storageBytes - storageBytes - (wasm.heap.counts.releasedBytes - releasedBytes);
  assert.ok(left < 4096, `a step left ${left} bytes to the collector`);
});

test('ResNet-18, ResNet-20 and AlexNet inference keep nothing live but their output', () => {
  const cases: [st.nn.Module, number[]][] = [
    [st.models.resnet18({ numClasses: 10 }), [1, 3, 64, 64]], [st.models.resnet20(), [2, 3, 32, 32]],
    [st.models.alexnet({ numClasses: 10 }), [1, 3, 64, 64]],
  ];
  for (const [model, shape] of cases) {
    model.eval();
    const x = st.randn(shape, { seed: 4 });
    // The first forwards fold the batch norms and pack the dense weights, once.
    for (let i = 0; i < 2; i++) st.noGrad(() => model.forward(x));
    const before = wasm.heap.liveBytes;
    const y = st.noGrad(() => model.forward(x));
    // Their global pool's output too, read by the classifier through the flatten view (classifyPooled).
    assert.equal(wasm.heap.liveBytes - before, sizeClass(y.numel() * 4), `${model.constructor.name} kept more than its output`);
  }
});
