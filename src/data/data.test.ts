import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import {
  ArrayDataset, DataLoader, balancedSubset, encodeIdx, loadCifar10, loadIdx, loadImageFolder, loadSignalCsv,
  normalize, parseIdx, parseSignalCsv, randomCrop, randomHorizontalFlip, gaussianNoise, randomSplit, channelStats,
} from '../index.js';
import { Rng } from '../tensor/rng.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'striate-data-'));

function idxPair(dir: string, n: number, nLabels = n, gz = true) {
  const img = encodeIdx(Uint8Array.from({ length: n * 4 }, (_, i) => i % 256), [n, 2, 2]);
  const lbl = encodeIdx(Uint8Array.from({ length: nLabels }, (_, i) => i % 3), [nLabels]);
  const ip = join(dir, gz ? 'img.gz' : 'img'), lp = join(dir, gz ? 'lbl.gz' : 'lbl');
  writeFileSync(ip, gz ? gzipSync(img) : img);
  writeFileSync(lp, gz ? gzipSync(lbl) : lbl);
  return [ip, lp] as const;
}

test('IDX round trip, raw and gzipped, values scaled to [0, 1]', async () => {
  for (const gz of [true, false]) {
    const [ip, lp] = idxPair(tmp(), 5, 5, gz);
    const ds = await loadIdx(ip, lp);
    assert.deepEqual(ds.sampleShape, [1, 2, 2]);
    assert.equal(ds.length, 5);
    assert.deepEqual(Array.from(ds.labels), [0, 1, 2, 0, 1]);
    assert.equal(ds.numClasses, 3);
    assert.ok(Math.abs(ds.sample(1)[1]! - 5 / 255) < 1e-7);
  }
});

test('IDX: wrong magic, truncated file, label count ≠ image count name the file', async () => {
  const dir = tmp();
  const bad = Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 1, 9]);
  assert.throws(() => parseIdx(bad, 'x.idx'), /IDX x\.idx: wrong magic number 0x504b0304/);
  const good = encodeIdx(new Uint8Array(2 * 9), [2, 3, 3]);
  assert.throws(() => parseIdx(good.subarray(0, good.length - 3), 'imgs'), /IDX imgs: truncated file: 31 bytes.*needs 34/);
  assert.throws(() => parseIdx(good.subarray(0, 10), 'imgs'), /IDX imgs: truncated header/);
  const [ip, lp] = idxPair(dir, 4, 3);
  await assert.rejects(loadIdx(ip, lp), new RegExp(`IDX ${lp.replace(/[.]/g, '\\.')}: label count 3 does not match image count 4`));
  writeFileSync(join(dir, 'cut.gz'), gzipSync(good).subarray(0, 20));
  await assert.rejects(loadIdx(join(dir, 'cut.gz'), lp), /cut\.gz: (corrupt or truncated gzip|truncated header)/);
  await assert.rejects(loadIdx(join(dir, 'missing.gz'), lp), /file not found: .*missing\.gz/);
});

test('embedded Fashion-MNIST subset is class balanced', async () => {
  const { loadFashionMnist } = await import('../index.js');
  const train = await loadFashionMnist({ split: 'train' });
  const testSet = await loadFashionMnist({ split: 'test' });
  assert.equal(train.length, 6000);
  assert.equal(testSet.length, 1000);
  assert.deepEqual(train.classCounts(), new Array(10).fill(600));
  assert.deepEqual(testSet.classCounts(), new Array(10).fill(100));
  assert.equal(train.classNames[9], 'Ankle boot');
});

test('CIFAR-10 binary: records parsed channel-first; bad sizes rejected', async () => {
  const dir = tmp();
  const rec = new Uint8Array(2 * 3073);
  rec[0] = 7; rec[1] = 255; rec[3073] = 2; rec[3073 + 1 + 1024] = 51;
  writeFileSync(join(dir, 'test_batch.bin'), rec);
  const ds = await loadCifar10(dir, { train: false });
  assert.deepEqual(Array.from(ds.labels), [7, 2]);
  assert.deepEqual(ds.sampleShape, [3, 32, 32]);
  assert.equal(ds.sample(0)[0], 1);
  assert.ok(Math.abs(ds.sample(1)[1024]! - 0.2) < 1e-7);
  writeFileSync(join(dir, 'test_batch.bin'), rec.subarray(0, 3000));
  await assert.rejects(loadCifar10(dir, { train: false }), /test_batch\.bin: 3000 bytes is not a whole number of 3073-byte records/);
  await assert.rejects(loadCifar10(dir, { train: true }), /missing data_batch_1\.bin/);
});

