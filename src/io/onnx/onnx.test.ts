import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { onnxSchemaSource } from '../../../scripts/onnx-schema.js';
import { F, FormatError, LimitError, manualSeed, optim, randn, setLimits, tensor } from '../../index.js';
import { loadOnnx } from './load.js';
import { encodeModel } from './proto.js';

type Obj = Record<string, unknown>;

function floats(name: string, dims: number[], values: ArrayLike<number>, extra: Obj = {}): Obj {
  return { name, dims, data_type: 1, raw_data: new Uint8Array(Float32Array.from(values).buffer), ...extra };
}

function ints(name: string, values: number[]): Obj {
  return { name, dims: [values.length], data_type: 7, int64_data: values };
}

function valueInfo(name: string, rank: number): Obj {
  return { name, type: { tensor_type: { elem_type: 1, shape: { dim: Array.from({ length: rank }, () => ({ dim_param: 'd' })) } } } };
}

function model(nodes: Obj[], initializer: Obj[], inputs: [string, number][], outputs: string[], opset = 17): Uint8Array {
  return encodeModel({
    ir_version: 8, opset_import: [{ domain: '', version: opset }],
    graph: { name: 'g', node: nodes, initializer, input: inputs.map(([n, r]) => valueInfo(n, r)), output: outputs.map((n) => valueInfo(n, 2)) },
  });
}

const attrInts = (name: string, v: number[]): Obj => ({ name, type: 7, ints: v });
const attrFloat = (name: string, f: number): Obj => ({ name, type: 1, f });

