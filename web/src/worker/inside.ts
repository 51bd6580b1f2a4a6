// Panel 5: the current model on one image: class probabilities (softmax of the logits), the
// feature maps of every convolution layer for that input, and the first layer's learned filters.
import { F, FASHION_MNIST_CLASSES, nn, type Tensor } from '../../../src/index.js';
import { imageToTensor, resizeImage, toGray, type RawImage } from '../../../src/image/pixels.js';
import type { Rgba } from './filter.js';
import { current, inEvalMode } from './model-state.js';

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

/** Calls forward once, recording the output of every Conv2d (by state-dict name) on the way. */
function forwardWithMaps(model: nn.Module, x: Tensor): { logits: Tensor; maps: FeatureMaps[] } {
  const maps: FeatureMaps[] = [];
  const convs = model.namedModules().filter((e): e is [string, nn.Conv2d] => e[1] instanceof nn.Conv2d);
  for (const [name, m] of convs) {
    const original = m.forward;
    m.forward = (input: Tensor) => {
      const y = original.call(m, input);
      const [, c, h, w] = y.shape as [number, number, number, number];
      maps.push({ layer: name, shape: [c, h, w], maps: toGrayMaps(y.toArray(), c, h, w) });
      return y;
    };
  }
  try {
    return { logits: model.forward(x), maps };
  } finally {
    for (const [, m] of convs) delete (m as { forward?: unknown }).forward;
  }
}

export function predict({ image, invert }: { image: Rgba; invert: boolean }): Prediction {
  if (image.width < 1 || image.height < 1) throw new Error('the image is empty');
  const raw: RawImage = { width: image.width, height: image.height, channels: 4, pixels: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength) };
  const small = resizeImage(toGray(raw), 28, 28);
  if (invert) small.pixels.forEach((v, i) => { small.pixels[i] = 255 - v; });
  const { model, architecture, trained } = current();
  const { logits, maps } = inEvalMode(model, () => forwardWithMaps(model, imageToTensor(small, { scale: 1 / 255 })));
  return {
    probabilities: Array.from(F.softmax(logits, 1).toArray()),
    classNames: [...FASHION_MNIST_CLASSES],
    input: { width: 28, height: 28, pixels: new Uint8ClampedArray(small.pixels) },
    featureMaps: maps,
    architecture, trained,
  };
}

/** The first convolution's kernels (input channel 0), each scaled to its own range. */
export function firstFilters(): { layer: string; shape: number[]; filters: Gray[] } {
  const first = current().model.namedModules().find((e): e is [string, nn.Conv2d] => e[1] instanceof nn.Conv2d);
  if (!first) throw new Error('this model has no convolution layer');
  const [name, conv] = first;
  const [outC, inC, kh, kw] = conv.weight.shape as [number, number, number, number];
  const w = conv.weight.toArray();
  const channel0 = new Float32Array(outC * kh * kw);
  for (let o = 0; o < outC; o++) channel0.set(w.subarray(o * inC * kh * kw, o * inC * kh * kw + kh * kw), o * kh * kw);
  return { layer: `${name}.weight`, shape: [outC, inC, kh, kw], filters: toGrayMaps(channel0, outC, kh, kw) };
}

