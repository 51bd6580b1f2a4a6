// Everything a training run needs to continue exactly where it stopped, as a full checkpoint
// holds it: the model's weights (ordinary state-dict tensors), the optimiser's state and the best
// weights so far (tensors under io's reserved prefix), and, as JSON in the metadata, the loop's
// counters and history, the scheduler's step count, the global generator's state and the
// loader's position (its epoch, the batches given out and the augmentation generator's state; the
// epoch's order derives from seed and epoch). A checkpoint taken inside an epoch also holds the
// epoch's running sums, so the epoch's log comes out as if it had not been interrupted.
import type { LoaderPosition } from '../data/loader.js';
import { RESERVED } from '../io/model-file.js';
import { tensor } from '../ops/creation.js';
import type { Tensor } from '../ops/tensor.js';
import type { ParamGroup } from '../optim/optimizer.js';
import { FormatError } from '../tensor/errors.js';
import { getGlobalRng } from '../tensor/rng.js';
import type { EpochLog } from './progress.js';
import type { Snapshot } from './snapshot.js';
import type { OptimizerLike, TrainableModel } from './types.js';

export const RESUME_KEY = 'striate.resume';

/** fit's sums over the steps of an epoch in progress. */
export interface EpochProgress {
  /** Steps of the epoch done. */
  step: number;
  lossSum: number;
  correct: number;
  seen: number;
  seconds: number;
}

/** fit's loop variables after an epoch, or after a step inside the next one (`inEpoch`). */
export interface LoopState {
  /** Epochs completed. */
  epoch: number;
  /** The epoch after `epoch` so far, when the checkpoint was taken inside it. */
  inEpoch?: EpochProgress | null;
  iteration: number;
  epochs: EpochLog[];
  bestEpoch: number;
  bestLoss: number;
  checkpointEpoch: number;
  sinceBest: number;
  prevStepLoss: number | null;
  prevEpochLoss: number | null;
}

/** What can be saved besides the loop: optional parts are skipped when the object lacks them. */
export interface ResumableParts {
  model: TrainableModel;
  optimizer: OptimizerLike;
  scheduler?: { lastEpoch: number } | undefined;
  loader: { epoch: number; position(): LoaderPosition; seek(p: LoaderPosition, what?: string): void };
  /** Best weights so far (for restoreBest), by state-dict key. */
  best: Snapshot | null;
}

interface ResumeJson {
  version: 1;
  loop: LoopState;
  rng: number[];
  loaderEpoch: number;
  /** The loader's full position (absent in checkpoints taken at epoch ends by earlier versions). */
  loader?: LoaderPosition;
  scheduler: number | null;
  optimizer: { param_groups: unknown[]; numbers: Record<string, Record<string, number>> } | null;
}

const OPT = `${RESERVED}optimizer.`;
const BEST = `${RESERVED}best.`;

/** The checkpoint's metadata entry and extra tensors for the state after an epoch. */
export function captureResumeState(loop: LoopState, parts: ResumableParts): { json: string; tensors: Record<string, Tensor> } {
  const tensors: Record<string, Tensor> = {};
  let optimizer: ResumeJson['optimizer'] = null;
  if (parts.optimizer.stateDict) {
    const sd = parts.optimizer.stateDict();
    const numbers: Record<string, Record<string, number>> = {};
    for (const [i, s] of Object.entries(sd.state)) {
      for (const [k, v] of Object.entries(s)) {
        if (typeof v === 'number') (numbers[i] ??= {})[k] = v;
        else tensors[`${OPT}${i}.${k}`] = v;
      }
    }
    optimizer = { param_groups: sd.param_groups, numbers };
  }
  for (const [k, { shape, values }] of parts.best ?? []) tensors[`${BEST}${k}`] = tensor(values, shape);
  const json: ResumeJson = {
    version: 1, loop, rng: getGlobalRng().getState(), loaderEpoch: parts.loader.epoch, loader: parts.loader.position(),
    scheduler: parts.scheduler ? parts.scheduler.lastEpoch : null, optimizer,
  };
  return { json: JSON.stringify(json), tensors };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Restores a full checkpoint's state into the run's parts (the model's weights are loaded by the
 * caller); returns the loop state to continue from. Errors name the file and what does not fit.
 */
export function restoreResumeState(
  file: string, raw: string, stored: Record<string, { shape: number[]; data: ArrayLike<number | bigint> }>, parts: ResumableParts,
): LoopState {
  let r: ResumeJson;
  try {
    r = JSON.parse(raw) as ResumeJson;
  } catch {
    throw new FormatError(file, `${file}: metadata '${RESUME_KEY}' is not valid JSON`);
  }
  if (!isObj(r) || r.version !== 1 || !isObj(r.loop) || !Number.isInteger(r.loop.epoch) || !Array.isArray(r.loop.epochs) || !Number.isInteger(r.loaderEpoch)) {
    throw new FormatError(file, `${file}: metadata '${RESUME_KEY}' is not a version-1 resume state { loop, rng, loaderEpoch, scheduler, optimizer }`);
  }
  const t = (key: string): Tensor => {
    const s = stored[key]!;
    return tensor(Float32Array.from(s.data as ArrayLike<number>, Number), s.shape);
  };
  if (r.optimizer) {
    if (!parts.optimizer.loadStateDict) throw new Error(`resume ${file}: the checkpoint holds optimiser state, but this optimiser has no loadStateDict`);
    const state: Record<string, Record<string, Tensor | number>> = {};
    for (const key of Object.keys(stored).filter((k) => k.startsWith(OPT))) {
      const [i, k] = key.slice(OPT.length).split('.') as [string, string];
      (state[i] ??= {})[k] = t(key);
    }
    for (const [i, s] of Object.entries(r.optimizer.numbers ?? {})) Object.assign(state[i] ??= {}, s);
    try {
      parts.optimizer.loadStateDict({ state, param_groups: r.optimizer.param_groups as ParamGroup[] });
    } catch (e) {
      throw new Error(`resume ${file}: the optimiser state does not fit this optimiser (${(e as Error).message})`);
    }
  } else if (parts.optimizer.stateDict) {
    throw new Error(`resume ${file}: the checkpoint holds no optimiser state, so its momentum or moments cannot be restored`);
  }
  if (parts.scheduler) {
    if (!Number.isInteger(r.scheduler)) throw new Error(`resume ${file}: a scheduler is given, but the checkpoint was made without one`);
    parts.scheduler.lastEpoch = r.scheduler!;
  }
  getGlobalRng().setState(r.rng);
  const progress = r.loop.inEpoch;
  if (progress !== undefined && progress !== null) {
    const sums = isObj(progress) ? [progress.step, progress.lossSum, progress.correct, progress.seen, progress.seconds] : [];
    if (!isObj(r.loader) || r.loader.batch !== progress.step || !Number.isInteger(progress.step) || !sums.every((v) => Number.isFinite(v) && v >= 0)) {
      throw new FormatError(file, `${file}: metadata '${RESUME_KEY}' is taken inside an epoch but its loop.inEpoch { step, lossSum, correct, seen, seconds } ` +
        'and loader position do not agree');
    }
  }
  parts.loader.seek(r.loader ?? { epoch: r.loaderEpoch, batch: 0, augmentation: null, check: parts.loader.position().check }, `resume ${file}`);
  const best = Object.keys(stored).filter((k) => k.startsWith(BEST));
  if (best.length > 0) {
    parts.best = new Map(best.map((k) => [k.slice(BEST.length), { shape: stored[k]!.shape, values: t(k).toArray() }]));
  }
  return r.loop;
}
