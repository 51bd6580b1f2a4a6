// Stochastic gradient descent with PyTorch's exact rule (torch.optim.SGD, single-tensor path):
//   g ← grad + weightDecay·θ
//   b ← g on the first step, else momentum·b + (1 − dampening)·g
//   g ← g + momentum·b (nesterov) or b
//   θ ← θ − lr·g
import { sgdUpdate } from '../ops/optim-update.js';
import type { Tensor } from '../ops/tensor.js';
import { checkNumber, nonNegative, Optimizer, type ParamGroup } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

type SGDHyper = Required<Omit<SGDOptions, 'lr'>>;

function checkSgd(op: string, o: { momentum?: unknown; dampening?: unknown; nesterov?: unknown; weightDecay?: unknown }): SGDHyper {
  const momentum = checkNumber(op, 'momentum', o.momentum ?? 0, nonNegative, 'a finite number ≥ 0');
  const dampening = checkNumber(op, 'dampening', o.dampening ?? 0, Number.isFinite, 'a finite number');
  const weightDecay = checkNumber(op, 'weightDecay', o.weightDecay ?? 0, nonNegative, 'a finite number ≥ 0');
  const nesterov = o.nesterov ?? false;
  if (typeof nesterov !== 'boolean') throw new Error(`${op}: nesterov must be true or false, got ${String(nesterov)}`);
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new Error(`${op}: nesterov momentum requires momentum > 0 and dampening 0, got momentum ${momentum}, dampening ${dampening}`);
  }
  return { momentum, dampening, nesterov, weightDecay };
}

/**
 * SGD with optional momentum, dampening, Nesterov momentum and (coupled) weight decay.
 * @example
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); F.crossEntropy(model.forward(x), y).backward(); opt.step();
 */
export class SGD extends Optimizer {
  private hyper: SGDHyper;

  constructor(params: Iterable<Tensor>, options: SGDOptions) {
    if (!options || options.lr === undefined) throw new Error('SGD: options.lr is required, e.g. new optim.SGD(params, { lr: 0.01 })');
    super('SGD', params, options.lr, { momentum_buffer: 'tensor' });
    this.hyper = checkSgd('SGD', options);
  }

  get momentum(): number { return this.hyper.momentum; }
  get dampening(): number { return this.hyper.dampening; }
  get nesterov(): boolean { return this.hyper.nesterov; }
  get weightDecay(): number { return this.hyper.weightDecay; }

  // Reads grad in place and keeps nothing of it.
  protected override readonly keepsGrads = false;

  protected update(index: number, param: Tensor, grad: Tensor): void {
    const { momentum, dampening, nesterov, weightDecay } = this.hyper;
    let buf: Tensor | null = null;
    let firstStep = false;
    if (momentum !== 0) {
      const s = this.state[index];
      if (s) buf = s.momentum_buffer as Tensor;
      else {
        buf = this.zerosLike(param);
        this.state[index] = { momentum_buffer: buf };
        firstStep = true;
      }
    }
    sgdUpdate(param, grad, buf, {
      lr: this.lr, momentum, dampening, nesterov, weightDecay, firstStep,
    });
  }

  protected hyperparameters(): Record<string, number | boolean> {
    const { momentum, dampening, nesterov, weightDecay } = this.hyper;
    return { momentum, dampening, nesterov, weight_decay: weightDecay };
  }

  protected loadHyperparameters(g: ParamGroup): void {
    this.hyper = checkSgd(`${this.name}.loadStateDict`, { ...g, weightDecay: g.weight_decay });
  }
}
