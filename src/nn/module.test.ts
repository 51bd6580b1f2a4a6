import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, ones, randn, tensor, zeros, type Tensor } from '../index.js';

// A custom module written the way the docs recommend: fields hold children and parameters.
class Block extends nn.Module {
  conv1 = new nn.Conv2d(2, 3, 3, { padding: 1, bias: false });
  bn1 = new nn.BatchNorm2d(3);
  relu = new nn.ReLU();
  scale = new nn.Parameter(ones([3, 1, 1]));
  cache: Tensor = zeros([5]); // a plain tensor field: not registered
  override forward(x: Tensor): Tensor {
    return this.relu.forward(this.bn1.forward(this.conv1.forward(x)).mul(this.scale));
  }
}

class Net extends nn.Module {
  stem = new nn.Conv2d(2, 2, 1);
  layer1 = new nn.Sequential(new Block(), new nn.Identity());
  fc = new nn.Linear(3, 4);
  override forward(x: Tensor): Tensor {
    return this.fc.forward(this.layer1.forward(this.stem.forward(x)).mean([2, 3]));
  }
}

test('Module finds parameters, buffers and children by field, with PyTorch names and order', () => {
  const net = new Net();
  assert.deepEqual(net.namedParameters().map(([k, p]) => `${k} ${JSON.stringify(p.shape)}`), [
    'stem.weight [2,2,1,1]', 'stem.bias [2]',
    'layer1.0.scale [3,1,1]', 'layer1.0.conv1.weight [3,2,3,3]', 'layer1.0.bn1.weight [3]', 'layer1.0.bn1.bias [3]',
    'fc.weight [4,3]', 'fc.bias [4]',
  ]);
  assert.deepEqual(net.namedBuffers().map(([k]) => k), [
    'layer1.0.bn1.running_mean', 'layer1.0.bn1.running_var', 'layer1.0.bn1.num_batches_tracked',
  ]);
  assert.deepEqual(Object.keys(net.stateDict()), [
    'stem.weight', 'stem.bias', 'layer1.0.scale', 'layer1.0.conv1.weight',
    'layer1.0.bn1.weight', 'layer1.0.bn1.bias', 'layer1.0.bn1.running_mean', 'layer1.0.bn1.running_var',
    'layer1.0.bn1.num_batches_tracked', 'fc.weight', 'fc.bias',
  ]);
  assert.deepEqual(net.namedChildren().map(([k]) => k), ['stem', 'layer1', 'fc']);
  assert.deepEqual(net.namedModules().map(([k, m]) => `${k}:${m.constructor.name}`), [
    ':Net', 'stem:Conv2d', 'layer1:Sequential', 'layer1.0:Block', 'layer1.0.conv1:Conv2d', 'layer1.0.bn1:BatchNorm2d',
    'layer1.0.relu:ReLU', 'layer1.1:Identity', 'fc:Linear',
  ]);
  assert.equal(net.parameters().length, 8);
  assert.ok(net.parameters().every((p) => p.requiresGrad && p.isLeaf));
  assert.equal(net.buffers().length, 3);
  assert.equal(net.parameters(false).length, 0);
});

test('shared parameters are listed once; registerParameter/registerModule work for any name', () => {
  const m = new nn.Module();
  const lin = new nn.Linear(2, 2);
  m.registerModule('a', lin);
  m.registerModule('b', lin);
  assert.equal(m.parameters().length, 2);
  assert.deepEqual(Object.keys(m.stateDict()), ['a.weight', 'a.bias', 'b.weight', 'b.bias']); // as PyTorch
  const p = m.registerParameter('alpha', tensor([0.5], [1]))!;
  assert.ok(p instanceof nn.Parameter && p.requiresGrad);
  assert.equal((m as unknown as Record<string, unknown>).alpha, p);
  assert.throws(() => m.registerModule('x.y', lin), /name must be a non-empty string without '\.'/);
  assert.throws(() => m.registerBuffer('alpha', zeros([1])), /already a parameter/);
  assert.throws(() => m.forward(zeros([1])), /Module.forward: not implemented/);
});