// conv (named like a PyTorch export) → batch norm → relu → global pool → flatten → gemm
function smallNet(): Uint8Array {
  const w = randn([4, 2, 3, 3], { seed: 1 }).toArray();
  const fc = randn([3, 4], { seed: 2 }).toArray();
  return model([
    { op_type: 'Conv', name: 'conv1', input: ['x', 'features.0.weight', 'features.0.bias'], output: ['c'], attribute: [attrInts('pads', [1, 1, 1, 1])] },
    { op_type: 'BatchNormalization', name: 'bn1', input: ['c', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var'], output: ['b'], attribute: [attrFloat('momentum', 0.9)] },
    { op_type: 'Relu', name: 'relu', input: ['b'], output: ['r'] },
    { op_type: 'GlobalAveragePool', name: 'pool', input: ['r'], output: ['p'] },
    { op_type: 'Flatten', name: 'flat', input: ['p'], output: ['f'] },
    { op_type: 'Dropout', name: 'drop', input: ['f'], output: ['d'] },
    { op_type: 'Gemm', name: 'fc', input: ['d', 'fc.weight', 'fc.bias'], output: ['y'], attribute: [{ name: 'transB', type: 2, i: 1 }] },
  ], [
    floats('features.0.weight', [4, 2, 3, 3], w), floats('features.0.bias', [4], [0.1, -0.2, 0.3, 0]),
    floats('bn.weight', [4], [1, 2, 1, 0.5]), floats('bn.bias', [4], [0, 0.1, 0, -0.1]),
    floats('bn.running_mean', [4], [0.1, 0, -0.1, 0.2]), floats('bn.running_var', [4], [1, 2, 0.5, 1]),
    floats('fc.weight', [3, 4], fc), floats('fc.bias', [3], [0, 1, 2]),
  ], [['x', 4]], ['y']);
}

test('the generated schema matches the committed onnx.proto', () => {
  assert.equal(readFileSync(new URL('./onnx-schema.ts', import.meta.url), 'utf8'), onnxSchemaSource());
});

test('initializers become parameters and buffers named as in the file; the graph equals striate ops', async () => {
  const net = await loadOnnx(smallNet());
  assert.deepEqual(net.namedParameters().map(([n]) => n),
    ['features.0.weight', 'features.0.bias', 'bn.weight', 'bn.bias', 'fc.weight', 'fc.bias']);
  assert.deepEqual(Object.keys(net.stateDict()).sort(), [
    'bn.bias', 'bn.running_mean', 'bn.running_var', 'bn.weight', 'fc.bias', 'fc.weight', 'features.0.bias', 'features.0.weight']);
  net.eval();
  const x = randn([2, 2, 5, 5], { seed: 3 });
  const sd = net.stateDict();
  const c = F.conv2d(x, sd['features.0.weight']!, sd['features.0.bias']!, { padding: 1 });
  const b = F.batchNorm(c, sd['bn.running_mean']!, sd['bn.running_var']!, sd['bn.weight']!, sd['bn.bias']!);
  const expected = F.linear(F.flatten(F.globalAvgPool(F.relu(b))), sd['fc.weight']!, sd['fc.bias']!);
  const got = net.forward(x).toArray();
  expected.toArray().forEach((v, i) => assert.ok(Math.abs(got[i]! - v) <= 1e-5 * (1 + Math.abs(v)), `element ${i}: ${got[i]} vs ${v}`));
});

test('train() uses batch statistics and updates the running ones; an optimiser step changes the output', async () => {
  manualSeed(0);
  const net = await loadOnnx(smallNet());
  const x = randn([4, 2, 5, 5], { seed: 4 });
  const mean0 = net.stateDict()['bn.running_mean']!.toArray();
  net.eval();
  const before = net.forward(x).toArray();
  assert.deepEqual(net.stateDict()['bn.running_mean']!.toArray(), mean0, 'eval leaves the statistics');
  net.train();
  const opt = new optim.SGD(net.parameters(), { lr: 0.1 });
  const loss = F.crossEntropy(net.forward(x), [0, 1, 2, 0]);
  loss.backward();
  assert.ok(net.parameters().every((p) => p.grad !== null), 'every parameter receives a gradient');
  assert.notDeepEqual(net.stateDict()['bn.running_mean']!.toArray(), mean0, 'train updates the statistics');
  opt.step();
  net.eval();
  assert.notDeepEqual(net.forward(x).toArray(), before);
});

test('raw_data at any byte offset is copied, not viewed misaligned', async () => {
  for (const pad of ['a', 'ab', 'abc']) {
    const bytes = model([{ op_type: 'Add', input: ['x', 'w'], output: ['y'] }],
      [floats('w', [3], [1.5, -2, 3.25], { doc_string: pad })], [['x', 1]], ['y']);
    const net = await loadOnnx(bytes);
    assert.deepEqual(Array.from(net.forward(tensor([1, 1, 1], [3])).toArray()), [2.5, -1, 4.25]);
  }
});

test('external data is read beside the model file; bytes alone name the missing file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'striate-onnx-'));
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(Float32Array.from([0, 0, 7, 8]).buffer));
  const external = { data_location: 1, external_data: [{ key: 'location', value: 'weights.bin' }, { key: 'offset', value: '8' }, { key: 'length', value: '8' }] };
  const bytes = model([{ op_type: 'Mul', input: ['x', 'w'], output: ['y'] }], [{ name: 'w', dims: [2], data_type: 1, ...external }], [['x', 1]], ['y']);
  writeFileSync(join(dir, 'm.onnx'), bytes);
  const net = await loadOnnx(join(dir, 'm.onnx'));
  assert.deepEqual(Array.from(net.forward(tensor([1, 2], [2])).toArray()), [7, 16]);
  await assert.rejects(loadOnnx(bytes), /initializer 'w': data is stored outside the model in 'weights.bin'; load the model from a path/);
});

