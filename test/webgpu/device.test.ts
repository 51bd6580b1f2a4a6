// Tensors and models on the WebGPU device (SwiftShader where no GPU is present): creation and
// moves, results equal to the CPU's, the errors of bad use, flat device memory, and LeNet-5
// trained by fit on the device, learning the embedded Fashion-MNIST subset and following the
// CPU's loss curve.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { balancedSubset, F, fit, loadFashionMnist, manualSeed, models, nn, noGrad, optim, randn, tensor, zeros } from '../../src/index.js';
import { openTestWebGpu } from '../webgpu-device.js';

const gpu = await openTestWebGpu();
const skip = gpu ? false : 'no WebGPU driver (see the message above)';

test('tensors move to the GPU and back; ops there equal the CPU', { skip }, async () => {
  const x = randn([3, 4], { seed: 1 });
  const w = randn([5, 4], { seed: 2 });
  const xg = x.to('webgpu');
  assert.equal(xg.device, 'webgpu');
  assert.equal(x.to('cpu'), x);
  const want = F.relu(F.linear(x, w)).mul(2).sum(1).toArray();
  const got = F.relu(F.linear(xg, w.to('webgpu'))).mul(2).sum(1);
  assert.equal(got.device, 'webgpu');
  const values = await got.toArrayAsync();
  values.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 1e-5 * Math.max(1, Math.abs(want[i]!)), `element ${i}: ${v} vs ${want[i]}`));
  assert.deepEqual(await (await got.toAsync('cpu')).toArray(), values);
  assert.deepEqual(Array.from(await zeros([2, 2], { device: 'webgpu' }).toArrayAsync()), [0, 0, 0, 0]);
  assert.equal(await tensor([7], [1], { device: 'webgpu' }).itemAsync(), 7);
});

test('dropout draws its mask on the device: the same mask as on the CPU for a seed', { skip }, async () => {
  const x = randn([3, 5, 7], { seed: 5 });
  manualSeed(42);
  const want = F.dropout(x, { p: 0.4 }).toArray();
  manualSeed(42);
  const got = await F.dropout(x.to('webgpu'), { p: 0.4 }).toArrayAsync();
  assert.deepEqual(got, want);
  assert.ok(want.some((v) => v === 0) && want.some((v) => v !== 0));
});

test('gradients flow on the GPU as on the CPU', { skip }, async () => {
  const x = randn([2, 3, 8, 8], { seed: 3 });
  const w = randn([4, 3, 3, 3], { seed: 4 });
  const run = (dev: 'cpu' | 'webgpu') => {
    const xd = x.to(dev), wd = w.to(dev);
    xd.requiresGrad = true;
    wd.requiresGrad = true;
    const y = F.maxPool2d(F.relu(F.conv2d(xd, wd, null, { padding: 1 })), 2);
    F.crossEntropy(y.flatten(1), [1, 5]).backward();
    return [xd.grad!, wd.grad!];
  };
  const cpu = run('cpu');
  const dev = run('webgpu');
  for (let k = 0; k < 2; k++) {
    const a = cpu[k]!.toArray(), b = await dev[k]!.toArrayAsync();
    const max = Math.max(...a.map(Math.abs));
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= 1e-5 * max + 1e-4 * Math.abs(v), `grad ${k} element ${i}: ${b[i]} vs ${v}`));
  }
});

test('intermediate gradients give their buffers back as backward consumes them', { skip }, async () => {
  const n = 1 << 18; // 1 MB a tensor: far above anything else the pass holds
  const x = randn([n], { seed: 6 }).to('webgpu');
  x.requiresGrad = true;
  const loss = F.relu(x.mul(2)).mul(x).add(1).sum();
  const before = gpu!.context.cache.bytesInUse;
  loss.backward();
  // Left over: x.grad and at most one gradient in flight; without release, all five.
  const grown = gpu!.context.cache.bytesInUse - before;
  assert.ok(grown <= 2.5 * 4 * n, `backward kept ${grown} bytes in use`);
  const xs = await x.toArrayAsync(), g = await x.grad!.toArrayAsync();
  xs.forEach((v, i) => assert.ok(Math.abs(g[i]! - (v > 0 ? 4 * v : 0)) <= 1e-5 * Math.max(1, Math.abs(v)), `grad ${i}`));
});

test('a recorded forward replays on the device: the model\'s values for new inputs', { skip }, async () => {
  const model = models.lenet5().eval().to('webgpu');
  const fast = nn.recordForward(model, randn([2, 1, 28, 28], { seed: 3 }).to('webgpu'));
  for (const seed of [4, 5]) {
    const x = randn([2, 1, 28, 28], { seed }).to('webgpu');
    const want = await noGrad(() => model.forward(x)).toArrayAsync();
    assert.deepEqual(await fast.forward(x).toArrayAsync(), want);
  }
});