function png(w: number, h: number, rgb: [number, number, number]): Buffer {
  const p = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) p.data.set([...rgb, 255], 4 * i);
  return PNG.sync.write(p);
}

test('image folder: PNG and JPEG, sorted classes; corrupt PNG, empty folder, size mismatch', async () => {
  const root = tmp();
  mkdirSync(join(root, 'cat'));
  mkdirSync(join(root, 'dog'));
  writeFileSync(join(root, 'cat', 'a.png'), png(4, 3, [255, 0, 0]));
  const jpg = jpeg.encode({ width: 4, height: 3, data: Buffer.alloc(4 * 12, 200) }, 100).data;
  writeFileSync(join(root, 'dog', 'b.jpg'), jpg);
  const ds = await loadImageFolder(root, { channels: 3 });
  assert.deepEqual(ds.classNames, ['cat', 'dog']);
  assert.deepEqual(ds.sampleShape, [3, 3, 4]);
  assert.deepEqual(Array.from(ds.labels), [0, 1]);
  assert.equal(ds.sample(0)[0], 1);
  assert.equal(ds.sample(0)[12], 0);
  assert.ok(Math.abs(ds.sample(1)[0]! - 200 / 255) < 0.02);
  const gray = await loadImageFolder(root, { channels: 1 });
  assert.ok(Math.abs(gray.sample(0)[0]! - 0.299) < 1e-6);

  writeFileSync(join(root, 'dog', 'c.png'), png(4, 3, [0, 0, 0]).subarray(0, 40));
  await assert.rejects(loadImageFolder(root), /cannot decode .*dog\/c\.png as PNG/);
  writeFileSync(join(root, 'dog', 'c.png'), png(5, 3, [0, 0, 0]));
  await assert.rejects(loadImageFolder(root), /dog\/c\.png is 5×3, but the first image is 4×3/);
  mkdirSync(join(root, 'emu'));
  await assert.rejects(loadImageFolder(root), /class folder .*emu is empty/);
});

test('signal CSV: header skipped, label column, bad cells named by line', async () => {
  const ds = parseSignalCsv('label,a,b,c,d\n1,0.5,1,2,3\n0,4,5,6,7\n', 's.csv', { channels: 2 });
  assert.deepEqual(ds.sampleShape, [2, 2]);
  assert.deepEqual(Array.from(ds.labels), [1, 0]);
  assert.deepEqual(Array.from(ds.sample(1)), [4, 5, 6, 7]);
  const last = parseSignalCsv('1,2,0\n3,4,1', 't.csv', { labelColumn: -1 });
  assert.deepEqual(Array.from(last.data), [1, 2, 3, 4]);
  assert.throws(() => parseSignalCsv('0,1,2\n1,x,3\n', 'u.csv'), /CSV u\.csv: line 2, column 2: 'x' is not a number/);
  assert.throws(() => parseSignalCsv('0,1,2\n1,3\n', 'v.csv'), /line 2 has 2 columns, expected 3/);
  const dir = tmp();
  writeFileSync(join(dir, 'w.csv'), '0,1\n1,2\n');
  assert.equal((await loadSignalCsv(join(dir, 'w.csv'))).length, 2);
});

const toy = (n: number) => new ArrayDataset(Float32Array.from({ length: n * 2 }, (_, i) => i), [2],
  Int32Array.from({ length: n }, (_, i) => i % 2), 2);

