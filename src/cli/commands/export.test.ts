// striate export (an .onnx file, a Triton repository) and the .onnx file in eval, predict and
// summary: the same answers as the model file it came from.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodePng } from '../../image/codec.js';
import { exportOnnx, loadOnnx, models, randn, saveModel } from '../../index.js';
import { decodeModel, encodeModel } from '../../io/onnx/proto.js';
import { runStriate } from '../run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'striate-export-cli-'));
const CLASSES = ['T-shirt', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Boot'];
const saved = join(dir, 'lenet5.safetensors');
const onnx = join(dir, 'lenet5.onnx');

test('export writes an .onnx file that eval, predict and summary use as they use the model file', async () => {
  await saveModel(models.lenet5(), saved, { classNames: CLASSES });
  const r = await runStriate(['export', saved, onnx]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Wrote .*lenet5\.onnx \(lenet5, input \[batch, 1, 28, 28\], opset 17\)/);
  const again = await runStriate(['export', saved, onnx]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /lenet5\.onnx exists; add --force to replace it/);

  const images = join(dir, 'images');
  mkdirSync(images);
  writeFileSync(join(images, 'a.png'), encodePng({ width: 28, height: 28, channels: 1, pixels: Uint8Array.from({ length: 784 }, (_, i) => i % 251) }));
  const fromSaved = await runStriate(['predict', saved, images, '--json', '-k', '4']);
  const fromOnnx = await runStriate(['predict', onnx, images, '--json', '-k', '4']);
  assert.equal(fromOnnx.code, 0, fromOnnx.stderr);
  const top = (s: string) => (JSON.parse(s) as { top: { name: string; probability: number }[] }).top;
  assert.deepEqual(top(fromOnnx.stdout).map((t) => t.name), top(fromSaved.stdout).map((t) => t.name));
  top(fromOnnx.stdout).forEach((t, i) => assert.ok(Math.abs(t.probability - top(fromSaved.stdout)[i]!.probability) < 1e-5));

  const evalSaved = await runStriate(['eval', saved, '--limit', '3']);
  const evalOnnx = await runStriate(['eval', onnx, '--limit', '3']);
  assert.equal(evalOnnx.code, 0, evalOnnx.stderr);
  assert.equal(evalOnnx.stdout.replace('lenet5.onnx', 'lenet5'), evalSaved.stdout);

  const s = await runStriate(['summary', onnx, '--json']);
  assert.equal(s.code, 0, s.stderr);
  assert.equal((JSON.parse(s.stdout) as { totalParams: number }).totalParams, 61706);
  const wrong = await runStriate(['eval', saved, '--input-shape', '1,1,28,28']);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /--input-shape applies to \.onnx files/);
});

test('an .onnx file that leaves its sizes open needs --input-shape', async () => {
  const open = join(dir, 'open.onnx');
  const proto = decodeModel(exportOnnx(models.fcn(), randn([1, 1, 28, 28])), 'fcn') as unknown as Record<string, any>;
  proto.graph.input[0].type.tensor_type.shape.dim = [{ dim_param: 'n' }, { dim_value: 1 }, { dim_param: 'h' }, { dim_param: 'w' }];
  proto.graph.output[0].type.tensor_type.shape.dim = [{ dim_param: 'n' }, { dim_value: 10 }];
  writeFileSync(open, encodeModel(proto));
  const r = await runStriate(['summary', open]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /open\.onnx: the file does not fix the input's sample shape; give it with --input-shape/);
  const ok = await runStriate(['summary', open, '--input-shape', '2,1,36,36', '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual((JSON.parse(ok.stdout) as { outputShape: number[] }).outputShape, [2, 10]);
});

test('export --triton writes <dir>/<name>/1/model.onnx and a config.pbtxt with a dynamic batch', async () => {
  const repo = join(dir, 'repo');
  const r = await runStriate(['export', saved, '--triton', repo, '--max-batch-size', '32']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(repo, 'lenet5', 'config.pbtxt'), 'utf8'), `name: "lenet5"
platform: "onnxruntime_onnx"
max_batch_size: 32
input [
  {
    name: "input"
    data_type: TYPE_FP32
    dims: [ 1, 28, 28 ]
  }
]
output [
  {
    name: "output"
    data_type: TYPE_FP32
    dims: [ 10 ]
  }
]
dynamic_batching { }
`);
  const model = await loadOnnx(join(repo, 'lenet5', '1', 'model.onnx'));
  assert.deepEqual(model.inputNames, ['input']);
  assert.deepEqual(model.outputNames, ['output']);
  const usage = await runStriate(['export', saved]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /give the \.onnx file to write, or --triton <dir>/);
  assert.ok(!existsSync(join(dir, 'lenet5')));
});
