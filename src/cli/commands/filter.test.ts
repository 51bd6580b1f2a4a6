import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodePng, readImage } from '../../image/codec.js';
import { runStriate } from '../run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'striate-filter-cli-'));
const input = join(dir, 'in.png');
writeFileSync(input, encodePng({ width: 3, height: 3, channels: 1, pixels: Uint8Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90]) }));

test('striate filter: the ridge detector on a 3×3 gray PNG gives the hand-worked values', async () => {
  const out = join(dir, 'ridge.png');
  const r = await runStriate(['filter', input, out, '--kernel', 'ridge']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /in\.png \(3×3, 1 channel\) → .*ridge\.png \(3×3\), kernel ridge 3×3, border zero, padding same, stride 1/);
  assert.deepEqual(Array.from(readImage(out).pixels), [0, 0, 40, 30, 0, 70, 160, 110, 220]);
  const strided = join(dir, 'strided.png');
  assert.equal((await runStriate(['filter', input, strided, '-k', 'ridge', '--stride', '2', '--border', 'reflect'])).code, 0);
  const s = readImage(strided);
  assert.deepEqual([s.width, s.height], [2, 2]);
  assert.equal(s.pixels[3], 80); // 4·90 − 60 − 80 − 60 − 80 with the border reflected
});

test('striate filter: custom kernel from CSV, and --list', async () => {
  const csv = join(dir, 'k.csv');
  writeFileSync(csv, '0,0,0\n0,2,0\n0,0,0\n');
  const out = join(dir, 'double.png');
  const r = await runStriate(['filter', input, out, '--kernel-file', csv]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(Array.from(readImage(out).pixels), [20, 40, 60, 80, 100, 120, 140, 160, 180]);
  const list = await runStriate(['filter', '--list']);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /gaussian-5: Gaussian blur 5×5/);
  assert.match(list.stdout, /sharpen: [^\n]*\n {2}\[ {2}0 -1 {2}0 \]\n {2}\[ -1 {2}5 -1 \]/);
});

test('striate filter: bad arguments exit 2, a missing file exits 1', async () => {
  const unknown = await runStriate(['filter', input, join(dir, 'x.png'), '--kernel', 'emboss']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown kernel "emboss"; named kernels: identity, ridge, edge/);
  const border = await runStriate(['filter', input, join(dir, 'x.png'), '-k', 'edge', '--border', 'wrap']);
  assert.equal(border.code, 2);
  assert.match(border.stderr, /expected one of zero, replicate, reflect, got "wrap"/);
  const missing = await runStriate(['filter', join(dir, 'nope.jpg'), join(dir, 'x.png'), '-k', 'edge']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /input image not found: .*nope\.jpg/);
});
