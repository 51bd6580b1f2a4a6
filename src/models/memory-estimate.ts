// A rough memory estimate for one forward pass, made before running it at a huge size: a pass at
// a small probe input measures every layer's output elements, which grow in proportion to the
// input's elements for a convolutional network.
import type { Module } from '../nn/module.js';
import { sizeOf } from '../tensor/shape.js';
import { summary } from './summary.js';

/**
 * Estimated bytes of a forward pass at `inputShape`: float32 parameters plus the input and every
 * layer's output (containers counted too, so it errs high), measured at `probeShape` and scaled.
 * @example estimateForwardBytes(models.resnet18(), [64, 3, 224, 224], [1, 3, 224, 224]) // ≈ 4.3e9
 */
export function estimateForwardBytes(model: Module, inputShape: readonly number[], probeShape: readonly number[]): number {
  const s = summary(model, probeShape, { print: false });
  const activations = s.layers.reduce((a, l) => a + sizeOf(l.outputShape), sizeOf(probeShape));
  return 4 * (s.totalParams + activations * (sizeOf(inputShape) / sizeOf(probeShape)));
}
