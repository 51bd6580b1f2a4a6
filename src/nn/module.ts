// The Module base class: a tree of layers whose parameters, buffers and state dict are found by
// walking it, with PyTorch's names and order.
import type { Device } from '../kernels/storage.js';
import { clone } from '../ops/shape-ops.js';
import { clearGrad, Tensor } from '../ops/tensor.js';
import { sameShape, shapeStr } from '../tensor/shape.js';
import { Parameter } from './parameter.js';

/** State-dict keys (`layer1.0.bn1.running_mean`) to tensors sharing the module's storage. */
export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** Throw on missing or unexpected keys (shape mismatches always throw). */
  strict?: boolean;
}

/** How to rebuild a model: a factory of `models` and its options (stored in model files). */
export interface ModelArchitecture {
  name: string;
  options: Record<string, unknown>;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

function checkName(owner: Module, name: string, kind: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new Error(`${owner.constructor.name}.register${kind}: name must be a non-empty string without '.', got '${name}'`);
  }
}

/**
 * Base class of every layer and model. Subclasses hold their submodules and parameters in
 * ordinary fields: a field holding a Module is a child, a field holding an nn.Parameter is a
 * parameter, both registered under the field's name in declaration (or assignment) order, which
 * is PyTorch's registration order. Plain tensors and plain arrays of modules are not registered
 * (as in PyTorch): wrap learnable tensors in nn.Parameter and lists of layers in nn.ModuleList or
 * nn.Sequential. Buffers (non-learned state such as running statistics) are plain tensors, so
 * they are registered explicitly with registerBuffer. Containers call children
 * through `child.forward(...)`, so wrapping an instance's `forward` (as summary() does) sees
 * every call.
 * @example
 * // A residual block, as a ResNet's BasicBlock is written:
 * class Block extends nn.Module {
 *   conv1: nn.Conv2d; bn1: nn.BatchNorm2d; relu = new nn.ReLU();
 *   conv2: nn.Conv2d; bn2: nn.BatchNorm2d; downsample: nn.Module | null;
 *   constructor(inC: number, outC: number, stride = 1) {
 *     super();
 *     this.conv1 = new nn.Conv2d(inC, outC, 3, { stride, padding: 1, bias: false });
 *     this.bn1 = new nn.BatchNorm2d(outC);
 *     this.conv2 = new nn.Conv2d(outC, outC, 3, { padding: 1, bias: false });
 *     this.bn2 = new nn.BatchNorm2d(outC);
 *     this.downsample = stride !== 1 || inC !== outC
 *       ? new nn.Sequential(new nn.Conv2d(inC, outC, 1, { stride, bias: false }), new nn.BatchNorm2d(outC))
 *       : null;
 *   }
 *   override forward(x: Tensor): Tensor {
 *     const out = this.bn2.forward(this.conv2.forward(this.relu.forward(this.bn1.forward(this.conv1.forward(x)))));
 *     const identity = this.downsample ? this.downsample.forward(x) : x;
 *     return this.relu.forward(out.add(identity));
 *   }
 * }
 * new Block(64, 128, 2).stateDict(); // keys conv1.weight, bn1.weight, …, downsample.1.running_mean
 */
export class Module {
  /** Set by train()/eval(); layers such as BatchNorm and Dropout read it. */
  training = true;
  /** Set by the zoo's factories (models.lenet5(...)); saveModel stores it, models.fromFile rebuilds from it. */
  declare architecture?: ModelArchitecture;
  // Buffers cannot be recognised by type (they are plain tensors), so they live in this map.
  private readonly bufferMap = new Map<string, { tensor: Tensor | null; persistent: boolean }>();

  /** The computation; every subclass overrides it. */
  forward(..._xs: Tensor[]): Tensor {
    throw new Error(`${this.constructor.name}.forward: not implemented (a Module subclass must override forward)`);
  }

  /** Registers a child under `name` (also reachable as this[name]); for names that cannot be fields, such as '0'. */
  registerModule(name: string, module: Module | null): void {
    checkName(this, name, 'Module');
    if (module !== null && !(module instanceof Module)) {
      throw new Error(`${this.constructor.name}.registerModule: '${name}' is not a Module`);
    }
    Object.defineProperty(this, name, { value: module, writable: true, enumerable: true, configurable: true });
  }

