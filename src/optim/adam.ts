// Adam and AdamW with PyTorch's exact rules (torch.optim.Adam / AdamW, single-tensor path):
//   t ← t + 1;  Adam: g ← grad + weightDecay·θ;  AdamW: θ ← θ·(1 − lr·weightDecay)
//   m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²
//   θ ← θ − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps)
import { adamUpdate } from '../ops/optim-update.js';
import type { Tensor } from '../ops/tensor.js';
import { checkNumber, nonNegative, Optimizer, type ParamGroup } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

interface AdamHyper {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

const isBeta = (v: number): boolean => v >= 0 && v < 1;

function checkAdam(op: string, o: { betas?: unknown; eps?: unknown; weightDecay?: unknown }, defaultDecay: number): AdamHyper {
  const betas = o.betas ?? [0.9, 0.999];
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new Error(`${op}: betas must be a pair [beta1, beta2], got ${JSON.stringify(betas)}`);
  }
  const beta1 = checkNumber(op, 'betas[0]', betas[0], isBeta, 'in [0, 1)');
  const beta2 = checkNumber(op, 'betas[1]', betas[1], isBeta, 'in [0, 1)');
  const eps = checkNumber(op, 'eps', o.eps ?? 1e-8, (v) => Number.isFinite(v) && v > 0, 'a finite number > 0');
  const weightDecay = checkNumber(op, 'weightDecay', o.weightDecay ?? defaultDecay, nonNegative, 'a finite number ≥ 0');
  return { beta1, beta2, eps, weightDecay };
}

abstract class AdamBase extends Optimizer {
  private hyper: AdamHyper;

  protected constructor(name: string, private readonly decoupled: boolean, params: Iterable<Tensor>, options: AdamOptions) {
    super(name, params, options.lr ?? 1e-3, { step: 'number', exp_avg: 'tensor', exp_avg_sq: 'tensor' });
    this.hyper = checkAdam(name, options, decoupled ? 0.01 : 0);
  }

  get betas(): [number, number] { return [this.hyper.beta1, this.hyper.beta2]; }
  get eps(): number { return this.hyper.eps; }
  get weightDecay(): number { return this.hyper.weightDecay; }

  // Reads grad in place and keeps nothing of it.
  protected override readonly keepsGrads = false;

  protected update(index: number, param: Tensor, grad: Tensor): void {
    let s = this.state[index];
    if (!s) {
      s = { step: 0, exp_avg: this.zerosLike(param), exp_avg_sq: this.zerosLike(param) };
      this.state[index] = s;
    }
    const step = (s.step as number) + 1;
    s.step = step;
    const { beta1, beta2, eps, weightDecay } = this.hyper;
    adamUpdate(param, grad, s.exp_avg as Tensor, s.exp_avg_sq as Tensor, {
      lr: this.lr, beta1, beta2, eps, weightDecay, decoupled: this.decoupled, step,
    });
  }

  protected hyperparameters(): Record<string, number | number[]> {
    const { beta1, beta2, eps, weightDecay } = this.hyper;
    return { betas: [beta1, beta2], eps, weight_decay: weightDecay };
  }

  protected loadHyperparameters(g: ParamGroup): void {
    this.hyper = checkAdam(`${this.name}.loadStateDict`, { ...g, weightDecay: g.weight_decay }, 0);
  }
}

/**
 * Adam: adaptive moments with bias correction; weight decay is added to the gradient (L2).
 * @example const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends AdamBase {
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super('Adam', false, params, options);
  }
}

/**
 * AdamW: Adam with decoupled weight decay (θ shrinks by lr·weightDecay each step), default 0.01.
 * @example const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends AdamBase {
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super('AdamW', true, params, options);
  }
}