test('train()/eval() reach every descendant; zeroGrad clears gradients', () => {
  const net = new Net();
  assert.ok(net.modules().every((m) => m.training));
  assert.equal(net.eval(), net);
  assert.ok(net.modules().every((m) => !m.training));
  net.train();
  assert.ok(net.modules().every((m) => m.training));
  net.forward(randn([2, 2, 4, 4])).sum().backward();
  assert.ok(net.parameters().every((p) => p.grad !== null));
  net.zeroGrad();
  assert.ok(net.parameters().every((p) => p.grad === null));
});

test('loadStateDict copies into the existing tensors and round-trips', () => {
  const a = new Net();
  const b = new Net();
  const weightBefore = b.fc.weight;
  b.loadStateDict(a.stateDict());
  assert.equal(b.fc.weight, weightBefore); // same tensor object, new values
  for (const [k, t] of Object.entries(a.stateDict())) {
    assert.deepEqual(Array.from(b.stateDict()[k]!.data), Array.from(t.data), k);
  }
  // The state dict shares storage but is detached from autograd.
  const sd = a.stateDict();
  assert.equal(sd['fc.weight']!.requiresGrad, false);
  assert.equal(sd['fc.weight']!.storage, a.fc.weight.storage);
});

test('loadStateDict names every missing and unexpected key and every shape mismatch, and copies nothing then', () => {
  const net = new Net();
  const sd = new Net().stateDict();
  delete sd['fc.bias'];
  delete sd['layer1.0.bn1.running_var'];
  sd['fc.extra'] = zeros([1]);
  sd['stem.weight'] = zeros([2, 2, 3, 3]);
  const before = Array.from(net.stem.bias!.data);
  assert.throws(() => net.loadStateDict(sd), (e: Error) => {
    assert.match(e.message, /loadStateDict: cannot load into Net/);
    assert.match(e.message, /missing keys: layer1\.0\.bn1\.running_var, fc\.bias/);
    assert.match(e.message, /unexpected keys: fc\.extra/);
    assert.match(e.message, /size mismatch for 'stem\.weight': the state dict has shape \[2, 2, 3, 3\], this model has \[2, 2, 1, 1\]/);
    return true;
  });
  assert.deepEqual(Array.from(net.stem.bias!.data), before);
  // Non-strict: missing/unexpected are reported, a shape mismatch still throws.
  assert.throws(() => net.loadStateDict(sd, { strict: false }), /size mismatch for 'stem\.weight'/);
  delete sd['stem.weight'];
  const r = net.loadStateDict(sd, { strict: false });
  assert.deepEqual(r.missingKeys, ['stem.weight', 'layer1.0.bn1.running_var', 'fc.bias']);
  assert.deepEqual(r.unexpectedKeys, ['fc.extra']);
  assert.deepEqual(Array.from(net.stem.bias!.data), Array.from(sd['stem.bias']!.data));
});

test('Sequential: children "0", "1", … in order, get, length, and calls child.forward', () => {
  const layers = Array.from({ length: 12 }, () => new nn.Linear(2, 2));
  const seq = new nn.Sequential(...layers);
  assert.equal(seq.length, 12);
  assert.deepEqual(seq.namedChildren().map(([k]) => k), Array.from({ length: 12 }, (_, i) => String(i)));
  assert.equal(seq.get(10), layers[10]);
  assert.equal(seq.get(-1), layers[11]);
  assert.throws(() => seq.get(12), /Sequential.get: index 12 is out of range for 12 modules/);
  assert.equal([...seq].length, 12);
  // A summary tool wraps an instance's forward; the container must go through it.
  const calls: string[] = [];
  for (const [name, m] of seq.namedChildren()) {
    const inner = m.forward.bind(m);
    m.forward = (x: Tensor) => { calls.push(name); return inner(x); };
  }
  assert.deepEqual(seq.forward(randn([3, 2])).shape, [3, 2]);
  assert.deepEqual(calls, Array.from({ length: 12 }, (_, i) => String(i)));
  assert.ok(new nn.ModuleList([new nn.ReLU()]).append(new nn.Tanh()).get(1) instanceof nn.Tanh);
});

test('toString prints the tree', () => {
  const s = String(new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU()));
  assert.equal(s, 'Sequential(\n  (0): Linear(inFeatures=2, outFeatures=3, bias=true)\n  (1): ReLU()\n)');
});