  /** Registers `tensor` (wrapped as an nn.Parameter if it is not one) under `name`; returns the Parameter. */
  registerParameter(name: string, tensor: Tensor | null): Parameter | null {
    checkName(this, name, 'Parameter');
    if (this.bufferMap.has(name)) throw new Error(`${this.constructor.name}.registerParameter: '${name}' is already a buffer`);
    const p = tensor === null || tensor instanceof Parameter ? tensor : new Parameter(tensor);
    Object.defineProperty(this, name, { value: p, writable: true, enumerable: true, configurable: true });
    return p;
  }

  /**
   * Registers non-learned state saved in the state dict (unless `persistent` is false).
   * @example this.registerBuffer('running_mean', zeros([c]));
   */
  registerBuffer(name: string, tensor: Tensor | null, { persistent = true }: { persistent?: boolean } = {}): void {
    checkName(this, name, 'Buffer');
    const existing = (this as Record<string, unknown>)[name];
    if (existing instanceof Parameter || existing instanceof Module) {
      throw new Error(`${this.constructor.name}.registerBuffer: '${name}' is already a parameter or submodule`);
    }
    this.bufferMap.set(name, { tensor, persistent });
  }

  /** The buffer registered under `name` (null if registered as null). */
  getBuffer(name: string): Tensor | null {
    const b = this.bufferMap.get(name);
    if (!b) throw new Error(`${this.constructor.name}.getBuffer: no buffer named '${name}' (have: ${[...this.bufferMap.keys()].join(', ') || 'none'})`);
    return b.tensor;
  }

  /** Direct submodules with their names, in registration order. */
  namedChildren(): [string, Module][] {
    return Object.entries(this).filter((e): e is [string, Module] => e[1] instanceof Module);
  }

  // Without the name pairs: Sequential's forward asks every call (Object.entries' pairs were 4%
  // of ResNet-18's JavaScript at batch 1 under node --cpu-prof).
  children(): Module[] {
    const out: Module[] = [];
    for (const v of Object.values(this)) if (v instanceof Module) out.push(v);
    return out;
  }

