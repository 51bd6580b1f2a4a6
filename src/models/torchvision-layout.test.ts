// The zoo's state-dict layout against torchvision's: names, order, shapes and parameter counts
// from test/fixtures/models/*.json, written by scripts/torchvision_names.py.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { models } from '../index.js';

interface Layout {
  model: string;
  numParameters: number;
  parameters: [string, number[]][];
  buffers: [string, number[]][];
}

const factories = {
  alexnet: models.alexnet, vgg11: models.vgg11, vgg16: models.vgg16,
  resnet18: models.resnet18, resnet34: models.resnet34, resnet50: models.resnet50,
};

for (const [name, factory] of Object.entries(factories)) {
  test(`${name}: parameter and buffer names, shapes and count equal torchvision's`, () => {
    const want = JSON.parse(readFileSync(new URL(`../../test/fixtures/models/${name}.json`, import.meta.url), 'utf8')) as Layout;
    const model = factory({ numClasses: 1000 });
    const params = model.namedParameters().map(([n, p]): [string, number[]] => [n, p.shape.slice()]);
    assert.deepEqual(params, want.parameters);
    // torchvision stores num_batches_tracked as a 0-d int64; ours is a 0-d count too.
    const buffers = model.namedBuffers().map(([n, b]): [string, number[]] => [n, b.shape.slice()]);
    assert.deepEqual(buffers, want.buffers);
    assert.equal(model.parameters().reduce((s, p) => s + p.numel(), 0), want.numParameters);
    const keys = Object.keys(model.stateDict());
    assert.equal(keys.length, want.parameters.length + want.buffers.length);
  });
}

test('the counts the issue names', () => {
  const count = (name: 'alexnet' | 'resnet18' | 'resnet50'): number =>
    (JSON.parse(readFileSync(new URL(`../../test/fixtures/models/${name}.json`, import.meta.url), 'utf8')) as Layout).numParameters;
  assert.equal(count('alexnet'), 61_100_840);
  assert.equal(count('resnet18'), 11_689_512);
  assert.equal(count('resnet50'), 25_557_032);
});
