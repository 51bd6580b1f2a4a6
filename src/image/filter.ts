// Applying a 2D kernel to every channel of an image through the engine's own ops: F.pad for the
// border (zero, replicate or reflect), then a depthwise F.conv2d (groups = channels) so each
// channel is filtered on its own, exactly as a CNN's first layer would see it.
import { noGrad } from '../autograd/grad-mode.js';
import type { PadMode } from '../kernels/kernels.js';
import { tensor } from '../ops/creation.js';
import * as F from '../ops/functional.js';
import type { Tensor } from '../ops/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { imageToTensor, tensorToImage, type RawImage } from './pixels.js';
import type { Kernel2d } from './kernels.js';

export type BorderMode = 'zero' | 'replicate' | 'reflect';

export interface FilterOptions {
  /** Pixels added on each side: a number, [vertical, horizontal], or 'same' (default: output size = input size at stride 1). */
  padding?: number | [number, number] | 'same';
  /** What the added border holds (default 'zero'). */
  border?: BorderMode;
  /** Step between kernel positions (default 1). */
  stride?: number;
}

/** [top, bottom, left, right] pixels of padding for a kernel of kh×kw. */
export function filterPadding(kh: number, kw: number, padding: FilterOptions['padding'] = 'same'): [number, number, number, number] {
  if (padding === 'same') {
    // PyTorch's 'same': when the total is odd the extra pixel goes at the end.
    return [Math.floor((kh - 1) / 2), Math.ceil((kh - 1) / 2), Math.floor((kw - 1) / 2), Math.ceil((kw - 1) / 2)];
  }
  const [ph, pw] = typeof padding === 'number' ? [padding, padding] : padding;
  for (const p of [ph, pw]) {
    if (!Number.isInteger(p) || p < 0) throw new Error(`filter: padding must be a non-negative integer or 'same', got ${p}`);
  }
  return [ph, ph, pw, pw];
}

/**
 * Filters every channel of x: [N, C, H, W] with one 2D kernel (cross-correlation, as conv2d).
 * @example filterTensor(x, IMAGE_KERNELS['sobel-x'].kernel, { border: 'replicate' })
 */
export function filterTensor(x: Tensor, kernel: Kernel2d, opts: FilterOptions = {}): Tensor {
  if (x.ndim !== 4) throw new Error(`filter: expected an image tensor [N, C, H, W], got ${shapeStr(x.shape)}`);
  const kh = kernel.length;
  const kw = kernel[0]!.length;
  const channels = x.shape[1]!;
  const [top, bottom, left, right] = filterPadding(kh, kw, opts.padding);
  const mode: PadMode = opts.border === 'reflect' ? 'reflect' : opts.border === 'replicate' ? 'replicate' : 'constant';
  const flat = kernel.flat();
  // weight: (C, 1, kh, kw) — the same kernel for every channel, groups = C keeps them apart.
  const w = new Float32Array(channels * kh * kw);
  for (let c = 0; c < channels; c++) w.set(flat, c * kh * kw);
  // F.pad checks the border (reflect needs a larger image) and F.conv2d the stride, once each.
  return noGrad(() => {
    const padded = top + bottom + left + right > 0 ? F.pad(x, [left, right, top, bottom], { mode }) : x;
    return F.conv2d(padded, tensor(w, [channels, 1, kh, kw]), null, { stride: opts.stride ?? 1, groups: channels });
  });
}

/**
 * Filters an 8-bit image: colour (or gray) channels through the kernel, output clamped to 0..255;
 * an alpha channel is carried over (sampled at each window's centre), not filtered.
 * @example writePng('edges.png', filterImage(readImage('cat.jpg'), IMAGE_KERNELS.edge.kernel))
 */
export function filterImage(img: RawImage, kernel: Kernel2d, opts: FilterOptions = {}): RawImage {
  const hasAlpha = img.channels === 2 || img.channels === 4;
  const colour = hasAlpha ? dropAlpha(img) : img;
  const out = tensorToImage(filterTensor(imageToTensor(colour), kernel, opts));
  if (!hasAlpha) return out;
  const stride = opts.stride ?? 1;
  const [top, , left] = filterPadding(kernel.length, kernel[0]!.length, opts.padding);
  const cy = Math.floor((kernel.length - 1) / 2) - top;
  const cx = Math.floor((kernel[0]!.length - 1) / 2) - left;
  const c = out.channels + 1;
  const pixels = new Uint8Array(out.width * out.height * c);
  for (let y = 0; y < out.height; y++) {
    const sy = Math.min(Math.max(y * stride + cy, 0), img.height - 1);
    for (let x = 0; x < out.width; x++) {
      const sx = Math.min(Math.max(x * stride + cx, 0), img.width - 1);
      const o = (y * out.width + x) * c;
      for (let k = 0; k < c - 1; k++) pixels[o + k] = out.pixels[(y * out.width + x) * (c - 1) + k]!;
      pixels[o + c - 1] = img.pixels[(sy * img.width + sx) * img.channels + img.channels - 1]!;
    }
  }
  return { width: out.width, height: out.height, channels: c as RawImage['channels'], pixels };
}

function dropAlpha(img: RawImage): RawImage {
  const c = img.channels - 1;
  const n = img.width * img.height;
  const pixels = new Uint8Array(n * c);
  for (let i = 0; i < n; i++) for (let k = 0; k < c; k++) pixels[i * c + k] = img.pixels[i * img.channels + k]!;
  return { width: img.width, height: img.height, channels: c as RawImage['channels'], pixels };
}
