// The Tensor: float32 storage on a device, a shape, and its place on the autograd tape.
// Methods are thin doors to the operations in this folder.
import { runBackward, type GradNode } from '../autograd/engine.js';
import { backendFor, type Device, type Storage } from '../kernels/backend.js';
import { isCpuStorage } from '../kernels/storage.js';
import { sameShape, shapeStr, sizeOf } from '../tensor/shape.js';
import { add, addInPlace, div, mul, neg, pow, sub, type Operand } from './elementwise.js';
import { matmul } from './matmul.js';
import { mean, sum } from './reduce.js';
import { clone, flatten, permute, reshape, squeeze, transpose, unsqueeze } from './shape-ops.js';
import { full, toDevice } from './creation.js';
import { checkHostAccess } from './kernel-record.js';

export interface BackwardOptions {
  retainGraph?: boolean;
}

// Gradients that backward made (memory only the engine could reach) and that no code outside the
// library has read since: clearing one (zeroGrad) frees its memory at once, where a gradient read
// through `.grad` may still be held and waits for the garbage collector. Without this every
// training step's gradients were garbage (W8: 1.2 MB a step, all taken from never-used memory,
// ~300 first touches of a page a step, and a forced full collection every ~100 steps).
const unread = new WeakSet<Tensor>();
let gradField: (t: Tensor) => Tensor | null;

/** A tensor's gradient, read by library code that does not keep it past the current step. */
export function gradOf(t: Tensor): Tensor | null {
  return gradField(t);
}

/** Sets `t.grad` to null, freeing the gradient's memory now if only backward's own code has seen it. */
export function clearGrad(t: Tensor): void {
  const g = gradField(t);
  if (g && unread.delete(g)) g.storage.release?.();
  t.grad = null;
}

export class Tensor {
  readonly shape: readonly number[];
  requiresGrad: boolean;
  #grad: Tensor | null = null;
  /** The operation that produced this tensor; null for leaves. */
  node: GradNode<Tensor> | null = null;

  private values: Storage;

  static {
    gradField = (t) => t.#grad;
  }

  /** Filled by backward for leaves that require grad; accumulates until zeroed. */
  get grad(): Tensor | null {
    const g = this.#grad;
    if (g) unread.delete(g);
    return g;
  }

  set grad(g: Tensor | null) {
    this.#grad = g;
  }

  constructor(storage: Storage, shape: readonly number[], requiresGrad = false) {
    this.values = storage;
    this.shape = Object.freeze(shape.slice());
    this.requiresGrad = requiresGrad;
  }

  /** The values; replaced only through replaceStorage (model.to, loadStateDict: in place, as PyTorch). */
  get storage(): Storage {
    return this.values;
  }

  /** 'cpu' (ref and wasm backends) or 'webgpu'. */
  get device(): Device {
    return this.storage.device;
  }

  /**
   * PyTorch's `_version`: the count of in-place writes to this tensor's storage (shared with the
   * views and detached copies of it). Optimiser steps, gradient accumulation, running statistics,
   * loadStateDict, moveTo and every `.data` access bump it.
   * @example const v = w.version; opt.step(); w.version > v // true
   */
  get version(): number {
    return this.values.version;
  }

  /** Records that the values were changed in place (by an op that wrote into this storage). */
  markWritten(): void {
    this.values.version++;
  }

  /**
   * Gives this tensor other storage, as an in-place write of its values: the version keeps
   * counting up (caches keyed by the old storage simply stop being asked).
   */
  replaceStorage(s: Storage): void {
    if (s !== this.values) s.version = Math.max(s.version, this.values.version + 1);
    else s.version++;
    this.values = s;
  }

  /**
   * The live storage view (not a copy) of a CPU tensor; valid until the next allocation. Writable,
   * so each access counts as a write (bumps `version`); read with toArray() to avoid that. A GPU
   * tensor has no synchronous view: read it with `await t.toArrayAsync()`.
   */
  get data(): Float32Array {
    const d = this.view('.data');
    this.markWritten();
    return d;
  }

  // The storage view, for reads inside this class (no version bump).
  private view(what: string): Float32Array {
    checkHostAccess(what);
    const s = this.storage;
    if (!isCpuStorage(s)) throw this.syncReadError(what, what === 'item()' ? 'await t.itemAsync()' : 'await t.toArrayAsync()');
    const d = s.data;
    return d.length === this.numel() ? d : d.subarray(0, this.numel());
  }

  get ndim(): number {
    return this.shape.length;
  }

  get isLeaf(): boolean {
    return this.node === null;
  }

  numel(): number {
    return sizeOf(this.shape);
  }

  /** A copy of the values, row-major (CPU tensors; on a GPU use `await t.toArrayAsync()`). */
  toArray(): Float32Array {
    return this.view('toArray()').slice();
  }

  /** The single value of a one-element tensor (CPU; on a GPU use `await t.itemAsync()`). */
  item(): number {
    this.checkOneElement('item');
    return this.view('item()')[0]!;
  }

  /**
   * A copy of the values on the host, from any device.
   * @example const values = await model.forward(x).toArrayAsync();
   */
  toArrayAsync(): Promise<Float32Array> {
    checkHostAccess('toArrayAsync()');
    return backendFor(this.device).read(this.storage, this.numel());
  }

  /** The single value of a one-element tensor, from any device. @example await loss.itemAsync() */
  async itemAsync(): Promise<number> {
    this.checkOneElement('itemAsync');
    return (await this.toArrayAsync())[0]!;
  }

