// Image files in and out: PNG (pngjs) and JPEG (jpeg-js) decoded to 8-bit interleaved pixels
// (pixels.ts converts those to and from tensors). Pure JavaScript codecs, so no native build step.
import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG, type ColorType } from 'pngjs';
import { FormatError } from '../tensor/errors.js';
import { checkLimit, getLimits } from '../tensor/limits.js';
import { checkRaw, type RawImage } from './pixels.js';

export { toGray, toRgb, imageToTensor, tensorToImage, resizeImage, type RawImage } from './pixels.js';

export type ImageFormat = 'png' | 'jpeg';

/** The format a file's bytes hold, from their signature; null when neither PNG nor JPEG. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/** Width and height from a JPEG's frame header (SOFn), walking the marker segments; null if none is found. */
function jpegFrameSize(bytes: Uint8Array): { width: number; height: number } | null {
  let i = 2;
  while (i + 9 <= bytes.length && bytes[i] === 0xff) {
    const marker = bytes[i + 1]!;
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (bytes[i + 5]! << 8) | bytes[i + 6]!, width: (bytes[i + 7]! << 8) | bytes[i + 8]! };
    }
    i += 2 + ((bytes[i + 2]! << 8) | bytes[i + 3]!);
  }
  return null;
}

/**
 * Decodes PNG or JPEG bytes. PNGs keep their channel count (gray, gray+alpha, RGB, RGBA); JPEGs
 * come out RGB. `name` only labels error messages.
 * @example const img = decodeImage(readFileSync('cat.png')); // { width, height, channels, pixels }
 */
export function decodeImage(bytes: Uint8Array, name = 'image'): RawImage {
  const format = sniffFormat(bytes);
  if (format === 'png') {
    // The size from the IHDR chunk (always first: length, "IHDR", width, height), checked before
    // pngjs allocates width × height × 4 bytes.
    if (bytes.length >= 24) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const w = view.getUint32(16);
      const h = view.getUint32(20);
      checkLimit('maxPixels', w * h, `decodeImage: ${name} is a PNG of ${w}×${h} pixels`);
    }
    let png;
    try {
      png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (e) {
      throw new FormatError(name, `decodeImage: ${name} is not a valid PNG (${(e as Error).message})`);
    }
    const channels = ((png.color ? 3 : 1) + (png.alpha ? 1 : 0)) as RawImage['channels'];
    const n = png.width * png.height;
    const pixels = new Uint8Array(n * channels);
    // pngjs always expands to RGBA; keep only the channels the file really has.
    const pick = channels === 1 ? [0] : channels === 2 ? [0, 3] : channels === 3 ? [0, 1, 2] : [0, 1, 2, 3];
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < channels; c++) pixels[i * channels + c] = png.data[i * 4 + pick[c]!]!;
    }
    return { width: png.width, height: png.height, channels, pixels };
  }
  if (format === 'jpeg') {
    const size = jpegFrameSize(bytes);
    if (size) {
      checkLimit('maxPixels', size.width * size.height, `decodeImage: ${name} is a JPEG of ${size.width}×${size.height} pixels`);
      // Huffman-coded JPEG spends at least one bit per 8×8 block on the DC term alone, so a file
      // far smaller than that is truncated: refuse it rather than decode megapixels of nothing.
      const minBytes = Math.floor((size.width * size.height) / 1024);
      if (bytes.length < minBytes) {
        throw new FormatError(name, `decodeImage: ${name} is ${bytes.length} bytes, too small for a JPEG of ${size.width}×${size.height} pixels (at least ${minBytes}); truncated?`);
      }
    }
    const maxPixels = getLimits().maxPixels;
    try {
      // jpeg-js's own checks as a second guard (RGB out: 3 bytes a pixel, plus its working buffers).
      const img = jpeg.decode(bytes, {
        useTArray: true, formatAsRGBA: false, maxResolutionInMP: maxPixels / 1e6,
        maxMemoryUsageInMB: Math.max(64, Math.ceil((maxPixels * 8) / 2 ** 20)),
      });
      return { width: img.width, height: img.height, channels: 3, pixels: img.data };
    } catch (e) {
      throw new FormatError(name, `decodeImage: ${name} is not a valid JPEG (${(e as Error).message})`);
    }
  }
  throw new FormatError(name, `decodeImage: ${name} is neither a PNG nor a JPEG (its first bytes do not match either signature)`);
}

/** Encodes to PNG bytes, keeping the image's channel layout. */
export function encodePng(img: RawImage): Uint8Array {
  checkRaw(img, 'encodePng');
  const n = img.width * img.height;
  const png = new PNG({ width: img.width, height: img.height });
  const rgba = png.data;
  for (let i = 0; i < n; i++) {
    const p = img.pixels.subarray(i * img.channels, (i + 1) * img.channels);
    const gray = img.channels <= 2;
    rgba[i * 4] = p[0]!;
    rgba[i * 4 + 1] = gray ? p[0]! : p[1]!;
    rgba[i * 4 + 2] = gray ? p[0]! : p[2]!;
    rgba[i * 4 + 3] = img.channels === 2 ? p[1]! : img.channels === 4 ? p[3]! : 255;
  }
  const colorType: ColorType = img.channels === 1 ? 0 : img.channels === 2 ? 4 : img.channels === 3 ? 2 : 6;
  return PNG.sync.write(png, { colorType });
}

/** Reads a PNG or JPEG file; errors name the path. */
export function readImage(path: string): RawImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `readImage: no such file: ${path}` : `readImage: cannot read ${path} (${code ?? (e as Error).message})`);
  }
  return decodeImage(bytes, path);
}

/** Writes a PNG file (the extension must be .png). */
export function writePng(path: string, img: RawImage): void {
  if (extname(path).toLowerCase() !== '.png') {
    throw new Error(`writePng: output ${path} must end in .png (striate writes PNG only)`);
  }
  writeFileSync(path, encodePng(img));
}