test('bad files give errors naming the file and the node, before allocating', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'striate-onnx-'));
  const good = smallNet();
  writeFileSync(join(dir, 'cut.onnx'), good.subarray(0, good.length - 40));
  await assert.rejects(loadOnnx(join(dir, 'cut.onnx')), /cut\.onnx: not a valid ONNX ModelProto .*truncated or not ONNX/);
  writeFileSync(join(dir, 'text.onnx'), 'this is not a model\n');
  await assert.rejects(loadOnnx(join(dir, 'text.onnx')), /text\.onnx: not (a valid ONNX ModelProto|an ONNX model)/);
  await assert.rejects(loadOnnx(join(dir, 'missing.onnx')), /file not found: .*missing\.onnx/);
  const cycle = model([
    { op_type: 'Relu', name: 'a', input: ['q'], output: ['p'] },
    { op_type: 'Relu', name: 'b', input: ['p'], output: ['q'] },
  ], [], [['x', 1]], ['q']);
  await assert.rejects(loadOnnx(cycle, { name: 'cycle.onnx' }), /cycle\.onnx: the graph has a cycle through node "a" \(Relu\), node "b" \(Relu\)/);
  const dangling = model([{ op_type: 'Relu', name: 'r', input: ['nope'], output: ['y'] }], [], [['x', 1]], ['y']);
  await assert.rejects(loadOnnx(dangling), /node "r" \(Relu\) reads 'nope', which no node, graph input or initializer provides/);
  const short = model([{ op_type: 'Add', name: 'add', input: ['x', 'w'], output: ['y'] }],
    [{ name: 'w', dims: [4], data_type: 1, raw_data: new Uint8Array(12) }], [['x', 1]], ['y']);
  await assert.rejects(loadOnnx(short, { name: 's.onnx' }), /s\.onnx: initializer 'w': float shape \[4\] needs 4·4 = 16 bytes of data, the file has 12/);
  const huge = model([{ op_type: 'Add', input: ['x', 'w'], output: ['y'] }],
    [{ name: 'w', dims: [1000000, 1000000], data_type: 1, raw_data: new Uint8Array(4) }], [['x', 1]], ['y']);
  await assert.rejects(loadOnnx(huge, { name: 'h.onnx' }), (e: Error) => e instanceof LimitError &&
    /h\.onnx: initializer 'w': shape \[1000000, 1000000\] has 1000000000000 elements, more than one tensor may have: 1,000,000,000,000 exceeds the limit maxTensorElements/.test(e.message));
  const negative = model([{ op_type: 'Add', input: ['x', 'w'], output: ['y'] }], [{ name: 'w', dims: [2, -3], data_type: 1, raw_data: new Uint8Array(4) }], [['x', 1]], ['y']);
  await assert.rejects(loadOnnx(negative), /initializer 'w': invalid dimension -3 in shape \[2, -3\]/);
  const twice = model([{ op_type: 'Add', input: ['x', 'w'], output: ['y'] }], [floats('w', [1], [1]), floats('w', [1], [2])], [['x', 1]], ['y']);
  await assert.rejects(loadOnnx(twice), /initializer 'w' is defined twice/);
  const noOutput = model([{ op_type: 'Relu', input: ['x'], output: ['r'] }], [], [['x', 1]], ['y']);
  await assert.rejects(loadOnnx(noOutput, { name: 'o.onnx' }), /o\.onnx: graph output 'y' is computed by no node/);
  const unsupported = model([
    { op_type: 'Relu', name: 'ok', input: ['x'], output: ['a'] },
    { op_type: 'Einsum', name: 'e1', input: ['a'], output: ['b'] },
    { op_type: 'Foo', name: 'f', domain: 'com.example', input: ['b'], output: ['y'] },
  ], [], [['x', 1]], ['y']);
  await assert.rejects(loadOnnx(unsupported, { name: 'u.onnx' }),
    /u\.onnx: 2 unsupported operator node\(s\): node "e1" \(Einsum\) at opset 17; node "f" \(Foo\) in domain com\.example at opset 17\. striate supports opsets 7–21 of Abs, Add, /);
  for (const bad of ['training', 'nodes', 'a.forward']) {
    const clash = model([{ op_type: 'Add', input: ['x', bad], output: ['y'] }], [floats(bad, [1], [1])], [['x', 1]], ['y']);
    await assert.rejects(loadOnnx(clash), new RegExp(`initializer name '${bad}' collides with the module property '${bad.split('.').pop()}'`));
  }
  const old = model([{ op_type: 'Relu', name: 'r', input: ['x'], output: ['y'] }], [], [['x', 1]], ['y'], 6);
  await assert.rejects(loadOnnx(old), /node "r" \(Relu\) at opset 6/);
  const net = await loadOnnx(smallNet());
  assert.throws(() => net.forward(randn([2, 5, 5])), /input 'x' has shape \[2, 5, 5\], the model expects 4 dims/);
  assert.throws(() => net.forward(), /expected 1 input\(s\) \(x\), got 0/);
});

