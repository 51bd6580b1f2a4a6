// Panel 2: the lecture's kernels on an image, through the library's filterImage (F.pad for the
// border, then a depthwise F.conv2d). Pixels travel as RGBA, the layout of a canvas.
import { filterImage, type BorderMode } from '../../../src/image/filter.js';
import { IMAGE_KERNELS, parseKernel } from '../../../src/image/kernels.js';
import type { RawImage } from '../../../src/image/pixels.js';

export interface Rgba { width: number; height: number; data: Uint8ClampedArray }

export function kernelList(): Record<string, { kernel: number[][]; description: string }> {
  return IMAGE_KERNELS;
}

export interface FilterArgs { image: Rgba; kernelText: string; border: BorderMode; stride: number }

/** The kernel parsed from the text box (errors name the entry), then applied to every colour channel. */
export function filter({ image, kernelText, border, stride }: FilterArgs): { image: Rgba; kernel: number[][] } {
  const kernel = parseKernel(kernelText, 'the kernel box', 'csv');
  if (kernel.length > 15 || kernel[0]!.length > 15) throw new Error(`kernel of ${kernel.length}×${kernel[0]!.length}: at most 15×15 here`);
  if (!Number.isInteger(stride) || stride < 1 || stride > 8) throw new Error(`stride must be an integer from 1 to 8, got ${stride}`);
  const raw: RawImage = { width: image.width, height: image.height, channels: 4, pixels: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength) };
  const out = filterImage(raw, kernel, { border, stride });
  return { image: { width: out.width, height: out.height, data: new Uint8ClampedArray(out.pixels.buffer, out.pixels.byteOffset, out.pixels.byteLength) }, kernel };
}
