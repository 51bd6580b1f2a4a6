// Panel 5: the current model on one image: class probabilities (softmax of the logits), the
// feature maps of every convolution layer for that input, and the first layer's learned filters.
// The model runs on its device (device.ts); values from a GPU are read back asynchronously.
import { F, FASHION_MNIST_CLASSES, nn, type Device, type Tensor } from '../../../src/index.js';
import { imageToTensor, resizeImage, toGray, type RawImage } from '../../../src/image/pixels.js';
import type { Rgba } from './filter.js';
import { modelDevice } from './device.js';
import { currentOnDevice, inEvalMode } from './model-state.js';

/** One channel of a map, scaled so its own minimum is black and maximum white. */
export interface Gray { width: number; height: number; pixels: Uint8ClampedArray }

export interface FeatureMaps { layer: string; shape: number[]; maps: Gray[] }

export interface Prediction {
  probabilities: number[];
  classNames: string[];
  /** The 28×28 input the model saw. */
  input: Gray;
  featureMaps: FeatureMaps[];
  architecture: string;
  trained: boolean;
  /** Where the model ran. */
  device: Device;
}

function toGrayMaps(values: Float32Array, channels: number, h: number, w: number): Gray[] {
  return Array.from({ length: channels }, (_, c) => {
    const v = values.subarray(c * h * w, (c + 1) * h * w);
    let [lo, hi] = [Infinity, -Infinity];
    for (const x of v) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
    const span = hi - lo || 1;
    return { width: w, height: h, pixels: Uint8ClampedArray.from(v, (x) => ((x - lo) / span) * 255) };
  });
}

/** Calls forward once, keeping the output of every Conv2d (by state-dict name) on the way. */
function forwardWithMaps(model: nn.Module, x: Tensor): { logits: Tensor; maps: [string, Tensor][] } {
  const maps: [string, Tensor][] = [];
  const convs = model.namedModules().filter((e): e is [string, nn.Conv2d] => e[1] instanceof nn.Conv2d);
  for (const [name, m] of convs) {
    const original = m.forward;
    m.forward = (input: Tensor) => {
      const y = original.call(m, input);
      maps.push([name, y]);
      return y;
    };
  }
  try {
    return { logits: model.forward(x), maps };
  } finally {
    for (const [, m] of convs) delete (m as { forward?: unknown }).forward;
  }
}

export async function predict({ image, invert }: { image: Rgba; invert: boolean }): Promise<Prediction> {
  if (image.width < 1 || image.height < 1) throw new Error('the image is empty');
  const raw: RawImage = { width: image.width, height: image.height, channels: 4, pixels: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength) };
  const small = resizeImage(toGray(raw), 28, 28);
  if (invert) small.pixels.forEach((v, i) => { small.pixels[i] = 255 - v; });
  const { model, architecture, trained } = await currentOnDevice();
  const device = await modelDevice();
  const x = imageToTensor(small, { scale: 1 / 255 }).to(device);
  const { logits, maps } = inEvalMode(model, () => forwardWithMaps(model, x));
  const featureMaps: FeatureMaps[] = [];
  for (const [layer, y] of maps) {
    const [, c, h, w] = y.shape as [number, number, number, number];
    featureMaps.push({ layer, shape: [c, h, w], maps: toGrayMaps(await y.toArrayAsync(), c, h, w) });
  }
  return {
    probabilities: Array.from(await F.softmax(logits, 1).toArrayAsync()),
    classNames: [...FASHION_MNIST_CLASSES],
    input: { width: 28, height: 28, pixels: new Uint8ClampedArray(small.pixels) },
    featureMaps,
    architecture, trained, device,
  };
}

/** The first convolution's kernels (input channel 0), each scaled to its own range. */
export async function firstFilters(): Promise<{ layer: string; shape: number[]; filters: Gray[] }> {
  const first = (await currentOnDevice()).model.namedModules().find((e): e is [string, nn.Conv2d] => e[1] instanceof nn.Conv2d);
  if (!first) throw new Error('this model has no convolution layer');
  const [name, conv] = first;
  const [outC, inC, kh, kw] = conv.weight.shape as [number, number, number, number];
  const w = await conv.weight.toArrayAsync();
  const channel0 = new Float32Array(outC * kh * kw);
  for (let o = 0; o < outC; o++) channel0.set(w.subarray(o * inC * kh * kw, o * inC * kh * kw + kh * kw), o * kh * kw);
  return { layer: `${name}.weight`, shape: [outC, inC, kh, kw], filters: toGrayMaps(channel0, outC, kh, kw) };
}