test('every rejected file is a FormatError (or LimitError) naming the file', async () => {
  const good = smallNet();
  const cases: [string, Uint8Array][] = [
    ['cut', good.subarray(0, good.length - 40)], ['text', new TextEncoder().encode('not a model')], ['empty', new Uint8Array(0)],
    ['cycle', model([{ op_type: 'Relu', name: 'a', input: ['q'], output: ['p'] }, { op_type: 'Relu', name: 'b', input: ['p'], output: ['q'] }], [], [['x', 1]], ['q'])],
    ['unsupported', model([{ op_type: 'Einsum', name: 'e', input: ['x'], output: ['y'] }], [], [['x', 1]], ['y'])],
    ['clash', model([{ op_type: 'Add', input: ['x', 'training'], output: ['y'] }], [floats('training', [1], [1])], [['x', 1]], ['y'])],
  ];
  for (const [name, bytes] of cases) {
    await assert.rejects(loadOnnx(bytes, { name: `${name}.onnx` }), (e: Error) => e instanceof FormatError && e.message.startsWith(`${name}.onnx: `) && e.file.startsWith(`${name}.onnx`));
  }
  // The element limit is setLimits' maxTensorElements, checked before the tensor exists.
  const before = setLimits({ maxTensorElements: 100 });
  try {
    const big = model([{ op_type: 'Add', input: ['x', 'w'], output: ['y'] }], [floats('w', [101], new Float32Array(101))], [['x', 1]], ['y']);
    await assert.rejects(loadOnnx(big), (e: Error) => e instanceof LimitError && /shape \[101\] has 101 elements/.test(e.message));
  } finally {
    setLimits(before);
  }
});

