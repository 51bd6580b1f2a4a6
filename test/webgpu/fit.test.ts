// fit on the WebGPU device (SwiftShader where no GPU is present) with what used to need the CPU:
// gradient clipping by norm and by value on the device, and full checkpoints written from device
// tensors (read back asynchronously) and resumed onto the device, bit for bit.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ArrayDataset, clipGradNorm, clipGradNormOnDevice, clipGradValue, F, fit, loadModel, manualSeed, nn, optim, randn, type History,
} from '../../src/index.js';
import { openTestWebGpu } from '../webgpu-device.js';

const gpu = await openTestWebGpu();
const skip = gpu ? false : 'no WebGPU driver (see the message above)';

const close = (got: Float32Array, want: Float32Array, what: string) => {
  const max = Math.max(...want.map(Math.abs));
  want.forEach((v, i) => assert.ok(Math.abs(v - got[i]!) <= 1e-5 * max + 1e-5 * Math.abs(v), `${what} element ${i}: ${got[i]} vs ${v}`));
};

test('gradient clipping by norm and by value on the device equals the CPU', { skip }, async () => {
  const grads = (dev: 'cpu' | 'webgpu') => {
    manualSeed(1);
    const model = new nn.Sequential(new nn.Conv2d(2, 3, 3), new nn.Flatten(), new nn.Linear(48, 4)).to(dev);
    F.crossEntropy(model.forward(randn([2, 2, 6, 6], { seed: 2 }).to(dev)), [1, 3]).mul(50).backward();
    return model.parameters();
  };
  const cpu = grads('cpu'), dev = grads('webgpu');
  const norm = clipGradNorm(cpu, 0.5);
  assert.ok(norm > 0.5, `the norm ${norm} must exceed the bound for the test to clip`);
  const devNorm = clipGradNormOnDevice(dev, 0.5)!;
  assert.equal(devNorm.device, 'webgpu');
  assert.ok(Math.abs((await devNorm.itemAsync()) - norm) <= 1e-5 * norm);
  for (let i = 0; i < cpu.length; i++) close(await dev[i]!.grad!.toArrayAsync(), cpu[i]!.grad!.toArray(), `clipped grad ${i}`);
  clipGradValue(cpu, 0.01);
  clipGradValue(dev, 0.01);
  for (let i = 0; i < cpu.length; i++) close(await dev[i]!.grad!.toArrayAsync(), cpu[i]!.grad!.toArray(), `value-clipped grad ${i}`);
  assert.throws(() => clipGradNorm(dev, 1), /clipGradNorm: gradients on 'webgpu'.*clipGradNormOnDevice/);
});

const data = () => {
  const n = 24;
  const x = new Float32Array(n * 2 * 6 * 6).map((_, i) => Math.sin(i * 0.37) + (i % 5) * 0.1);
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  return { train: new ArrayDataset(x, [2, 6, 6], y, 3), val: new ArrayDataset(x.slice(0, 8 * 72), [2, 6, 6], y.slice(0, 8), 3) };
};
const net = () => new nn.Sequential(new nn.Conv2d(2, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.Dropout(0.3), new nn.Flatten(), new nn.Linear(64, 3));

function run(dir: string, epochs: number, resume?: true) {
  manualSeed(7);
  const model = net();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  return fit(model, data(), {
    epochs, batchSize: 5, optimizer, seed: 3, quiet: true, device: 'webgpu', clipGradNorm: 1, clipGradValue: 0.2,
    checkpoint: join(dir, 'best.safetensors'), ...(resume ? { resume } : {}),
  }).then((h) => ({ model, optimizer, h }));
}

const values = async (m: nn.Module) => Object.fromEntries(await Promise.all(Object.entries(m.stateDict()).map(async ([k, t]) => [k, Array.from(await t.toArrayAsync())])));
const logs = (h: History) => h.epochs.map(({ trainLoss, valLoss, valAccuracy, lr, iterations, best }) => ({ trainLoss, valLoss, valAccuracy, lr, iterations, best }));

test('fit on webgpu writes full checkpoints from device tensors; 1 epoch + resume + 1 epoch equals 2 straight', { skip }, async () => {
  const straight = await run(mkdtempSync(join(tmpdir(), 'striate-gpu-resume-')), 2);
  const dir = mkdtempSync(join(tmpdir(), 'striate-gpu-resume-'));
  const first = await run(dir, 1);
  // The full checkpoint holds the device's values: loaded on the CPU, they equal the run's end.
  const cpuCopy = net();
  await loadModel(cpuCopy, join(dir, 'best.last.safetensors'));
  assert.equal(cpuCopy.parameters()[0]!.device, 'cpu');
  assert.deepEqual(await values(cpuCopy), await values(first.model));
  const resumed = await run(dir, 2, true);
  assert.equal(resumed.model.parameters()[0]!.device, 'webgpu');
  assert.deepEqual(await values(resumed.model), await values(straight.model));
  const momenta = async (o: optim.SGD) => Promise.all(Object.values(o.stateDict().state).map((s) => Promise.all(
    Object.values(s).map(async (v) => (typeof v === 'number' ? v : Array.from(await v.toArrayAsync()))))));
  assert.deepEqual(await momenta(resumed.optimizer), await momenta(straight.optimizer));
  assert.deepEqual(logs(resumed.h), logs(straight.h));
});
