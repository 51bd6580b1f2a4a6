// Learning-rate schedules as PyTorch's lr_scheduler: each sets `optimizer.lr` from a closed form
// of its step count t, so schedules compose (SequentialLR) and can jump to any t.
// Call `scheduler.step()` once per epoch (or per iteration, if the schedule is counted in those).

/** Anything with a mutable learning rate: every optimiser in this folder. */
export interface HasLr {
  lr: number;
}

// PyTorch's 'initial_lr': the lr an optimiser had before its first scheduler, so schedulers
// created one after another (for SequentialLR) all start from the same base.
const initialLr = new WeakMap<HasLr, number>();

export abstract class LRScheduler {
  /** The optimiser's learning rate when the scheduler was created. */
  readonly baseLr: number;
  /** How many times step() has been called. */
  lastEpoch = 0;

  constructor(readonly optimizer: HasLr, name: string) {
    if (!optimizer || typeof optimizer.lr !== 'number') throw new Error(`${name}: needs an optimiser with an lr, got ${String(optimizer)}`);
    if (!initialLr.has(optimizer)) initialLr.set(optimizer, optimizer.lr);
    this.baseLr = initialLr.get(optimizer)!;
  }

  /** The learning rate after t calls of step(). */
  abstract lrAt(t: number): number;

  /** Advances one step and sets the optimiser's lr. */
  step(): void {
    this.lastEpoch++;
    this.optimizer.lr = this.lrAt(this.lastEpoch);
  }

  /** The learning rate the optimiser has now. */
  getLastLr(): number {
    return this.optimizer.lr;
  }

  protected start(): void {
    this.optimizer.lr = this.lrAt(0);
  }
}

function positiveInt(op: string, name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${v}`);
  return v;
}

/**
 * lr = baseLr · gamma^⌊t / stepSize⌋.
 * @example const sched = new StepLR(opt, { stepSize: 10, gamma: 0.1 }); // ÷10 every 10 epochs
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: HasLr, { stepSize, gamma = 0.1 }: { stepSize: number; gamma?: number }) {
    super(optimizer, 'StepLR');
    this.stepSize = positiveInt('StepLR', 'stepSize', stepSize);
    this.gamma = gamma;
    this.start();
  }

  lrAt(t: number): number {
    return this.baseLr * this.gamma ** Math.floor(t / this.stepSize);
  }
}

/**
 * Cosine from baseLr down to etaMin over tMax steps, then held at etaMin:
 * lr = etaMin + (baseLr − etaMin)(1 + cos(π·t/tMax))/2.
 * @example const sched = new CosineAnnealingLR(opt, { tMax: epochs });
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: HasLr, { tMax, etaMin = 0 }: { tMax: number; etaMin?: number }) {
    super(optimizer, 'CosineAnnealingLR');
    this.tMax = positiveInt('CosineAnnealingLR', 'tMax', tMax);
    this.etaMin = etaMin;
    this.start();
  }

  lrAt(t: number): number {
    const tc = Math.min(t, this.tMax);
    return this.etaMin + (this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * tc) / this.tMax)) / 2;
  }
}

/**
 * Linear warm-up: the factor goes from startFactor to endFactor over totalIters steps, then stays.
 * @example const warm = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: HasLr, { startFactor = 1 / 3, endFactor = 1, totalIters = 5 }:
    { startFactor?: number; endFactor?: number; totalIters?: number } = {}) {
    super(optimizer, 'LinearLR');
    if (!(startFactor > 0 && startFactor <= 1)) throw new Error(`LinearLR: startFactor must be in (0, 1], got ${startFactor}`);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = positiveInt('LinearLR', 'totalIters', totalIters);
    this.start();
  }

  lrAt(t: number): number {
    const f = Math.min(t, this.totalIters) / this.totalIters;
    return this.baseLr * (this.startFactor + (this.endFactor - this.startFactor) * f);
  }
}

/**
 * Runs schedulers one after another, switching at the milestones (each restarts its count),
 * e.g. warm-up then cosine.
 * @example
 * const warm = new LinearLR(opt, { startFactor: 0.1, totalIters: 2 });
 * const cos = new CosineAnnealingLR(opt, { tMax: 8 });
 * const sched = new SequentialLR(opt, [warm, cos], [2]);
 */
export class SequentialLR extends LRScheduler {
  constructor(optimizer: HasLr, readonly schedulers: LRScheduler[], readonly milestones: number[]) {
    super(optimizer, 'SequentialLR');
    if (schedulers.length !== milestones.length + 1) {
      throw new Error(`SequentialLR: ${schedulers.length} schedulers need ${schedulers.length - 1} milestones, got ${milestones.length}`);
    }
    if (schedulers.some((s) => s.optimizer !== optimizer)) throw new Error('SequentialLR: every scheduler must drive the same optimiser');
    this.start();
  }

  lrAt(t: number): number {
    let i = 0;
    while (i < this.milestones.length && t >= this.milestones[i]!) i++;
    return this.schedulers[i]!.lrAt(t - (i === 0 ? 0 : this.milestones[i - 1]!));
  }
}
