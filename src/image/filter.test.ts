import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterImage, IMAGE_KERNELS, type RawImage } from './index.js';

const gray = (rows: number[][]): RawImage => ({
  width: rows[0]!.length, height: rows.length, channels: 1, pixels: Uint8Array.from(rows.flat()),
});
const rows = (img: RawImage): number[][] =>
  Array.from({ length: img.height }, (_, y) => Array.from(img.pixels.subarray(y * img.width * img.channels, (y + 1) * img.width * img.channels)));
const k = (name: string): number[][] => IMAGE_KERNELS[name]!.kernel;
const img = gray([[10, 20, 30], [40, 50, 60], [70, 80, 90]]);

test('ridge detector with zero, replicate and reflect borders (values worked by hand, clamped at 0)', () => {
  assert.deepEqual(rows(filterImage(img, k('ridge'))), [[0, 0, 40], [30, 0, 70], [160, 110, 220]]);
  // Replicate: (2,2) sees 90 below and right: 4·90 − 60 − 80 − 90 − 90 = 40.
  assert.deepEqual(rows(filterImage(img, k('ridge'), { border: 'replicate' }))[2]![2], 40);
  // Reflect: (2,2) sees row 1 below and column 1 right: 4·90 − 60 − 80 − 60 − 80 = 80.
  assert.deepEqual(rows(filterImage(img, k('ridge'), { border: 'reflect' }))[2]![2], 80);
  assert.deepEqual(rows(filterImage(img, k('ridge'), { border: 'reflect' }))[1]![1], 0);
});

test('identity, box blur, Sobel, sharpen', () => {
  assert.deepEqual(rows(filterImage(img, k('identity'))), rows(img));
  const blur = rows(filterImage(img, k('box-blur')));
  assert.equal(blur[1]![1], 50);
  assert.equal(blur[0]![0], 13); // (10 + 20 + 40 + 50) / 9 = 13.3
  assert.equal(rows(filterImage(img, k('sobel-x')))[1]![1], 80); // (30−10) + 2·(60−40) + (90−70)
  assert.equal(rows(filterImage(img, k('sobel-y')))[1]![1], 240); // (70−10) + 2·(80−20) + (90−30)
  assert.equal(rows(filterImage(img, k('sharpen')))[1]![1], 50); // 5·50 − 200
  // A constant image stays constant under every normalised blur when the border replicates it.
  const flat = gray([[77, 77, 77, 77, 77], [77, 77, 77, 77, 77], [77, 77, 77, 77, 77]]);
  for (const name of ['box-blur', 'gaussian-3', 'gaussian-5']) {
    assert.ok(rows(filterImage(flat, k(name), { border: 'replicate' })).flat().every((v) => v === 77), name);
  }
});

test('stride and explicit padding set the output size', () => {
  assert.deepEqual(rows(filterImage(img, k('ridge'), { stride: 2 })), [[0, 40], [160, 220]]);
  const valid = filterImage(img, k('ridge'), { padding: 0 });
  assert.deepEqual([valid.width, valid.height], [1, 1]);
  const even = filterImage(img, [[1, 0], [0, 0]]); // 'same' with an even kernel: the extra pixel at the end
  assert.deepEqual(rows(even), rows(img));
  assert.throws(() => filterImage(img, k('gaussian-5'), { border: 'reflect', padding: 3 }), /pad: reflect padding \(3, 3\) of dim 2 must be smaller than that dim \(size 3\)/);
  assert.throws(() => filterImage(img, k('ridge'), { stride: 0 }), /conv2d: stride must be positive integers, got 0/);
});

test('colour channels are filtered separately; alpha is carried over', () => {
  const n = 9;
  const px = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) px.set([img.pixels[i]!, 255 - img.pixels[i]!, 0, i * 20], i * 4);
  const out = filterImage({ width: 3, height: 3, channels: 4, pixels: px }, k('ridge'));
  assert.equal(out.channels, 4);
  const chan = (c: number): number[] => Array.from({ length: n }, (_, i) => out.pixels[i * 4 + c]!);
  assert.deepEqual(chan(0), [0, 0, 40, 30, 0, 70, 160, 110, 220]);
  // G = 255 − R: the ridge of a constant is 4c − (number of in-image neighbours)·c at the border.
  assert.equal(chan(1)[4], 0);
  assert.equal(chan(1)[0], 255); // 4·245 − 235 − 215 = 530 → clamped
  assert.deepEqual(chan(2), new Array(n).fill(0));
  assert.deepEqual(chan(3), Array.from({ length: n }, (_, i) => i * 20));
});