  /**
   * This tensor on `device`: itself when already there, else a copy outside the graph (as a
   * leaf, keeping requiresGrad). Copying from a GPU to the CPU waits for the GPU, so it is
   * asynchronous: `await t.toAsync('cpu')`.
   * @example const xg = x.to('webgpu');
   */
  to(device: Device): Tensor {
    if (device === this.device) return this;
    if (device !== 'cpu') return toDevice(this, device, this.view('to()'));
    throw new Error(`to('cpu'): tensor ${shapeStr(this.shape)} is on '${this.device}'; reading a GPU is asynchronous: use await t.toAsync('cpu')`);
  }

  /** A copy on the CPU (this tensor when already there); from a GPU use `await t.toAsync('cpu')`. */
  cpu(): Tensor {
    return this.to('cpu');
  }

  /** This tensor on `device`, from any device. @example const y = await out.toAsync('cpu'); */
  async toAsync(device: Device): Promise<Tensor> {
    if (device === this.device) return this;
    return toDevice(this, device, await this.toArrayAsync());
  }

  /**
   * Moves this tensor's values (and its gradient) to `device` in place, keeping the object: what
   * model.to does to parameters and buffers. From a GPU to the CPU use moveToAsync.
   */
  moveTo(device: Device): void {
    this.replaceStorage(this.to(device).storage);
    if (this.grad) this.grad = this.grad.to(device);
  }

  /** moveTo from any device. */
  async moveToAsync(device: Device): Promise<void> {
    this.replaceStorage((await this.toAsync(device)).storage);
    if (this.grad) this.grad = await this.grad.toAsync(device);
  }

  private checkOneElement(op: string): void {
    if (this.numel() !== 1) throw new Error(`${op}: tensor of shape ${shapeStr(this.shape)} has ${this.numel()} elements, need 1`);
  }

  private syncReadError(what: string, instead: string): Error {
    return new Error(`${what}: tensor ${shapeStr(this.shape)} is on '${this.device}', which cannot be read synchronously; use ${instead}`);
  }

  /**
   * Backpropagates from this tensor, filling `.grad` of the leaves that require grad.
   * @example const loss = x.mul(x).sum(); loss.backward(); x.grad // 2x
   */
  backward(grad?: Tensor, opts: BackwardOptions = {}): void {
    if (!this.requiresGrad) {
      throw new Error('backward: this tensor does not require grad and has no grad function (is every input detached?)');
    }
    if (!grad && this.numel() !== 1) {
      throw new Error(`backward: a gradient can be created implicitly only for scalar outputs, got shape ${shapeStr(this.shape)}`);
    }
    if (grad && grad.numel() !== this.numel()) {
      throw new Error(`backward: gradient of shape ${shapeStr(grad.shape)} does not match tensor of shape ${shapeStr(this.shape)}`);
    }
    const seed = grad ? reshape(grad.detach(), this.shape) : full(this.shape, 1, { device: this.device });
    runBackward<Tensor>(this, seed, opts.retainGraph ?? false, {
      add,
      addInPlace: (a, b) => {
        if (!sameShape(a.shape, b.shape)) return false;
        addInPlace(a, b);
        return true;
      },
      accumulateLeaf: (leaf, g, owned) => {
        const gg = g.shape.length === leaf.shape.length ? g : reshape(g, leaf.shape);
        if (leaf.#grad) {
          addInPlace(leaf.#grad, gg);
          return false;
        }
        // A copy unless the engine owns it: the incoming gradient may share storage with a user's tensor.
        leaf.#grad = new Tensor(owned ? gg.storage : copyStorage(gg), leaf.shape);
        unread.add(leaf.#grad);
        return owned;
      },
      memoryOf: (g) => g.storage,
      release: (g) => g.storage.release?.(),
    });
  }

  /** A tensor sharing this one's data, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape);
  }

  add(other: Operand): Tensor { return add(this, other); }
  sub(other: Operand): Tensor { return sub(this, other); }
  mul(other: Operand): Tensor { return mul(this, other); }
  div(other: Operand): Tensor { return div(this, other); }
  pow(exponent: Operand): Tensor { return pow(this, exponent); }
  neg(): Tensor { return neg(this); }
  matmul(other: Tensor): Tensor { return matmul(this, other); }
  sum(dim?: number | number[], keepDim = false): Tensor { return sum(this, dim, keepDim); }
  mean(dim?: number | number[], keepDim = false): Tensor { return mean(this, dim, keepDim); }
  reshape(shape: readonly number[]): Tensor { return reshape(this, shape); }
  flatten(startDim = 0, endDim = -1): Tensor { return flatten(this, startDim, endDim); }
  transpose(d0: number, d1: number): Tensor { return transpose(this, d0, d1); }
  permute(...perm: number[]): Tensor { return permute(this, perm); }
  unsqueeze(dim: number): Tensor { return unsqueeze(this, dim); }
  squeeze(dim?: number): Tensor { return squeeze(this, dim); }

  toString(): string {
    if (!isCpuStorage(this.storage)) return `Tensor(shape=${shapeStr(this.shape)}, device='${this.device}')`;
    const n = this.numel();
    const shown = Array.from(this.view('toString()').subarray(0, Math.min(n, 8)), (v) => +v.toPrecision(5));
    return `Tensor(shape=${shapeStr(this.shape)}, [${shown.join(', ')}${n > 8 ? ', …' : ''}]` +
      `${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}

function copyStorage(t: Tensor): Storage {
  return clone(t).storage;
}
