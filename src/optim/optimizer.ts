// The optimiser base: the parameter list, zeroGrad, the step loop under noGrad, the mutable
// learning rate that schedules set, and the state dict. Subclasses supply one update per tensor.
// The state dict mirrors torch.optim's layout and key names (`state`, `param_groups`,
// `momentum_buffer`, `exp_avg`, ...) so a checkpoint maps one to one onto PyTorch's.
import { noGrad } from '../autograd/grad-mode.js';
import { zeros } from '../ops/creation.js';
import { clone } from '../ops/shape-ops.js';
import { clearGrad, gradOf, type Tensor } from '../ops/tensor.js';
import { sameShape, shapeStr } from '../tensor/shape.js';

/** Per-parameter state: tensors (momentum, moments) and numbers (step count), PyTorch's keys. */
export type ParamState = Record<string, Tensor | number>;

/** The hyperparameters of the (single) parameter group, PyTorch's keys, plus the param indices. */
export type ParamGroup = Record<string, number | boolean | number[]> & { lr: number; params: number[] };

/** `opt.stateDict()`: enough to resume training exactly where it stopped. */
export interface OptimizerStateDict {
  /** Keyed by the parameter's index in the list given to the constructor; absent before its first step. */
  state: Record<number, ParamState>;
  param_groups: ParamGroup[];
}

/** How a subclass's per-parameter state is shaped: each key is a tensor like the param, or a number. */
export type StateSpec = Record<string, 'tensor' | 'number'>;

export function checkNumber(op: string, name: string, value: unknown, ok: (v: number) => boolean, expected: string): number {
  if (typeof value !== 'number' || !ok(value)) {
    throw new Error(`${op}: ${name} must be ${expected}, got ${String(value)}`);
  }
  return value;
}

export const nonNegative = (v: number): boolean => Number.isFinite(v) && v >= 0;


export abstract class Optimizer {
  /** The tensors this optimiser updates, in the order given. */
  readonly params: readonly Tensor[];
  /** One entry per parameter; undefined until that parameter's first step. */
  protected state: (ParamState | undefined)[];
  private learningRate: number;

  protected constructor(readonly name: string, params: Iterable<Tensor>, lr: unknown, private readonly spec: StateSpec) {
    this.params = Array.from(params);
    if (this.params.length === 0) throw new Error(`${name}: got an empty parameter list (did the model have no parameters?)`);
    const seen = new Set<Tensor>();
    this.params.forEach((p, i) => {
      if (!p || typeof p !== 'object' || !('shape' in p)) throw new Error(`${name}: parameter ${i} is not a Tensor`);
      if (!p.isLeaf) throw new Error(`${name}: parameter ${i} (shape ${shapeStr(p.shape)}) is not a leaf tensor; optimise the tensors you created, not results of operations`);
      if (seen.has(p)) throw new Error(`${name}: parameter ${i} (shape ${shapeStr(p.shape)}) appears more than once in the list`);
      seen.add(p);
    });
    this.state = new Array<ParamState | undefined>(this.params.length);
    this.learningRate = this.checkLr(lr);
  }

  /** The learning rate of the next step; schedules assign it between steps. */
  get lr(): number {
    return this.learningRate;
  }

  set lr(value: number) {
    this.learningRate = this.checkLr(value);
  }

  private checkLr(value: unknown): number {
    return checkNumber(this.name, 'lr', value, nonNegative, 'a finite number ≥ 0');
  }

  /** Clears every parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const p of this.params) clearGrad(p);
  }

  /** Updates each parameter that has a gradient, in place; parameters without one are skipped. */
  step(): void {
    noGrad(() => {
      this.params.forEach((p, i) => {
        const g = this.keepsGrads ? p.grad : gradOf(p);
        if (!g) return;
        if (g.numel() !== p.numel()) {
          throw new Error(`${this.name}.step: parameter ${i} has shape ${shapeStr(p.shape)} but its grad has shape ${shapeStr(g.shape)}`);
        }
        this.update(i, p, g);
      });
    });
  }

