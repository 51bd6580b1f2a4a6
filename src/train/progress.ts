// What fit tells a person while it runs. The reporter interface and the plain-line reporter are
// pure (they write through a function given to them); the terminal bar and the JSON-lines log
// are in node-progress.ts.

export interface StepInfo {
  epoch: number;
  epochs: number;
  /** 1-based step within the epoch. */
  step: number;
  steps: number;
  /** Running means over the epoch so far. */
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
  lr: number;
  /** Seconds since the epoch began. */
  seconds: number;
}

export interface EpochLog {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Validation top-k accuracy for each k of the topK option. */
  valTopK?: Record<number, number>;
  /** The learning rate used during this epoch (its last step). */
  lr: number;
  /** Optimisation steps so far, all epochs. */
  iterations: number;
  seconds: number;
  imagesPerSecond: number;
  /** True when this epoch's parameters are the best so far (lowest monitored loss). */
  best: boolean;
}

export interface ProgressReporter {
  epochStart(epoch: number, epochs: number, steps: number): void;
  step(info: StepInfo): void;
  epochEnd(log: EpochLog): void;
  /** A one-off message (stopping reason, restored epoch...). */
  note(message: string): void;
  close(): void;
}

export const silentReporter: ProgressReporter = {
  epochStart() {}, step() {}, epochEnd() {}, note() {}, close() {},
};

const pct = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '—' : `${(100 * v).toFixed(2)}%`);
const num = (v: number | undefined, d = 4) => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(d));

/** One line summarising an epoch, e.g. for logs and the terminal. */
export function formatEpoch(log: EpochLog, epochs: number): string {
  const val = log.valLoss === undefined ? '' : ` · val loss ${num(log.valLoss)} acc ${pct(log.valAccuracy)}`;
  return `epoch ${log.epoch}/${epochs} · loss ${num(log.trainLoss)} acc ${pct(log.trainAccuracy)}${val}` +
    ` · lr ${log.lr.toPrecision(3)} · ${log.seconds.toFixed(1)}s ${Math.round(log.imagesPerSecond)} img/s${log.best ? ' · best' : ''}`;
}

/**
 * Plain periodic lines for CI and pipes: a line every `every` steps (default: about ten per
 * epoch) and one per epoch.
 * @example const r = lineReporter((s) => console.log(s));
 */
export function lineReporter(write: (line: string) => void, { every }: { every?: number } = {}): ProgressReporter {
  let epochs = 0;
  let interval = 1;
  return {
    epochStart(_epoch, total, steps) {
      epochs = total;
      interval = every ?? Math.max(1, Math.ceil(steps / 10));
    },
    step(s) {
      if (s.step % interval !== 0 && s.step !== s.steps) return;
      const eta = ` · ETA ${Math.round((s.seconds / s.step) * (s.steps - s.step))}s`;
      write(`epoch ${s.epoch}/${s.epochs} step ${s.step}/${s.steps} · loss ${num(s.loss)} acc ${pct(s.accuracy)}` +
        ` · ${Math.round(s.imagesPerSecond)} img/s${eta}`);
    },
    epochEnd(log) { write(formatEpoch(log, epochs)); },
    note(m) { write(m); },
    close() {},
  };
}
