import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Tensor, decodeSafetensors, encodeSafetensors, loadModel, readModelFile, readModelHeader, saveModel, tensor } from '../index.js';
import type { StatefulModel } from './model-file.js';

/** A minimal model: named tensors that loadStateDict copies into, as nn.Module does. */
class Fake implements StatefulModel {
  constructor(readonly sd: Record<string, Tensor>) {}
  stateDict() { return this.sd; }
  loadStateDict(sd: Record<string, Tensor>) { for (const [k, t] of Object.entries(sd)) this.sd[k]!.data.set(t.data); }
}
const fake = (fill: number) => new Fake({
  'conv1.weight': tensor(Float32Array.from({ length: 6 }, (_, i) => fill + i / 8), [2, 1, 3, 1]),
  'conv1.bias': tensor([fill, -fill], [2]),
  'bn.num_batches_tracked': tensor([fill === 0 ? 0 : 37], []),
});

test('safetensors byte layout follows the spec', () => {
  const bytes = encodeSafetensors({
    a: { dtype: 'F32', shape: [2], data: Float32Array.of(1, -2) },
    n: { dtype: 'I64', shape: [], data: BigInt64Array.of(5n) },
  }, { format: 'pt' });
  const view = new DataView(bytes.buffer);
  const n = Number(view.getBigUint64(0, true));
  assert.equal(n % 8, 0, 'header padded to 8 bytes');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  assert.deepEqual(header, {
    __metadata__: { format: 'pt' },
    a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    n: { dtype: 'I64', shape: [], data_offsets: [8, 16] },
  });
  assert.match(new TextDecoder().decode(bytes.subarray(8, 8 + n)), /^\{.*\} *$/);
  assert.equal(bytes.length, 8 + n + 16);
  assert.equal(view.getFloat32(8 + n, true), 1);
  assert.equal(view.getFloat32(8 + n + 4, true), -2);
  assert.equal(view.getBigInt64(8 + n + 8, true), 5n);
  // Little-endian bytes of 1.0f: 00 00 80 3f
  assert.deepEqual(Array.from(bytes.subarray(8 + n, 8 + n + 4)), [0, 0, 0x80, 0x3f]);
});

test('safetensors decode rejects truncated and inconsistent files', () => {
  const good = encodeSafetensors({ a: { dtype: 'F32', shape: [3], data: Float32Array.of(1, 2, 3) } });
  assert.throws(() => decodeSafetensors(good.subarray(0, good.length - 4), 'm.st'), /safetensors m\.st: tensors cover 0|data_offsets \[0, 12\] fall outside the 8 data bytes/);
  assert.throws(() => decodeSafetensors(good.subarray(0, 12), 'm.st'), /header length \d+ exceeds/);
  assert.throws(() => decodeSafetensors(Uint8Array.of(1, 2), 'm.st'), /too short/);
  assert.throws(() => encodeSafetensors({ a: { dtype: 'F32', shape: [2], data: Float32Array.of(1) } }), /'a' has 1 values for shape \[2\]/);
});

test('saveModel/loadModel round trip with metadata; atomic write leaves no temp file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'striate-io-'));
  const path = join(dir, 'sub', 'm.safetensors');
  const src = fake(3);
  await saveModel(src, path, { architecture: { name: 'lenet5', options: { numClasses: 2 } }, training: { epochs: 4 }, classNames: ['a', 'b'] });
  assert.deepEqual(readdirSync(join(dir, 'sub')), ['m.safetensors']);
  const dst = fake(0);
  const meta = await loadModel(dst, path);
  for (const k of Object.keys(src.sd)) assert.deepEqual(dst.sd[k]!.toArray(), src.sd[k]!.toArray(), k);
  assert.deepEqual(meta.architecture, { name: 'lenet5', options: { numClasses: 2 } });
  assert.deepEqual(meta.training, { epochs: 4 });
  assert.deepEqual(meta.classNames, ['a', 'b']);
  const { tensors } = await readModelFile(path);
  assert.equal(tensors['bn.num_batches_tracked']!.dtype, 'I64');
  assert.equal(tensors['conv1.weight']!.dtype, 'F32');
});

test('loadModel names every missing, unexpected and mis-shaped tensor', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'striate-io-'));
  const path = join(dir, 'm.safetensors');
  await saveModel(fake(1), path, { architecture: { name: 'tiny' } });
  const other = new Fake({ 'conv1.weight': tensor(new Float32Array(4), [4, 1, 1, 1]), 'fc.bias': tensor([0], [1]),
    'bn.num_batches_tracked': tensor([0], []) });
  await assert.rejects(loadModel(other, path), (e: Error) => {
    assert.match(e.message, /load .*m\.safetensors: the file does not fit this model \(file's architecture: \{"name":"tiny"\}\)/);
    assert.match(e.message, /missing in file: fc\.bias/);
    assert.match(e.message, /not in model: conv1\.bias/);
    assert.match(e.message, /shape differs: conv1\.weight: file \[2, 1, 3, 1\], model \[4, 1, 1, 1\]/);
    return true;
  });
  await assert.rejects(loadModel(other, join(dir, 'none.safetensors')), /model file not found/);
});