test('DataLoader: batches, dropLast, seeded shuffle differs by epoch and repeats by seed', () => {
  const ds = toy(10);
  const plain = [...new DataLoader(ds, { batchSize: 4 })];
  assert.deepEqual(plain.map((b) => b.x.shape), [[4, 2], [4, 2], [2, 2]]);
  assert.deepEqual(Array.from(plain[2]!.x.toArray()), [16, 17, 18, 19]);
  assert.equal([...new DataLoader(ds, { batchSize: 4, dropLast: true })].length, 2);
  const order = (l: DataLoader) => [...l].flatMap((b) => Array.from(b.indices));
  const a = new DataLoader(ds, { batchSize: 3, shuffle: true, seed: 7 });
  const b = new DataLoader(ds, { batchSize: 3, shuffle: true, seed: 7 });
  const e0 = order(a), e1 = order(a);
  assert.deepEqual(order(b), e0);
  assert.notDeepEqual(e0, e1);
  assert.deepEqual([...e0].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.notDeepEqual(e0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const batch = [...new DataLoader(ds, { batchSize: 10, shuffle: true, seed: 7 })][0]!;
  for (let k = 0; k < 10; k++) assert.equal(batch.y[k], ds.labels[batch.indices[k]!]);
  assert.throws(() => new DataLoader(ds, { batchSize: 0 }), /batchSize must be a positive integer/);
});

test('DataLoader position and seek: a pass continued from inside an epoch gives the batches (and augmentation) of an unbroken one', () => {
  const ds = toy(10);
  const opts = { batchSize: 3, shuffle: true, seed: 5, transform: gaussianNoise(0.5) };
  const batches = (l: DataLoader) => [...l].map((b) => [Array.from(b.indices), Array.from(b.x.toArray())]);
  const whole = new DataLoader(ds, opts);
  batches(whole);
  const unbroken = batches(whole);
  const first = new DataLoader(ds, opts);
  batches(first);
  let saved = first.position();
  assert.deepEqual([saved.epoch, saved.batch, saved.augmentation], [1, 0, null]);
  for (const _ of first) {
    saved = first.position();
    if (saved.batch === 2) break;
  }
  assert.deepEqual(first.position(), { ...saved, batch: 0, augmentation: null }, 'a pass left early starts its epoch again');
  const later = new DataLoader(ds, opts);
  later.seek(JSON.parse(JSON.stringify(saved)));
  assert.deepEqual(batches(later), unbroken.slice(2));
  assert.equal(later.epoch, 2);
  assert.throws(() => new DataLoader(ds, { ...opts, seed: 6 }).seek(saved, 'resume x'), /resume x: the position is inside an epoch of another loader \(seed 5, now 6\)/);
  assert.throws(() => later.seek({ ...saved, batch: 4 }), /batch 4 is not within an epoch of 4 batches/);
});

test('transforms: normalize, crop with padding, flip, noise', () => {
  const rng = new Rng(1);
  const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  normalize([1, 5], [1, 2])(x, [2, 2, 2], rng);
  assert.deepEqual(Array.from(x), [0, 1, 2, 3, 0, 0.5, 1, 1.5]);
  const img = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const flipped = img.slice();
  randomHorizontalFlip(1)(flipped, [1, 3, 3], rng);
  assert.deepEqual(Array.from(flipped), [3, 2, 1, 6, 5, 4, 9, 8, 7]);
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const c = img.slice();
    randomCrop({ padding: 1 })(c, [1, 3, 3], rng);
    seen.add(Array.from(c).join(','));
    assert.ok(c.every((v) => v === 0 || img.includes(v)));
  }
  assert.ok(seen.size >= 5, `crop offsets seen: ${seen.size}`);
  assert.ok(seen.has('0,0,0,0,1,2,0,4,5'), 'shift down-right pads with zeros');
  const n = new Float32Array(20000);
  gaussianNoise(0.5)(n, [1, 20000], rng);
  const std = Math.sqrt(n.reduce((s, v) => s + v * v, 0) / n.length);
  assert.ok(Math.abs(std - 0.5) < 0.02, `noise std ${std}`);
  assert.throws(() => randomCrop({ padding: 1 })(new Float32Array(4), [4], rng), /randomCrop: needs image samples \[C, H, W\], got \[4\]/);
});

test('randomSplit is stratified and seeded; balancedSubset; channelStats', () => {
  const ds = toy(20);
  const [tr, va] = randomSplit(ds, 0.2, { seed: 3 });
  assert.equal(tr.length, 16);
  assert.deepEqual(va.classCounts(), [2, 2]);
  assert.deepEqual(Array.from(randomSplit(ds, 0.2, { seed: 3 })[1].labels), Array.from(va.labels));
  assert.deepEqual(balancedSubset(ds, 3).classCounts(), [3, 3]);
  assert.throws(() => balancedSubset(ds, 11), /class 0 has only 10 samples, asked for 11/);
  const { mean } = channelStats(new ArrayDataset(Float32Array.from([0, 2, 4, 6]), [2, 1], Int32Array.from([0, 0]), 1));
  assert.deepEqual(mean, [2, 4]);
});
