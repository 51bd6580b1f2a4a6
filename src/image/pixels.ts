// 8-bit interleaved pixels and their conversion to and from NCHW tensors: no codec, no file
// access, so browsers (the playground's worker) use it without pulling in pngjs or node:fs.
import { tensor } from '../ops/creation.js';
import type { Tensor } from '../ops/tensor.js';
import { shapeStr } from '../tensor/shape.js';

/** 8-bit pixels, interleaved (row-major H, W, C); channels 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
export interface RawImage {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  pixels: Uint8Array;
}

/** Luma (ITU-R BT.601 weights), dropping alpha. */
export function toGray(img: RawImage): RawImage {
  if (img.channels === 1) return img;
  const n = img.width * img.height;
  const pixels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * img.channels;
    pixels[i] = img.channels === 2
      ? img.pixels[o]!
      : Math.round(0.299 * img.pixels[o]! + 0.587 * img.pixels[o + 1]! + 0.114 * img.pixels[o + 2]!);
  }
  return { width: img.width, height: img.height, channels: 1, pixels };
}

/** Gray replicated to RGB; alpha dropped. */
export function toRgb(img: RawImage): RawImage {
  if (img.channels === 3) return img;
  const n = img.width * img.height;
  const pixels = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) pixels[i * 3 + c] = img.pixels[i * img.channels + (img.channels <= 2 ? 0 : c)]!;
  }
  return { width: img.width, height: img.height, channels: 3, pixels };
}

/**
 * Pixels as a [1, C, H, W] tensor, each value `pixel · scale` (scale 1/255 gives 0..1).
 * @example const x = imageToTensor(readImage('digit.png'), { scale: 1 / 255 }); // [1, 1, 28, 28]
 */
export function imageToTensor(img: RawImage, opts: { scale?: number } = {}): Tensor {
  const scale = opts.scale ?? 1;
  const { width: w, height: h, channels: c } = img;
  const out = new Float32Array(c * h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) out[(k * h + y) * w + x] = img.pixels[(y * w + x) * c + k]! * scale;
    }
  }
  return tensor(out, [1, c, h, w]);
}

/**
 * A [1, C, H, W] or [C, H, W] tensor (C in 1..4) back to pixels: value / scale, rounded and
 * clamped to 0..255.
 */
export function tensorToImage(t: Tensor, opts: { scale?: number } = {}): RawImage {
  const shape = t.ndim === 4 && t.shape[0] === 1 ? t.shape.slice(1) : t.shape;
  if (shape.length !== 3 || shape[0]! < 1 || shape[0]! > 4) {
    throw new Error(`tensorToImage: expected a [1, C, H, W] or [C, H, W] tensor with C in 1..4, got ${shapeStr(t.shape)}`);
  }
  const [c, h, w] = shape as [number, number, number];
  const scale = opts.scale ?? 1;
  const src = t.toArray();
  const pixels = new Uint8Array(c * h * w);
  for (let k = 0; k < c; k++) {
    for (let i = 0; i < h * w; i++) {
      const v = Math.round(src[k * h * w + i]! / scale);
      pixels[i * c + k] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return { width: w, height: h, channels: c as RawImage['channels'], pixels };
}

/** Bilinear resize (align-corners off, like PyTorch's interpolate), for fitting a model's input. */
export function resizeImage(img: RawImage, width: number, height: number): RawImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`resizeImage: target size must be positive integers, got ${width}×${height}`);
  }
  if (width === img.width && height === img.height) return img;
  const c = img.channels;
  const pixels = new Uint8Array(width * height * c);
  const sx = img.width / width;
  const sy = img.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, img.width - 1);
      const wx = fx - x0;
      for (let k = 0; k < c; k++) {
        const at = (yy: number, xx: number): number => img.pixels[(yy * img.width + xx) * c + k]!;
        const v = (1 - wy) * ((1 - wx) * at(y0, x0) + wx * at(y0, x1)) + wy * ((1 - wx) * at(y1, x0) + wx * at(y1, x1));
        pixels[(y * width + x) * c + k] = Math.round(v);
      }
    }
  }
  return { width, height, channels: img.channels, pixels };
}

/** Throws unless the pixel buffer holds width × height × channels bytes; `op` labels the error. */
export function checkRaw(img: RawImage, op: string): void {
  if (img.pixels.length !== img.width * img.height * img.channels) {
    throw new Error(`${op}: ${img.width}×${img.height}×${img.channels} image needs ${img.width * img.height * img.channels} bytes, got ${img.pixels.length}`);
  }
}