test('Python safetensors reads our file (skipped when the module is missing)', async (t) => {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import safetensors, numpy'], { encoding: 'utf8' });
  if (!existsSync('/usr/bin/python3') || probe.status !== 0) {
    t.skip('/usr/bin/python3 has no safetensors module; byte layout is checked by the test above');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'striate-io-'));
  const path = join(dir, 'm.safetensors');
  await saveModel(fake(2), path);
  const py = `import sys, json\nfrom safetensors.numpy import load_file\nfrom safetensors import safe_open\n` +
    `d = load_file(sys.argv[1])\nwith safe_open(sys.argv[1], 'np') as f: m = f.metadata()\n` +
    `print(json.dumps({k: [str(v.dtype), list(v.shape), v.flatten().tolist()] for k, v in d.items()} | {'__m': m}))`;
  writeFileSync(join(dir, 'r.py'), py);
  const r = spawnSync('/usr/bin/python3', [join(dir, 'r.py'), path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out['conv1.bias'], ['float32', [2], [2, -2]]);
  assert.deepEqual(out['bn.num_batches_tracked'], ['int64', [], [37]]);
  assert.equal(out.__m.format, 'pt');
});

/** Safetensors bytes with a hand-written header (data bytes as given). */
const rawSafetensors = (header: unknown, data: number): Uint8Array => {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
};

test('safetensors decode rejects overlapping, gapped, fractional and null entries, naming the tensor', () => {
  const w = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
  // conv1.bias pointed into conv1.weight's bytes, with a hole of the same size after them.
  assert.throws(() => decodeSafetensors(rawSafetensors({ 'conv1.weight': w, 'conv1.bias': { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 12), 'o.st'),
    /safetensors o\.st: tensor 'conv1\.bias' data_offsets \[4, 8\] overlap tensor 'conv1\.weight'/);
  assert.throws(() => decodeSafetensors(rawSafetensors({ a: w, b: { dtype: 'F32', shape: [1], data_offsets: [12, 16] } }, 16), 'g.st'),
    /tensor 'b' data_offsets \[12, 16\] leave a gap of 4 bytes after tensor 'a'/);
  assert.throws(() => decodeSafetensors(rawSafetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0.5, 8.5] } }, 9), 'f.st'),
    /tensor 'a' data_offsets must be two non-negative integers, got \[0\.5,8\.5\]/);
  assert.throws(() => decodeSafetensors(rawSafetensors({ a: null }, 0), 'n.st'), /tensor 'a' must be an object \{dtype, shape, data_offsets\}, got null/);
  assert.throws(() => decodeSafetensors(rawSafetensors({ __metadata__: null }, 0), 'm.st'), /__metadata__ must be an object of strings/);
  assert.throws(() => decodeSafetensors(rawSafetensors({ a: { dtype: 'toString', shape: [], data_offsets: [0, 0] } }, 0), 'd.st'), /tensor 'a' has dtype "toString"/);
  assert.throws(() => decodeSafetensors(rawSafetensors({ a: { dtype: 'F32', shape: [1e9, 1e9], data_offsets: [0, 4] } }, 4), 's.st'),
    /tensor 'a' of shape \[1000000000, 1000000000\] F32 needs more than the file's bytes/);
  assert.throws(() => decodeSafetensors(rawSafetensors({ a: w }, 12), 't.st'), /tensors cover 8 of the 12 data bytes \(4 trailing bytes\)/);
  const proto = decodeSafetensors(rawSafetensors({ ['__proto__']: w }, 8), 'p.st');
  assert.ok(Object.hasOwn(proto.tensors, '__proto__'), "a tensor named '__proto__' stays a tensor");
});

test('saveModel never replaces a file that is not a striate model unless forced, and removes stale temporaries', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'striate-io-'));
  const notes = join(dir, 'notes.txt');
  writeFileSync(notes, 'notes\n');
  await assert.rejects(saveModel(fake(1), notes), /save .*notes\.txt: the file exists and is not a striate model file; refusing to overwrite it/);
  assert.equal(readFileSync(notes, 'utf8'), 'notes\n');
  const foreign = join(dir, 'torch.safetensors');
  writeFileSync(foreign, encodeSafetensors({ a: { dtype: 'F32', shape: [1], data: Float32Array.of(1) } }, { format: 'pt' }));
  await assert.rejects(saveModel(fake(1), foreign), /torch\.safetensors: the file exists and is not a striate model file/);
  await saveModel(fake(1), notes, {}, { force: true });
  await saveModel(fake(2), notes);
  assert.equal((await readModelHeader(notes)).metadata.raw['striate.format'], '1');
  // Leftovers of interrupted saves: a dead process's and this process's own go, a live one's stays.
  const dead = join(dir, 'm.safetensors.striate-tmp-4194305-1');
  const own = join(dir, 'x.safetensors.striate-tmp-' + process.pid + '-1');
  const live = join(dir, 'y.safetensors.striate-tmp-' + process.ppid + '-1');
  const old = join(dir, 'm.safetensors.tmp-4194305-1764000000000'); // the name earlier versions left
  for (const p of [dead, own, live, old]) writeFileSync(p, 'partial');
  await saveModel(fake(3), join(dir, 'm.safetensors'));
  assert.deepEqual(readdirSync(dir).sort(), ['m.safetensors', 'notes.txt', 'torch.safetensors', 'y.safetensors.striate-tmp-' + process.ppid + '-1']);
});
