import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import jpeg from 'jpeg-js';
import {
  decodeImage, encodePng, imageToTensor, readImage, resizeImage, sniffFormat, tensorToImage, toGray, toRgb, writePng,
  type RawImage,
} from './codec.js';
import { FormatError, LimitError } from '../tensor/errors.js';

const rgba: RawImage = {
  width: 3, height: 2, channels: 4,
  pixels: Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 255]),
};

test('PNG round trip keeps gray, gray+alpha, RGB and RGBA layouts', () => {
  const gray: RawImage = { width: 2, height: 2, channels: 1, pixels: Uint8Array.from([0, 64, 128, 255]) };
  const ga: RawImage = { width: 2, height: 1, channels: 2, pixels: Uint8Array.from([10, 200, 30, 0]) };
  const rgb = toRgb(gray);
  for (const img of [gray, ga, rgb, rgba]) {
    const bytes = encodePng(img);
    assert.equal(sniffFormat(bytes), 'png');
    const back = decodeImage(bytes);
    assert.equal(back.channels, img.channels);
    assert.deepEqual([back.width, back.height], [img.width, img.height]);
    assert.deepEqual(Array.from(back.pixels), Array.from(img.pixels));
  }
  assert.deepEqual(Array.from(rgb.pixels.subarray(0, 6)), [0, 0, 0, 64, 64, 64]);
});

test('JPEG decodes to RGB close to what was encoded', () => {
  const w = 16, h = 16;
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set([200, 100, 50, 255], i * 4);
  const bytes = jpeg.encode({ width: w, height: h, data }, 95).data;
  assert.equal(sniffFormat(bytes), 'jpeg');
  const img = decodeImage(bytes);
  assert.equal(img.channels, 3);
  assert.ok(Math.abs(img.pixels[0]! - 200) <= 3 && Math.abs(img.pixels[1]! - 100) <= 3 && Math.abs(img.pixels[2]! - 50) <= 3);
});

test('tensors: [1, C, H, W] with scale, clamped and rounded on the way back', () => {
  const x = imageToTensor(rgba, { scale: 1 / 255 });
  assert.deepEqual(x.shape, [1, 4, 2, 3]);
  assert.equal(x.data[0], 1); // R of pixel (0, 0)
  assert.ok(Math.abs(x.data[6 + 1]! - 1) < 1e-6); // G of pixel (0, 1)
  const back = tensorToImage(x, { scale: 1 / 255 });
  assert.deepEqual(Array.from(back.pixels), Array.from(rgba.pixels));
  const clamp = tensorToImage(imageToTensor({ width: 3, height: 1, channels: 1, pixels: Uint8Array.from([0, 1, 2]) }).mul(200).sub(100));
  assert.deepEqual(Array.from(clamp.pixels), [0, 100, 255]);
  assert.throws(() => tensorToImage(x.reshape([4, 6])), /tensorToImage: expected a \[1, C, H, W\]/);
});

test('gray conversion and bilinear resize', () => {
  assert.deepEqual(Array.from(toGray(rgba).pixels), [76, 150, 29, 18, 48, 78]);
  const img: RawImage = { width: 2, height: 2, channels: 1, pixels: Uint8Array.from([0, 100, 100, 200]) };
  const up = resizeImage(img, 4, 4);
  assert.deepEqual(Array.from(up.pixels.subarray(0, 4)), [0, 25, 75, 100]);
  const down = resizeImage(up, 2, 2);
  assert.equal(down.pixels.length, 4);
  assert.throws(() => resizeImage(img, 0, 3), /resizeImage: target size must be positive/);
});

test('files: errors name the path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'striate-codec-'));
  assert.throws(() => readImage(join(dir, 'missing.png')), /readImage: no such file: .*missing\.png/);
  writeFileSync(join(dir, 'text.png'), 'not an image');
  assert.throws(() => readImage(join(dir, 'text.png')), /text\.png is neither a PNG nor a JPEG/);
  assert.throws(() => writePng(join(dir, 'out.jpg'), rgba), /must end in \.png/);
  writePng(join(dir, 'ok.png'), rgba);
  assert.deepEqual(Array.from(readImage(join(dir, 'ok.png')).pixels), Array.from(rgba.pixels));
});

test('PNG and JPEG sizes are checked against maxPixels before decoding', () => {
  const png = encodePng({ width: 2, height: 2, channels: 1, pixels: new Uint8Array(4) });
  // 20000×20000 in the IHDR chunk: refused from the header, before pngjs allocates 1.6 GB.
  const big = Uint8Array.from(png);
  const v = new DataView(big.buffer);
  v.setUint32(16, 20000); v.setUint32(20, 20000);
  assert.throws(() => decodeImage(big, 'bomb.png'), (e: Error) => e instanceof LimitError &&
    /decodeImage: bomb\.png is a PNG of 20000×20000 pixels: 400,000,000 exceeds the limit maxPixels = 67,108,864; raise it with setLimits/.test(e.message));
  const jpg = Uint8Array.from(jpeg.encode({ width: 8, height: 8, data: new Uint8Array(8 * 8 * 4) }, 90).data);
  // The frame header (SOF0: FF C0, length, precision, height, width) patched to 30000×30000.
  let sof = 2;
  while (!(jpg[sof] === 0xff && jpg[sof + 1] === 0xc0)) sof += 2 + ((jpg[sof + 2]! << 8) | jpg[sof + 3]!);
  const bigJpg = jpg.slice();
  new DataView(bigJpg.buffer).setUint16(sof + 5, 30000);
  new DataView(bigJpg.buffer).setUint16(sof + 7, 30000);
  assert.throws(() => decodeImage(bigJpg, 'bomb.jpg'), (e: Error) => e instanceof LimitError && /bomb\.jpg is a JPEG of 30000×30000 pixels/.test(e.message));
  assert.equal(decodeImage(jpg, 'ok.jpg').width, 8);
  assert.throws(() => decodeImage(png.subarray(0, 30), 'cut.png'), FormatError);
});
