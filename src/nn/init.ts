// Weight initialisation as torch.nn.init: each function fills a tensor in place from the global
// seeded generator (manualSeed makes it reproducible) and returns it. Not recorded by autograd.
import type { Tensor } from '../ops/tensor.js';
import { getGlobalRng } from '../tensor/rng.js';
import { shapeStr } from '../tensor/shape.js';

export type Nonlinearity = 'linear' | 'conv' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu';
export type FanMode = 'fanIn' | 'fanOut';

export interface KaimingOptions {
  /** Negative slope of the leaky ReLU that follows (used only with nonlinearity 'leakyRelu'). */
  a?: number;
  /** 'fanIn' keeps the forward pass's variance, 'fanOut' the backward pass's. */
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

/**
 * The recommended gain for a nonlinearity (PyTorch's calculate_gain): relu √2, tanh 5/3,
 * leakyRelu √(2 / (1 + slope²)) with slope `param` (default 0.01), selu 3/4, others 1.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu': return 3 / 4;
    default:
      throw new Error(`calculateGain: unknown nonlinearity '${String(nonlinearity)}' ` +
        `(expected linear, conv, sigmoid, tanh, relu, leakyRelu or selu)`);
  }
}

/**
 * [fanIn, fanOut] of a weight stored as PyTorch does: linear [out, in], conv [out, in/groups, ...k].
 * fanIn = in·∏k, fanOut = out·∏k.
 */
export function calculateFans(t: Tensor, op = 'init'): [number, number] {
  if (t.ndim < 2) {
    throw new Error(`${op}: fan in and fan out need a tensor with at least 2 dimensions, got ${shapeStr(t.shape)}`);
  }
  let receptive = 1;
  for (let i = 2; i < t.ndim; i++) receptive *= t.shape[i]!;
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

function fill(t: Tensor, sample: () => number): Tensor {
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = sample();
  return t;
}

/** U(a, b). @example init.uniform(layer.bias!, -0.1, 0.1) */
export function uniform(t: Tensor, a = 0, b = 1): Tensor {
  if (!(b >= a)) throw new Error(`init.uniform: need a <= b, got a = ${a}, b = ${b}`);
  const rng = getGlobalRng();
  return fill(t, () => a + (b - a) * rng.uniform());
}

/** N(mean, std²). */
export function normal(t: Tensor, mean = 0, std = 1): Tensor {
  if (!(std >= 0)) throw new Error(`init.normal: std must be non-negative, got ${std}`);
  const rng = getGlobalRng();
  return fill(t, () => mean + std * rng.normal());
}

export function constant(t: Tensor, value: number): Tensor {
  t.data.fill(value);
  return t;
}

export const zeros = (t: Tensor): Tensor => constant(t, 0);
export const ones = (t: Tensor): Tensor => constant(t, 1);

function kaimingStd(t: Tensor, op: string, { a = 0, mode = 'fanIn', nonlinearity = 'leakyRelu' }: KaimingOptions): number {
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new Error(`${op}: mode must be 'fanIn' or 'fanOut', got '${String(mode)}'`);
  const [fanIn, fanOut] = calculateFans(t, op);
  const fan = mode === 'fanIn' ? fanIn : fanOut;
  if (fan === 0) throw new Error(`${op}: cannot initialise a tensor with zero elements, shape ${shapeStr(t.shape)}`);
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

/**
 * He initialisation, uniform: U(±gain·√(3/fan)). PyTorch's Conv and Linear layers use it with
 * a = √5, which gives U(±1/√fanIn).
 * @example init.kaimingUniform(conv.weight, { mode: 'fanOut', nonlinearity: 'relu' })
 */
export function kaimingUniform(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, 'init.kaimingUniform', opts);
  return uniform(t, -bound, bound);
}

/** He initialisation, normal: N(0, (gain/√fan)²); torchvision's ResNets use mode 'fanOut', 'relu'. */
export function kaimingNormal(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return normal(t, 0, kaimingStd(t, 'init.kaimingNormal', opts));
}

/** Glorot initialisation, uniform: U(±gain·√(6/(fanIn + fanOut))). */
export function xavierUniform(t: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = calculateFans(t, 'init.xavierUniform');
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -bound, bound);
}

/** Glorot initialisation, normal: N(0, gain²·2/(fanIn + fanOut)). */
export function xavierNormal(t: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = calculateFans(t, 'init.xavierNormal');
  return normal(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}
