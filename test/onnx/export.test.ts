// exportOnnx: every zoo model exports; ONNX's own checker (python3-onnx, full_check with strict
// shape inference) accepts the file; loadOnnx runs it to striate's outputs at the traced batch
// size and at another one; the initializers carry the state-dict names. Numerics in an engine
// striate did not write: bench/onnx-export-check.ts (onnxruntime-node, kept out of the install).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { exportOnnx, F, loadOnnx, nn, noGrad, randn, saveOnnx, type Tensor } from '../../src/index.js';
import { ZOO } from '../../src/models/zoo.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const DIR = mkdtempSync(join(tmpdir(), 'striate-export-'));
after(() => rmSync(DIR, { recursive: true, force: true }));

interface CheckReport { ok: boolean; error?: string; inputs: [string, (number | string)[]][]; outputs: [string, (number | string)[]][]; initializers: string[] }

function onnxCheck(path: string): CheckReport {
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'scripts/onnx/check_export.py'), path], { encoding: 'utf8' });
  assert.equal(r.status, 0, `check_export.py failed (needs python3-onnx):\n${r.stderr}`);
  const report = JSON.parse(r.stdout) as CheckReport;
  assert.ok(report.ok, `onnx.checker rejects ${path}: ${report.error}`);
  return report;
}

function assertClose(got: Tensor, want: Tensor, what: string): void {
  assert.deepEqual(got.shape, want.shape, what);
  const g = got.toArray();
  const w = want.toArray();
  const scale = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  w.forEach((v, i) => assert.ok(Math.abs(g[i]! - v) <= 1e-4 * Math.abs(v) + 1e-5 * scale, `${what}: element ${i}: ${g[i]} vs ${v}`));
}

/** Exports through saveOnnx, checks the file and reloads it; returns the loaded model. */
async function roundTrip(model: nn.Module, x: Tensor, xOther: Tensor | null, file: string) {
  model.eval();
  const want = noGrad(() => model.forward(x));
  const path = join(DIR, file);
  await saveOnnx(model, x, path);
  assert.deepEqual(readdirSync(DIR).filter((f) => f.includes('tmp')), [], 'no temporary file is left');
  const report = onnxCheck(path);
  assert.deepEqual(report.inputs, [['input', ['batch', ...x.shape.slice(1)]]]);
  assert.deepEqual(report.outputs, [['output', ['batch', ...want.shape.slice(1)]]]);
  const loaded = await loadOnnx(path);
  loaded.eval();
  assertClose(noGrad(() => loaded.forward(x)), want, `${file} at batch ${x.shape[0]}`);
  if (xOther) assertClose(noGrad(() => loaded.forward(xOther)), noGrad(() => model.forward(xOther)), `${file} at batch ${xOther.shape[0]}`);
  return { loaded, report };
}

// ImageNet-sized models run at batch 1 (AlexNet and VGG need 224: their adaptive pools must be
// exact ONNX AveragePools); the ResNets at 64 × 64, where the adaptive pool is a global one.
const SPATIAL: Record<string, number[]> = { resnet18: [64, 64], resnet34: [64, 64], resnet50: [64, 64] };
const BIG = new Set(['alexnet', 'vgg11', 'vgg16', 'resnet18', 'resnet34', 'resnet50']);

for (const [name, entry] of Object.entries(ZOO)) {
  test(`zoo ${name} exports; onnx.checker accepts it; loadOnnx gives the same outputs; initializers are state-dict names`, async () => {
    const model = entry.build({});
    const shape = [entry.inChannels, ...(SPATIAL[name] ?? entry.spatial)];
    const big = BIG.has(name);
    const x = randn([big ? 1 : 2, ...shape], { seed: 3 });
    const { report } = await roundTrip(model, x, big ? null : randn([3, ...shape], { seed: 4 }), `${name}.onnx`);
    const stateNames = Object.keys(model.stateDict()).filter((k) => !k.endsWith('num_batches_tracked'));
    assert.deepEqual(report.initializers.filter((n) => !n.includes('/')).sort(), stateNames.sort());
  });
}

