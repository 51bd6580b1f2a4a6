// Creating tensors: from data, constants, and seeded random numbers.
import { activeBackend, backendFor, type Device } from '../kernels/backend.js';
import { getGlobalRng, Rng } from '../tensor/rng.js';
import { checkShape, shapeStr, sizeOf } from '../tensor/shape.js';
import { fillingConstant } from './kernel-record.js';
import { Tensor } from './tensor.js';

export interface TensorOptions {
  requiresGrad?: boolean;
  /** Where the tensor lives: 'cpu' (default) or 'webgpu' (after `await initWebGPU()`). */
  device?: Device;
}

// Values are made on the host: in place in CPU storage, or in a host array that is then
// uploaded to the device.
function filled(shape: readonly number[], op: string, fill: (out: Float32Array) => void, opts?: TensorOptions): Tensor {
  checkShape(shape, op);
  const device = opts?.device ?? 'cpu';
  const requiresGrad = opts?.requiresGrad ?? false;
  if (device === 'cpu') {
    const t = new Tensor(activeBackend().alloc(sizeOf(shape)), shape, requiresGrad);
    fillingConstant(() => fill(t.data));
    return t;
  }
  const values = new Float32Array(sizeOf(shape));
  fill(values);
  return onDevice(shape, device, values, requiresGrad);
}

function onDevice(shape: readonly number[], device: Device, values: Float32Array, requiresGrad: boolean): Tensor {
  const backend = backendFor(device);
  const t = new Tensor(backend.allocUninitialized(values.length), shape, requiresGrad);
  backend.write(t.storage, values);
  return t;
}

/** A copy of t (whose values are `values`) on `device`, as a leaf keeping requiresGrad. */
export function toDevice(t: Tensor, device: Device, values: Float32Array): Tensor {
  return onDevice(t.shape, device, values, t.requiresGrad);
}

/**
 * A tensor from numbers, row-major.
 * @example const x = tensor([1, 2, 3, 4], [2, 2], { requiresGrad: true });
 */
export function tensor(data: ArrayLike<number>, shape: readonly number[], opts?: TensorOptions): Tensor {
  checkShape(shape, 'tensor');
  if (data.length !== sizeOf(shape)) {
    throw new Error(`tensor: ${data.length} values do not fill shape ${shapeStr(shape)} (${sizeOf(shape)} elements)`);
  }
  return filled(shape, 'tensor', (out) => out.set(data), opts);
}

export function full(shape: readonly number[], value: number, opts?: TensorOptions): Tensor {
  return filled(shape, 'full', (out) => out.fill(value), opts);
}

export const zeros = (shape: readonly number[], opts?: TensorOptions): Tensor => full(shape, 0, opts);
export const ones = (shape: readonly number[], opts?: TensorOptions): Tensor => full(shape, 1, opts);

export interface RandomOptions extends TensorOptions {
  /** Uses a private generator with this seed instead of the global one. */
  seed?: number;
}

function generator(opts?: RandomOptions): Rng {
  return opts?.seed === undefined ? getGlobalRng() : new Rng(opts.seed);
}

/** Standard normal samples. */
export function randn(shape: readonly number[], opts?: RandomOptions): Tensor {
  const rng = generator(opts);
  return filled(shape, 'randn', (out) => { for (let i = 0; i < out.length; i++) out[i] = rng.normal(); }, opts);
}

/** Uniform samples in [0, 1). */
export function rand(shape: readonly number[], opts?: RandomOptions): Tensor {
  const rng = generator(opts);
  return filled(shape, 'rand', (out) => { for (let i = 0; i < out.length; i++) out[i] = rng.uniform(); }, opts);
}

/** A 0-dimensional tensor holding one number. */
export function scalarTensor(value: number, device: Device = 'cpu'): Tensor {
  return full([], value, { device });
}