test('external data may not leave the model folder, by path or by link, and must exist', async () => {
  const root = mkdtempSync(join(tmpdir(), 'striate-onnx-'));
  const dir = join(root, 'model');
  mkdirSync(dir);
  writeFileSync(join(root, 'secret.bin'), new Uint8Array(8));
  symlinkSync(join(root, 'secret.bin'), join(dir, 'link.bin'));
  mkdirSync(join(dir, 'folder.bin'));
  writeFileSync(join(dir, 'short.bin'), new Uint8Array(4));
  const at = (location: string): string => {
    const external = { data_location: 1, external_data: [{ key: 'location', value: location }] };
    writeFileSync(join(dir, 'm.onnx'), model([{ op_type: 'Mul', input: ['x', 'w'], output: ['y'] }], [{ name: 'w', dims: [2], data_type: 1, ...external }], [['x', 1]], ['y']));
    return join(dir, 'm.onnx');
  };
  const cases: [string, RegExp][] = [
    ['../secret.bin', /initializer 'w': external data location '\.\.\/secret\.bin' leaves the model's folder/],
    [join(root, 'secret.bin'), /leaves the model's folder/],
    ['link.bin', /external data location 'link\.bin' is a link that leaves the model's folder/],
    ['missing.bin', /external data location 'missing\.bin' names a file that does not exist/],
    ['folder.bin', /external data location 'folder\.bin' is not a file/],
    ['short.bin', /external data range offset 0, length 8 is outside .*short\.bin \(4 bytes\)/],
  ];
  for (const [location, message] of cases) {
    await assert.rejects(loadOnnx(at(location)), (e: Error) => e instanceof FormatError && message.test(e.message) && e.message.includes('m.onnx'));
  }
});

test('outputs cuts the graph at an inner value: only the nodes and initializers it needs', async () => {
  const net = await loadOnnx(smallNet(), { outputs: ['f'] });
  assert.deepEqual(net.forward(randn([3, 2, 5, 5], { seed: 5 })).shape, [3, 4]);
  assert.ok(net.namedParameters().every(([n]) => !n.startsWith('fc.')));
  await assert.rejects(loadOnnx(smallNet(), { outputs: ['nowhere'] }), /no value named 'nowhere' to output/);
});

// AveragePool-19's dilations, against the operator's definition written out element by element.
function averagePoolByDefinition(x: Float32Array, shape: number[], k: number[], s: number[], d: number[], begin: number[], end: number[], ceil: boolean, includePad: boolean): { y: number[]; shape: number[] } {
  const inSize = shape.slice(2);
  const nd = inSize.length;
  const outSize = inSize.map((q, i) => {
    const steps = (q + begin[i]! + end[i]! - ((k[i]! - 1) * d[i]! + 1)) / s[i]!;
    let o = (ceil ? Math.ceil(steps) : Math.floor(steps)) + 1;
    if (ceil && (o - 1) * s[i]! >= q + begin[i]!) o--;
    return o;
  });
  const strides = inSize.map((_, i) => inSize.slice(i + 1).reduce((a, b) => a * b, 1));
  const outCount = outSize.reduce((a, b) => a * b, 1);
  const kCount = k.reduce((a, b) => a * b, 1);
  const y: number[] = [];
  for (let plane = 0; plane < shape[0]! * shape[1]!; plane++) {
    for (let p = 0; p < outCount; p++) {
      const o = outSize.map((_, i) => Math.floor(p / outSize.slice(i + 1).reduce((a, b) => a * b, 1)) % outSize[i]!);
      let sum = 0;
      let count = 0;
      for (let t = 0; t < kCount; t++) {
        const j = k.map((_, i) => Math.floor(t / k.slice(i + 1).reduce((a, b) => a * b, 1)) % k[i]!);
        const at = o.map((oi, i) => oi * s[i]! - begin[i]! + j[i]! * d[i]!);
        const real = at.every((a, i) => a >= 0 && a < inSize[i]!);
        const inPadded = at.every((a, i) => a >= -begin[i]! && a < inSize[i]! + end[i]!);
        if (real) sum += x[plane * strides[0]! * inSize[0]! + at.reduce((acc, a, i) => acc + a * strides[i]!, 0)]!;
        if (includePad ? inPadded : real) count++;
      }
      y.push(sum / count);
    }
  }
  return { y, shape: [shape[0]!, shape[1]!, ...outSize] };
}

test('AveragePool with dilations (opset 19) equals the definition: pads, strides, ceil mode, count_include_pad, 1-D to 3-D', async () => {
  const cases = [
    { shape: [2, 3, 7, 8], k: [3, 2], s: [2, 1], d: [2, 3], begin: [1, 0], end: [2, 1] },
    { shape: [1, 2, 11], k: [3], s: [3], d: [2], begin: [2], end: [1] },
    // ceil mode would add a window starting in the trailing padding: dropped, as by the definition
    { shape: [1, 2, 3], k: [2], s: [3], d: [2], begin: [0], end: [2] },
    { shape: [1, 2, 5, 6, 7], k: [2, 2, 3], s: [1, 2, 2], d: [2, 2, 1], begin: [0, 1, 1], end: [1, 0, 1] },
  ];
  for (const c of cases) {
    for (const ceil of [0, 1]) {
      for (const includePad of [0, 1]) {
        const x = randn(c.shape, { seed: 7 });
        const bytes = model([{
          op_type: 'AveragePool', name: 'pool', input: ['x'], output: ['y'], attribute: [
            attrInts('kernel_shape', c.k), attrInts('strides', c.s), attrInts('dilations', c.d), attrInts('pads', [...c.begin, ...c.end]),
            { name: 'ceil_mode', type: 2, i: ceil }, { name: 'count_include_pad', type: 2, i: includePad },
          ],
        }], [], [['x', c.shape.length]], ['y'], 19);
        const y = (await loadOnnx(bytes)).forward(x);
        const want = averagePoolByDefinition(x.toArray(), c.shape, c.k, c.s, c.d, c.begin, c.end, ceil === 1, includePad === 1);
        const what = `${JSON.stringify(c)} ceil ${ceil} count_include_pad ${includePad}`;
        assert.deepEqual(y.shape, want.shape, what);
        const got = y.toArray();
        want.y.forEach((v, i) => assert.ok(Math.abs(got[i]! - v) <= 1e-5 * (1 + Math.abs(v)), `${what}: [${i}] ${got[i]} vs ${v}`));
      }
    }
  }
});