  /**
   * Whether update() may keep `grad` past the step. A subclass whose update only reads it says
   * false: zeroGrad can then free the gradients' memory at once instead of leaving it to the
   * garbage collector (see clearGrad).
   */
  protected readonly keepsGrads: boolean = true;

  /** Applies one update to parameter `index`; `state[index]` is the subclass's to create and use. */
  protected abstract update(index: number, param: Tensor, grad: Tensor): void;

  /** The group's hyperparameters other than lr, PyTorch's keys. */
  protected abstract hyperparameters(): Record<string, number | boolean | number[]>;

  /** Validates and applies hyperparameters read back from a state dict (PyTorch's keys). */
  protected abstract loadHyperparameters(group: ParamGroup): void;

  /** A zero tensor shaped like `p`, for state (never tracked by autograd). */
  protected zerosLike(p: Tensor): Tensor {
    return zeros(p.shape, { device: p.device });
  }

  /**
   * The optimiser's state (copies): per-parameter buffers and step counts, and the hyperparameters.
   * @example const saved = opt.stateDict(); ...; opt2.loadStateDict(saved);
   */
  stateDict(): OptimizerStateDict {
    const state: Record<number, ParamState> = {};
    this.state.forEach((s, i) => {
      if (!s) return;
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(s)) copy[k] = typeof v === 'number' ? v : clone(v);
      state[i] = copy;
    });
    const group: ParamGroup = { ...this.hyperparameters(), lr: this.lr, params: this.params.map((_, i) => i) };
    return { state, param_groups: [group] };
  }

  /** Restores state saved by `stateDict()` of an optimiser of the same kind over parameters of the same shapes. */
  loadStateDict(sd: OptimizerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    if (!sd || typeof sd !== 'object' || !sd.state || !Array.isArray(sd.param_groups)) {
      throw new Error(`${op}: expected { state, param_groups }, got ${sd === null ? 'null' : typeof sd}`);
    }
    if (sd.param_groups.length !== 1) {
      throw new Error(`${op}: the state dict has ${sd.param_groups.length} parameter groups, this optimiser has 1`);
    }
    const group = sd.param_groups[0]!;
    if (!Array.isArray(group.params) || group.params.length !== this.params.length) {
      throw new Error(`${op}: the state dict covers ${group.params?.length ?? 0} parameters, this optimiser has ${this.params.length}`);
    }
    // Validate everything before changing anything, so a bad dict leaves the optimiser intact.
    const next = new Array<ParamState | undefined>(this.params.length);
    for (const [key, saved] of Object.entries(sd.state)) {
      const i = Number(key);
      const p = this.params[i];
      if (!Number.isInteger(i) || !p) throw new Error(`${op}: state for parameter '${key}', but there are only ${this.params.length}`);
      const s: ParamState = {};
      for (const [k, kind] of Object.entries(this.spec)) {
        const v = saved[k];
        if (v === undefined) throw new Error(`${op}: state of parameter ${i} lacks '${k}'`);
        if (kind === 'number') {
          s[k] = checkNumber(op, `state[${i}].${k}`, v, nonNegative, 'a number ≥ 0');
        } else {
          if (typeof v === 'number' || !sameShape(v.shape, p.shape)) {
            const got = typeof v === 'number' ? `the number ${v}` : `shape ${shapeStr(v.shape)}`;
            throw new Error(`${op}: state[${i}].${k} must have the parameter's shape ${shapeStr(p.shape)}, got ${got}`);
          }
          // On the parameter's device (a checkpoint is read on the CPU, the model may train on a GPU).
          s[k] = v.device === p.device ? clone(v) : v.to(p.device);
        }
      }
      next[i] = s;
    }
    const lr = this.checkLr(group.lr);
    this.loadHyperparameters(group);
    this.learningRate = lr;
    this.state = next;
  }
}