// Every op the tracer maps, in one model: transposed, grouped, dilated and asymmetrically
// padded convolutions, pools with padding, reflect and constant pads, concat, the activations,
// reshape/permute, reductions, a linear layer on 3-D input, constants and scalar operands.
class Everything extends nn.Module {
  conv = new nn.Conv2d(2, 4, 3, { padding: { begin: [0, 1], end: [1, 0] }, dilation: [1, 2], groups: 2 });
  bn = new nn.BatchNorm2d(4);
  up = new nn.ConvTranspose2d(4, 3, 3, { stride: 2, padding: 1, outputPadding: 1 });
  fc = new nn.Linear(6, 5);
  drop = new nn.Dropout(0.5);
  conv1 = new nn.Conv1d(5, 2, 2);
  override forward(x: Tensor): Tensor {
    let y = this.bn.forward(this.conv.forward(x)); // [N, 4, 8, 7]
    y = F.maxPool2d(F.leakyRelu(y, 0.2), { kernelSize: 3, stride: 1, padding: 1 });
    y = F.avgPool2d(F.pad(y, [1, 2, 0, 1], { mode: 'reflect' }), { kernelSize: 2, stride: 1, padding: 1, countIncludePad: false });
    y = F.elu(this.up.forward(y)).add(F.sigmoid(y).mean(1, true).sum([2, 3], true)); // [N, 3, 20, 22]
    y = F.concat([F.clamp(y, -0.5, 0.5), F.tanh(y).mul(2).sub(0.5).div(3)], 1);
    y = F.adaptiveAvgPool2d(F.pad(y, [0, 0, 1, 1], { mode: 'replicate' }), [2, 11]).reshape([y.shape[0]!, 6, 22]);
    const t = this.drop.forward(this.fc.forward(y.permute(0, 2, 1))).permute(0, 2, 1); // [N, 5, 22]
    const z = this.conv1.forward(F.relu(t)).neg().add(1e-3).matmul(randn([21, 3], { seed: 9 }));
    return F.logSoftmax(z.add(F.globalMaxPool(z.unsqueeze(1)).flatten(1).unsqueeze(2)), 1);
  }
}

test('every traced op exports: onnx.checker accepts the graph and loadOnnx computes the same', async () => {
  const model = new Everything();
  model.train();
  model.bn.forward(randn([4, 4, 8, 7], { seed: 5 })); // non-trivial running statistics
  await roundTrip(model, randn([2, 2, 9, 10], { seed: 6 }), randn([1, 2, 9, 10], { seed: 7 }), 'everything.onnx');
  model.train();
  exportOnnx(model, randn([2, 2, 9, 10], { seed: 6 }));
  assert.equal(model.training, true, 'export traces in eval mode, then restores training mode');
});

test('names and opset are options; the file says which opset it uses', async () => {
  const model = ZOO.lenet5!.build({});
  const x = randn([1, 1, 28, 28], { seed: 1 });
  const path = join(DIR, 'named.onnx');
  await saveOnnx(model, x, path, { opset: 13, inputNames: ['images'], outputNames: ['logits'], dynamicBatch: false });
  const report = onnxCheck(path);
  assert.deepEqual(report.inputs, [['images', [1, 1, 28, 28]]]);
  assert.deepEqual(report.outputs, [['logits', [1, 10]]]);
  const loaded = await loadOnnx(path);
  assert.equal(loaded.opset, 13);
  assert.deepEqual(loaded.inputNames, ['images']);
});

test('what cannot be exported fails naming the op and why', () => {
  const x = randn([1, 2, 5, 5], { seed: 1 });
  const make = (forward: (x: Tensor) => Tensor): nn.Module => Object.assign(new nn.Module(), { forward });
  assert.throws(() => exportOnnx(make((v) => F.take(v, Int32Array.from([0, 1]), [1, 2]).add(1)), x), /add in 'the model' reads a tensor made by 'take', an op the export does not trace/);
  assert.throws(() => exportOnnx(make((v) => F.unfold(v, 2)), x), /op 'unfold' has no ONNX export/);
  assert.throws(() => noGrad(() => exportOnnx(make((v) => F.take(v, Int32Array.from([0]), [1]).add(1)), x)), /made by 'take'/, 'caught inside noGrad too');
  assert.throws(() => exportOnnx(make((v) => F.adaptiveAvgPool2d(v, 2)), x), /adaptiveAvgPool2d .*does not divide the input size \[5, 5\]/);
  assert.throws(() => exportOnnx(make((v) => v.flatten(0)), x), /moves the batch dimension; export with dynamicBatch: false/);
  assert.doesNotThrow(() => exportOnnx(make((v) => v.flatten(0)), x, { dynamicBatch: false }));
  assert.throws(() => exportOnnx(make(F.relu), x, { opset: 18 }), /opset must be an integer from 13 to 17, got 18/);
  assert.throws(() => exportOnnx(make(F.relu), x, { inputNames: ['a', 'b'] }), /inputNames must hold one non-empty name/);
  assert.ok(!existsSync(join(DIR, 'never.onnx')));
});