test('bad use: sync reads name the async call, mixed devices name both, huge buffers name the limit', { skip }, () => {
  const g = randn([2, 3]).to('webgpu');
  assert.throws(() => g.data, /\.data: tensor \[2, 3\] is on 'webgpu'.*await t\.toArrayAsync\(\)/);
  assert.throws(() => g.toArray(), /toArray\(\).*await t\.toArrayAsync\(\)/);
  assert.throws(() => g.sum().item(), /item\(\).*await t\.itemAsync\(\)/);
  assert.throws(() => g.cpu(), /await t\.toAsync\('cpu'\)/);
  assert.throws(() => g.add(randn([2, 3])), /add: expected all tensors on the same device, got one on 'webgpu' \[2, 3\] and one on 'cpu' \[2, 3\]/);
  assert.throws(() => F.conv2d(randn([1, 1, 4, 4]).to('webgpu'), randn([1, 1, 3, 3])), /conv2d: .*'webgpu'.*'cpu'/);
  assert.throws(() => zeros([2 ** 30], { device: 'webgpu' }), /webgpu: a tensor of 1073741824 elements needs \d+ bytes, above this device's limit/);
});

test('model.to moves parameters in place; device memory stays flat over many steps', { skip }, async () => {
  const lenet = models.lenet5();
  const params = lenet.parameters();
  lenet.to('webgpu');
  assert.ok(lenet.parameters().every((p, i) => p === params[i] && p.device === 'webgpu'));
  await lenet.toAsync('cpu');
  assert.ok(lenet.parameters().every((p, i) => p === params[i] && p.device === 'cpu'));

  // A small model, many steps: collections forced every 1 MB handed out (128 MB by default) show
  // within seconds that dead tensors' buffers come back and what the allocator holds settles.
  gpu!.context.cache.collectEvery = 1 << 20;
  const model = new nn.Sequential(new nn.Linear(16, 32), new nn.ReLU(), new nn.Linear(32, 4)).to('webgpu');
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = randn([8, 16], { seed: 5 }).to('webgpu');
  const y = [0, 1, 2, 3, 0, 1, 2, 3];
  const settled = async (steps: number) => {
    for (let i = 0; i < steps; i++) {
      opt.zeroGrad();
      F.crossEntropy(model.forward(x), y).backward();
      opt.step();
    }
    assert.ok(Number.isFinite(await F.crossEntropy(model.forward(x), y).itemAsync()));
    return gpu!.bytesHeld();
  };
  const first = await settled(300);
  const second = await settled(300);
  gpu!.context.cache.collectEvery = 128 * 1024 * 1024;
  // Which buffers a collection has returned by the end varies by a bucket or so (1 KiB was seen); a
  // leak of even the smallest buffer (256 bytes) a step would add 75 KiB over the 300 steps.
  assert.ok(second <= first + 64 * 1024, `held ${second} bytes after 600 steps, ${first} after 300`);
});

test('LeNet-5 trains on the GPU: follows the CPU loss curve, learns the embedded Fashion-MNIST', { skip }, async () => {
  // Small: SwiftShader runs a LeNet-5 step in seconds on a busy 2-core machine.
  const train = balancedSubset(await loadFashionMnist({ split: 'train' }), 16);
  const test_ = balancedSubset(await loadFashionMnist({ split: 'test' }), 10);
  const cpuModel = models.lenet5();
  const gpuModel = models.lenet5();
  gpuModel.loadStateDict(cpuModel.stateDict());
  const opts = (model: typeof cpuModel, device: 'cpu' | 'webgpu') => ({
    batchSize: 16, seed: 8, device, quiet: true, restoreBest: false,
    optimizer: new optim.Adam(model.parameters(), { lr: 5e-3 }),
  });
  const curve = async (model: typeof cpuModel, device: 'cpu' | 'webgpu') => {
    const losses: number[] = [];
    await fit(model, train, {
      ...opts(model, device), epochs: 1, maxIterations: 4, callbacks: { onBatchEnd: (s) => { losses.push(s.batchLoss); } },
    });
    return losses;
  };
  const cpu = await curve(cpuModel, 'cpu');
  const dev = await curve(gpuModel, 'webgpu');
  assert.equal(dev.length, 4);
  dev.forEach((l, i) => assert.ok(Math.abs(l - cpu[i]!) <= 1e-3 * cpu[i]!, `step ${i + 1}: GPU loss ${l}, CPU ${cpu[i]}`));

  // 30 steps of Adam: the CPU reaches 55% on these 100 test images (chance 10%).
  const history = await fit(gpuModel, { train, val: test_ }, { ...opts(gpuModel, 'webgpu'), epochs: 3, readEvery: 5 });
  const last = history.epochs.at(-1)!;
  assert.ok(last.valAccuracy! >= 0.3, `validation accuracy ${last.valAccuracy} (chance 0.1)`);
  assert.ok(gpuModel.parameters().every((p) => p.device === 'webgpu'));
});
