// One image prepared as a model's input, the way `striate predict` (and training on image data)
// sees it: the model's channels, its size, pixels scaled to 0..1, the training padding added.
import * as F from '../ops/functional.js';
import type { Tensor } from '../ops/tensor.js';
import { imageToTensor, resizeImage, toGray, toRgb, type RawImage } from './pixels.js';

export interface ImageInputOptions {
  /** The model's input channels: 1 (gray) or 3 (RGB). */
  channels: 1 | 3;
  /** The model's input height and width, padding included. */
  height: number;
  width: number;
  /** Zero pixels on each side, as in training (e.g. 2 for 28×28 images given to a 32×32 model). */
  pad?: number;
  /** Dark-on-white pictures for a model trained on white-on-black (Fashion-MNIST). */
  invert?: boolean;
}

/**
 * An 8-bit image as a [1, C, H, W] input: converted to `channels`, resized (bilinear) to the
 * size inside the padding, scaled to 0..1, then zero-padded.
 * @example
 * const x = imageToInput(readImage('shirt.png'), { channels: 1, height: 28, width: 28 });
 * F.softmax(model.forward(x), 1);
 */
export function imageToInput(img: RawImage, opts: ImageInputOptions): Tensor {
  const pad = opts.pad ?? 0;
  const [h, w] = [opts.height - 2 * pad, opts.width - 2 * pad];
  if (!(Number.isInteger(h) && Number.isInteger(w) && h >= 1 && w >= 1)) {
    throw new Error(`imageToInput: ${opts.height}×${opts.width} with padding ${pad} on each side leaves no image (${h}×${w})`);
  }
  let x = resizeImage(opts.channels === 1 ? toGray(img) : toRgb(img), w, h);
  if (opts.invert) x = { ...x, pixels: x.pixels.map((v) => 255 - v) };
  const t = imageToTensor(x, { scale: 1 / 255 });
  return pad > 0 ? F.pad(t, [pad, pad, pad, pad]) : t;
}