  /** This module and every descendant, pre-order, each once, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (name: string, m: Module): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [n, c] of m.namedChildren()) visit(name ? `${name}.${n}` : n, c);
    };
    visit(prefix, this);
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Parameters with their state-dict names, each tensor once, in PyTorch's order. */
  namedParameters(prefix = '', recurse = true): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Tensor>();
    const mods: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mName, m] of mods) {
      for (const [n, v] of Object.entries(m)) {
        if (!(v instanceof Parameter) || seen.has(v)) continue;
        seen.add(v);
        out.push([mName ? `${mName}.${n}` : n, v]);
      }
    }
    return out;
  }

  /** The learnable tensors, as an optimiser wants them. @example new optim.SGD(model.parameters(), { lr: 0.1 }) */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  namedBuffers(prefix = '', recurse = true): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    const mods: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mName, m] of mods) {
      for (const [n, { tensor }] of m.bufferMap) {
        if (!tensor || seen.has(tensor)) continue;
        seen.add(tensor);
        out.push([mName ? `${mName}.${n}` : n, tensor]);
      }
    }
    return out;
  }

  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  /**
   * Moves every parameter and buffer (with their gradients) to `device` in place, as PyTorch:
   * the tensors stay the same objects, so an optimiser made before still holds them. From a GPU
   * back to the CPU use `await model.toAsync('cpu')`.
   * @example await initWebGPU(); model.to('webgpu');
   */
  to(device: Device): this {
    for (const t of this.stateTensors()) t.moveTo(device);
    return this;
  }

  /** `to` from any device (reading a GPU back is asynchronous). @example await model.toAsync('cpu') */
  async toAsync(device: Device): Promise<this> {
    for (const t of this.stateTensors()) await t.moveToAsync(device);
    return this;
  }

  private stateTensors(): Tensor[] {
    return [...this.parameters(), ...this.buffers()];
  }

  /** Sets training mode here and in every descendant; returns this. */
  train(on = true): this {
    this.training = on;
    for (const c of this.children()) c.train(on);
    return this;
  }

  /** Evaluation mode (BatchNorm uses running statistics, Dropout passes through); returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradients of all parameters (PyTorch's default: set to null). */
  zeroGrad(): void {
    for (const p of this.parameters()) clearGrad(p);
  }

  /** Calls fn on every descendant, then on this module (PyTorch's order); returns this. */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  // PyTorch's state_dict recursion: a module's own parameters, then its persistent buffers, then
  // each child's entries. Unlike namedParameters it does not drop shared tensors.
  private collectState(prefix: string, out: Map<string, Tensor>, path: Set<Module>): void {
    if (path.has(this)) throw new Error(`stateDict: the module tree has a cycle at '${prefix}'`);
    path.add(this);
    for (const [n, v] of Object.entries(this)) if (v instanceof Parameter) out.set(prefix + n, v);
    for (const [n, b] of this.bufferMap) if (b.tensor && b.persistent) out.set(prefix + n, b.tensor);
    for (const [n, c] of this.namedChildren()) c.collectState(`${prefix}${n}.`, out, path);
    path.delete(this);
  }

  /**
   * Parameters and persistent buffers by PyTorch's key names. The tensors share storage with the
   * module (detached from autograd), so copy them if you keep them while training continues.
   * @example Object.keys(models.lenet5().stateDict()) // ['conv1.weight', 'conv1.bias', …]
   */
  stateDict(): StateDict {
    const entries = new Map<string, Tensor>();
    this.collectState('', entries, new Set());
    const sd: StateDict = {};
    for (const [k, t] of entries) sd[k] = t.detach();
    return sd;
  }

  /**
   * Copies the values of `sd` into this module's existing tensors (an optimiser holding them
   * keeps working). Checks everything before copying anything: a shape mismatch always throws,
   * and with `strict` (default) so do missing and unexpected keys, all named in one message.
   * @example model.loadStateDict(trained.stateDict());
   */
  loadStateDict(sd: StateDict, { strict = true }: LoadStateDictOptions = {}): LoadStateDictResult {
    const own = new Map<string, Tensor>();
    this.collectState('', own, new Set());
    const given = Object.entries(sd);
    const missingKeys = [...own.keys()].filter((k) => !Object.prototype.hasOwnProperty.call(sd, k));
    const unexpectedKeys = given.map(([k]) => k).filter((k) => !own.has(k));
    const problems: string[] = [];
    for (const [k, t] of given) {
      const target = own.get(k);
      if (!target) continue;
      if (!(t instanceof Tensor)) {
        problems.push(`value for '${k}' is not a Tensor`);
      } else if (!sameShape(t.shape, target.shape)) {
        problems.push(
          `size mismatch for '${k}': the state dict has shape ${shapeStr(t.shape)}, this model has ${shapeStr(target.shape)}`,
        );
      }
    }
    if (strict && missingKeys.length > 0) problems.unshift(`missing keys: ${missingKeys.join(', ')}`);
    if (strict && unexpectedKeys.length > 0) problems.unshift(`unexpected keys: ${unexpectedKeys.join(', ')}`);
    if (problems.length > 0) {
      throw new Error(`loadStateDict: cannot load into ${this.constructor.name}:\n  ${problems.join('\n  ')}`);
    }
    for (const [k, t] of given) {
      const target = own.get(k);
      // A copy on the target's device (the tensor object stays: optimisers keep holding it).
      if (target) target.replaceStorage((t.device === target.device ? clone(t) : t.to(target.device)).storage);
    }
    return { missingKeys, unexpectedKeys };
  }

  /** The layer's settings for toString, e.g. '1, 6, kernelSize=[5, 5]'. */
  extraRepr(): string {
    return '';
  }

  /** PyTorch-style printout of the module tree. */
  toString(): string {
    const kids = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (kids.length === 0) return `${head})`;
    const lines = kids.map(([n, m]) => `  (${n}): ${m.toString().replace(/\n/g, '\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}
