import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportOnnx, randn } from '../index.js';
import { decodeModel } from '../io/onnx/proto.js';
import { resnet20 } from './resnet-cifar.js';

test("ResNet-20's option-A shortcuts (one pad kernel each way) export as the max pool and pad they equal", () => {
  const model = decodeModel(exportOnnx(resnet20(), randn([1, 3, 32, 32])), 'resnet20') as unknown as
    { graph: { node: { op_type: string }[] } };
  const ops = model.graph.node.map((n) => n.op_type);
  assert.equal(ops.filter((o) => o === 'MaxPool').length, 2);
  assert.equal(ops.filter((o) => o === 'Pad').length, 2);
});
