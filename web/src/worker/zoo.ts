// Panel 6: the zoo's models summarised by the library's summary() (layers, output shapes,
// parameters, multiply-adds), and the lecture's self-study questions answered by the engine.
import { sizeFormula } from '../../../src/cli/explain-conv.js';
import { ZOO } from '../../../src/models/zoo.js';
import { convOutputSize } from '../../../src/ops/conv-geometry.js';
import { models, nn, summary, type LayerSummary } from '../../../src/index.js';

/** The lecture's architectures, in its order. */
export const ZOO_SHOWN = ['lenet5', 'alexnet', 'resnet18', 'resnet20', 'signalCnn', 'volumeCnn', 'hyperspectralCnn', 'fcn'] as const;

export interface ZooSummary {
  name: string;
  description: string;
  inputShape: number[];
  outputShape: number[];
  layers: Omit<LayerSummary, 'inputShape'>[];
  totalParams: number;
  totalMacs: number;
  error: string | null;
}

export function zooList(): { name: string; description: string }[] {
  return ZOO_SHOWN.map((name) => ({ name, description: ZOO[name]!.description }));
}

export function zooSummary(name: string): ZooSummary {
  const entry = ZOO[name];
  if (!entry || !(ZOO_SHOWN as readonly string[]).includes(name)) throw new Error(`unknown model "${name}"; this page shows ${ZOO_SHOWN.join(', ')}`);
  const inputShape = [1, entry.inChannels, ...entry.spatial];
  const s = summary(entry.build({ numClasses: entry.numClasses, inChannels: entry.inChannels }), inputShape, { print: false, depth: 2 });
  return {
    name, description: entry.description, inputShape, outputShape: s.outputShape,
    layers: s.layers.map(({ inputShape: _, ...l }) => l),
    totalParams: s.totalParams, totalMacs: s.totalMacs, error: s.error ? `${s.error.layer}: ${s.error.message}` : null,
  };
}

export interface SelfStudy {
  kernelParams: { weights: number; biases: number; shape: number[] };
  sizeKeeping: { k: number; p: number; formula: string }[];
  noDense: { layerTypes: string[]; hasLinear: boolean; outputs: { input: number[]; output: number[] }[] };
}

/** The lecture's self-study questions, each answered by building and running the thing asked about. */
export function selfStudy(): SelfStudy {
  // A [3, 3, 2] kernel: 3×3 taps over 2 input channels, one output channel.
  const conv = new nn.Conv2d(2, 1, 3);
  const q = 28;
  const sizeKeeping = [1, 3, 5, 7].map((k) => {
    let p = 0;
    while (convOutputSize([q], [k], { padding: p })[0] !== q) p++;
    return { k, p, formula: sizeFormula(q, k, p, 1, q) };
  });
  const fcn = models.fcn({ numClasses: 10, inChannels: 1 });
  const outputs = [[1, 1, 28, 28], [1, 1, 64, 48]].map((input) => ({ input, output: summary(fcn, input, { print: false }).outputShape }));
  const types = [...new Set(summary(fcn, [1, 1, 28, 28], { print: false }).layers.map((l) => l.type))];
  return {
    kernelParams: { weights: conv.weight.numel(), biases: conv.bias!.numel(), shape: [...conv.weight.shape] },
    sizeKeeping,
    noDense: { layerTypes: types, hasLinear: types.includes('Linear'), outputs },
  };
}
