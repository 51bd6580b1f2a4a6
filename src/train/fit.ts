// fit: the lecture's training algorithm, literally, and then what a real run needs.
//
//   initialise θ randomly                       (the model's layers did, PyTorch's defaults)
//   repeat
//     L ← loss of the network on a batch        (forward)
//     ∇L ← backpropagation                      (loss.backward())
//     θ ← θ − α∇L                               (optimizer.step(); plain SGD by default)
//   until |L_new − L_old| < δ  or  N_max iterations          (tol, maxIterations: off by default)
//
// Grown with: validation each epoch, keeping and restoring the parameters with the lowest
// validation loss (optionally checkpointed to disk), early stopping with patience, learning-rate
// schedules, gradient clipping, the lecture's L2 term, metrics, callbacks and progress output.
import { DataLoader } from '../data/loader.js';
import { ArrayDataset } from '../data/dataset.js';
import type { Transform } from '../data/transforms.js';
import type { ModelMetadata } from '../io/model-file.js';
import type { Device } from '../kernels/storage.js';
import { crossEntropy, l2Penalty } from '../ops/loss.js';
import type { Tensor } from '../ops/tensor.js';
import type { LRScheduler } from '../optim/schedules.js';
import { SGD } from '../optim/sgd.js';
import { describeBackend } from '../kernels/backend.js';
import { manualSeed } from '../tensor/rng.js';
import { fileExists, openCheckpoints, readFullCheckpoint } from './checkpoints.js';
import { captureResumeState, restoreResumeState, RESUME_KEY, type EpochProgress, type ResumableParts } from './resume-state.js';
import { clipGradNorm, clipGradValue } from './clip.js';
import { restoreSnapshot, snapshot } from './snapshot.js';
import { asLoader, evaluateAsync } from './evaluate.js';
import { silentReporter, type EpochLog, type ProgressReporter, type StepInfo } from './progress.js';
import type { LossFn, OptimizerLike, TrainableModel } from './types.js';

export interface FitContext {
  model: TrainableModel;
  optimizer: OptimizerLike;
  /** Ends training after the current step (the epoch is still validated). */
  stop(reason?: string): void;
}

/** Hooks into the loop; any may return a promise, which fit awaits. */
export interface Callbacks {
  onTrainBegin?(ctx: FitContext): void | Promise<void>;
  onEpochBegin?(epoch: number, ctx: FitContext): void | Promise<void>;
  onBatchEnd?(step: StepInfo & { iteration: number; batchLoss: number }, ctx: FitContext): void | Promise<void>;
  onEpochEnd?(log: EpochLog, ctx: FitContext): void | Promise<void>;
  onTrainEnd?(history: History, ctx: FitContext): void | Promise<void>;
}

export interface FitOptions {
  /** Passes over the training data. Default 10. */
  epochs?: number;
  batchSize?: number;
  /** Any optimiser from optim; default plain SGD with `lr`. */
  optimizer?: OptimizerLike;
  /** Learning rate α of the default SGD. Default 0.01. */
  lr?: number;
  /** Default F.crossEntropy. */
  loss?: LossFn;
  /** Seeds shuffling/augmentation and the global RNG (dropout). Default: loader seed 0, global RNG untouched. */
  seed?: number;
  shuffle?: boolean;
  dropLast?: boolean;
  /** Augmentation applied to training samples only. */
  transform?: Transform;
  /** δ: stop when |L_new − L_old| < δ. Off by default. */
  tol?: number;
  /** Compare losses of consecutive iterations ('step', the lecture's rule) or epoch means. */
  tolOn?: 'step' | 'epoch';
  /** N_max: stop after this many iterations (optimiser steps). Off by default. */
  maxIterations?: number;
  /** Stop when the monitored loss has not improved for `patience` epochs. */
  earlyStopping?: { patience: number; minDelta?: number };
  /** Restore the best epoch's parameters at the end. Default true. */
  restoreBest?: boolean;
  /**
   * Save the best parameters to this safetensors path whenever they improve on both this run and
   * the loss the existing file records; the last epoch's state goes beside it (x.last.safetensors).
   */
  checkpoint?: string;
  /**
   * Also write the full checkpoint (x.last.safetensors) every `steps` optimiser steps inside an
   * epoch, so a resume continues from that step rather than from the epoch's start.
   */
  checkpointEvery?: { steps: number };
  /** Let checkpoints replace existing files that are not striate models. */
  force?: boolean;
  /**
   * Continue from a full checkpoint (the x.last.safetensors fit writes beside `checkpoint` after
   * every epoch, and every checkpointEvery steps): weights, optimiser state, scheduler, counters,
   * history, generator states and the loader's position, so the run goes on exactly as if it had
   * not stopped, mid-epoch too; `epochs` counts the whole run.
   * `true`: from the checkpoint's last file when it exists, else from the start.
   */
  resume?: string | true;
  /** Metadata stored in checkpoints (architecture, class names...). */
  checkpointMetadata?: ModelMetadata;
  scheduler?: LRScheduler;
  /** When scheduler.step() runs. Default 'epoch'. */
  schedulerInterval?: 'epoch' | 'step';
  /** Clip the global gradient norm to this value. */
  clipGradNorm?: number;
  /** Clip each gradient element to ±this value. */
  clipGradValue?: number;
  /** λ of the lecture's L2 term λ/(2m)·Σθ², m = batch size, over weights (not biases, not norms). */
  l2?: number;
  /** Validation top-k accuracies to report, e.g. [5]. */
  topK?: number[];
  callbacks?: Callbacks | Callbacks[];
  /** 'auto': a live bar in a terminal, plain lines otherwise (Node); nothing in browsers. */
  progress?: 'auto' | 'bar' | 'lines' | 'none';
  /** Same as progress: 'none'. */
  quiet?: boolean;
  /** Plain-line mode: a line every this many steps. */
  logEvery?: number;
  /** A custom reporter instead of the built-in ones. */
  reporter?: ProgressReporter;
  /** Append each epoch's metrics as one JSON line to this file (Node). */
  logFile?: string;
  /**
   * Give the event loop a turn at least this often (ms), so a page stays responsive while
   * training on its main thread. Default 50 in browsers, off in Node.
   */
  yieldEvery?: number;
  /**
   * Where the model trains: 'cpu' (default) or 'webgpu' (after `await initWebGPU()`). The model
   * moves there in place; batches follow; the loss and logits are read back asynchronously every
   * `readEvery` steps, so the GPU never waits for a progress bar.
   */
  device?: Device;
  /** Steps between read-backs on a GPU (progress, callbacks and stopping rules see them then). Default 10. */
  readEvery?: number;
}

export type StopReason = 'epochs' | 'tolerance' | 'maxIterations' | 'earlyStopping' | 'callback';

export interface History {
  epochs: EpochLog[];
  /** Epoch (1-based) whose parameters the model holds at the end when restoreBest is on. */
  bestEpoch: number;
  /** Lowest monitored loss: validation loss if there is validation data, else training loss. */
  bestLoss: number;
  monitor: 'valLoss' | 'trainLoss';
  stopReason: StopReason;
  stopMessage: string;
  iterations: number;
  seconds: number;
  /** Epoch whose state this run wrote to `checkpoint` last; 0 when the file kept a better model (or none is set). */
  checkpointEpoch: number;
}

export type FitData = ArrayDataset | DataLoader | { train: ArrayDataset | DataLoader; val?: ArrayDataset | DataLoader };

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

async function makeReporter(opts: FitOptions): Promise<ProgressReporter> {
  if (opts.reporter) return opts.reporter;
  const mode = opts.quiet ? 'none' : opts.progress ?? 'auto';
  if (mode === 'none' || !isNode) return silentReporter;
  return (await import('./node-progress.js')).nodeReporter(mode, opts.logEvery) ?? silentReporter;
}

// A step whose loss and logits are still to be read back (from a GPU: asynchronously).
interface PendingStep {
  loss: Tensor;
  out: Tensor;
  y: Int32Array;
  step: number;
  iteration: number;
  lr: number;
}

/**
 * Trains a model; returns the per-epoch history. With only `data` it is the lecture's
 * algorithm: plain SGD (α = 0.01), cross-entropy, 10 epochs, batches of 32.
 * @example
 * const model = models.lenet5();
 * const history = await fit(model, { train, val }, {
 *   epochs: 5, optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }), earlyStopping: { patience: 2 },
 * });
 * evaluate(model, test).accuracy;
 */
export async function fit(model: TrainableModel, data: FitData, opts: FitOptions = {}): Promise<History> {
  const epochs = opts.epochs ?? 10;
  const batchSize = opts.batchSize ?? 32;
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new Error(`fit: epochs must be a positive integer, got ${epochs}`);
  if (opts.tol !== undefined && !(opts.tol > 0)) throw new Error(`fit: tol (δ) must be positive, got ${opts.tol}`);
  if (opts.maxIterations !== undefined && !(Number.isInteger(opts.maxIterations) && opts.maxIterations >= 1)) {
    throw new Error(`fit: maxIterations (N_max) must be a positive integer, got ${opts.maxIterations}`);
  }
  if (opts.earlyStopping && !(Number.isInteger(opts.earlyStopping.patience) && opts.earlyStopping.patience >= 1)) {
    throw new Error(`fit: earlyStopping.patience must be a positive integer, got ${opts.earlyStopping.patience}`);
  }
  const device = opts.device ?? 'cpu';
  const readEvery = device === 'cpu' ? 1 : opts.readEvery ?? 10;
  if (!(Number.isInteger(readEvery) && readEvery >= 1)) throw new Error(`fit: readEvery must be a positive integer, got ${readEvery}`);
  if (device !== 'cpu') {
    const hostOnly = (['clipGradNorm', 'clipGradValue', 'checkpoint', 'checkpointEvery', 'resume'] as const).filter((k) => opts[k] !== undefined);
    if (hostOnly.length) throw new Error(`fit: ${hostOnly.join(', ')} need the CPU for now; got device '${device}'`);
  }
  const every = opts.checkpointEvery?.steps;
  if (every !== undefined && !(Number.isInteger(every) && every >= 1)) throw new Error(`fit: checkpointEvery.steps must be a positive integer, got ${every}`);
  if (opts.checkpointEvery && !opts.checkpoint) throw new Error('fit: checkpointEvery needs a checkpoint path');
  if (opts.seed !== undefined) manualSeed(opts.seed);
  const split = data instanceof ArrayDataset || data instanceof DataLoader ? { train: data } : data;
  const train = split.train instanceof DataLoader ? split.train : new DataLoader(split.train, {
    batchSize, shuffle: opts.shuffle ?? true, seed: opts.seed ?? 0, dropLast: opts.dropLast ?? false,
    ...(opts.transform ? { transform: opts.transform } : {}),
  });
  const val = split.val === undefined ? null : asLoader(split.val, batchSize);
  const optimizer = opts.optimizer ?? new SGD(model.parameters(), { lr: opts.lr ?? 0.01 });
  const lossFn = opts.loss ?? crossEntropy;
  const weights = opts.l2 ? model.namedParameters().filter(([n, p]) => /(^|\.)weight$/.test(n) && p.ndim >= 2).map(([, p]) => p) : [];
  if (opts.l2 && weights.length === 0) throw new Error('fit: l2 is set but the model has no weight tensors (named *.weight, ≥ 2-D)');
  const callbacks = opts.callbacks === undefined ? [] : Array.isArray(opts.callbacks) ? opts.callbacks : [opts.callbacks];
  const reporter = await makeReporter(opts);
  const writeLog = opts.logFile && isNode ? (await import('./node-progress.js')).jsonLinesLog(opts.logFile) : null;
  const monitor = val ? 'valLoss' : 'trainLoss';
  const ckpt = opts.checkpoint ? await openCheckpoints(opts.checkpoint, monitor, opts.force) : null;
  if (opts.resume === true && !ckpt) throw new Error('fit: resume: true needs a checkpoint path to find the last state');
  const resumeFrom = opts.resume === true ? (await fileExists(ckpt!.last) ? ckpt!.last : null) : opts.resume ?? null;

  let stopReason: StopReason = 'epochs';
  let stopMessage = `finished ${epochs} epochs`;
  let stopRequested = false;
  const stop = (reason: StopReason, message: string) => {
    if (stopRequested) return;
    stopRequested = true;
    stopReason = reason;
    stopMessage = message;
  };
  if (device !== 'cpu') {
    if (!model.to) throw new Error(`fit: device '${device}' needs a model with to(device) (an nn.Module)`);
    model.to(device);
  }
  const ctx: FitContext = { model, optimizer, stop: (why) => stop('callback', `stopped by a callback${why ? `: ${why}` : ''}`) };
  const history: History = {
    epochs: [], bestEpoch: 0, bestLoss: Infinity, monitor,
    stopReason, stopMessage, iterations: 0, seconds: 0, checkpointEpoch: 0,
  };
  const t0 = performance.now();
  const parts: ResumableParts = { model, optimizer, scheduler: opts.scheduler, loader: train, best: null };
  let sinceBest = 0;
  let prevStepLoss: number | undefined;
  let prevEpochLoss: number | undefined;
  let iteration = 0;
  let startEpoch = 1;
  let inEpoch: EpochProgress | null = null;
  if (resumeFrom) {
    const { raw, tensors } = await readFullCheckpoint(resumeFrom);
    await (await import('../io/files.js')).loadModel(model, resumeFrom);
    const loop = restoreResumeState(resumeFrom, raw, tensors, parts);
    Object.assign(history, { epochs: loop.epochs, bestEpoch: loop.bestEpoch, bestLoss: loop.bestLoss, checkpointEpoch: loop.checkpointEpoch });
    ({ sinceBest, iteration } = loop);
    prevStepLoss = loop.prevStepLoss ?? undefined;
    prevEpochLoss = loop.prevEpochLoss ?? undefined;
    startEpoch = loop.epoch + 1;
    inEpoch = loop.inEpoch ?? null;
    reporter.note(`resumed from ${resumeFrom} after epoch ${loop.epoch}${inEpoch ? ` and ${inEpoch.step} steps of epoch ${startEpoch}` : ''}`);
  }
  // The full checkpoint after `epoch` epochs (and `progress` of the next one, inside it).
  const saveFull = async (epoch: number, progress: EpochProgress | null, meta: ModelMetadata): Promise<void> => {
    const state = captureResumeState({
      epoch, inEpoch: progress, iteration, epochs: history.epochs, bestEpoch: history.bestEpoch, bestLoss: history.bestLoss,
      checkpointEpoch: history.checkpointEpoch, sinceBest, prevStepLoss: prevStepLoss ?? null, prevEpochLoss: prevEpochLoss ?? null,
    }, { ...parts, best: (opts.restoreBest ?? true) ? parts.best : null });
    await ckpt!.saveLast(model, { ...meta, extra: { ...meta.extra, [RESUME_KEY]: state.json } }, state.tensors);
  };
  const yieldEvery = opts.yieldEvery ?? (isNode ? 0 : 50);
  let lastYield = performance.now();

  try {
    reporter.note(`training on ${describeBackend()}`);
    for (const cb of callbacks) await cb.onTrainBegin?.(ctx);
    for (let epoch = startEpoch; epoch <= epochs && !stopRequested; epoch++) {
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch, ctx);
      model.train(true);
      const steps = train.length;
      reporter.epochStart(epoch, epochs, steps);
      let lossSum = 0, correct = 0, seen = 0, step = 0, lr = optimizer.lr, te = performance.now();
      if (inEpoch) {
        ({ lossSum, correct, seen, step } = inEpoch);
        te -= inEpoch.seconds * 1000;
        inEpoch = null;
      }
      let pending: PendingStep[] = [];
      // Reads the pending steps' losses and logits, then does each step's bookkeeping in order:
      // the NaN check, accuracy, progress, callbacks and the lecture's stopping rules.
      const settle = async (): Promise<void> => {
        const done = pending;
        pending = [];
        const values = await Promise.all(done.map((p) => Promise.all([p.loss.itemAsync(), p.out.toArrayAsync()])));
        for (let k = 0; k < done.length; k++) {
          const { y, out, step: st, iteration: it, lr: stepLr } = done[k]!;
          const [L, logits] = values[k]!;
          if (!Number.isFinite(L)) {
            throw new Error(`fit: loss is ${L} at epoch ${epoch}, step ${st} (iteration ${it}); ` +
              `lower the learning rate (now ${stepLr}), clip gradients (clipGradNorm) or check the data for NaN/Inf`);
          }
          const c = out.shape[1] ?? 1;
          for (let i = 0; i < y.length; i++) {
            let arg = 0;
            for (let j = 1; j < c; j++) if (logits[i * c + j]! > logits[i * c + arg]!) arg = j;
            if (arg === y[i]) correct++;
          }
          lossSum += L * y.length;
          seen += y.length;
          const elapsed = (performance.now() - te) / 1000;
          const info: StepInfo = {
            epoch, epochs, step: st, steps, loss: lossSum / seen, accuracy: correct / seen,
            imagesPerSecond: seen / Math.max(elapsed, 1e-9), lr: stepLr, seconds: elapsed,
          };
          reporter.step(info);
          for (const cb of callbacks) await cb.onBatchEnd?.({ ...info, iteration: it, batchLoss: L }, ctx);
          // The lecture's stopping rules.
          if (opts.maxIterations !== undefined && it >= opts.maxIterations) {
            stop('maxIterations', `reached N_max = ${opts.maxIterations} iterations`);
          }
          if (opts.tol !== undefined && (opts.tolOn ?? 'step') === 'step' && prevStepLoss !== undefined &&
            Math.abs(L - prevStepLoss) < opts.tol) {
            stop('tolerance', `|L_new − L_old| = ${Math.abs(L - prevStepLoss).toExponential(3)} < δ = ${opts.tol} at iteration ${it}`);
          }
          prevStepLoss = L;
          if (stopRequested) break;
        }
      };
      for (const { x, y } of train) {
        step++;
        iteration++;
        lr = optimizer.lr;
        // L ← loss on the batch (+ λ/(2m)·Σw² if asked)
        const out = model.forward(x.to(device));
        let loss = lossFn(out, y);
        if (opts.l2) loss = loss.add(l2Penalty(weights, opts.l2, y.length));
        // ∇L by backprop, then θ ← θ − α∇L
        optimizer.zeroGrad();
        loss.backward();
        if (opts.clipGradNorm !== undefined) clipGradNorm(model.parameters(), opts.clipGradNorm);
        if (opts.clipGradValue !== undefined) clipGradValue(model.parameters(), opts.clipGradValue);
        optimizer.step();
        if (opts.scheduler && opts.schedulerInterval === 'step') opts.scheduler.step();
        pending.push({ loss: loss.detach(), out: out.detach(), y, step, iteration, lr });
        if (pending.length >= readEvery || step === train.length || iteration === opts.maxIterations) await settle();
        if (every && step % every === 0 && step < train.length && !stopRequested) {
          const seconds = (performance.now() - te) / 1000;
          await saveFull(epoch - 1, { step, lossSum, correct, seen, seconds }, { ...opts.checkpointMetadata, training: { ...opts.checkpointMetadata?.training, epoch: epoch - 1, step } });
        }
        if (yieldEvery > 0 && performance.now() - lastYield >= yieldEvery) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          lastYield = performance.now();
        }
        if (stopRequested) break;
      }
      await settle();
      const trainLoss = lossSum / seen;
      if (opts.tol !== undefined && opts.tolOn === 'epoch' && prevEpochLoss !== undefined && Math.abs(trainLoss - prevEpochLoss) < opts.tol) {
        stop('tolerance', `|L_new − L_old| = ${Math.abs(trainLoss - prevEpochLoss).toExponential(3)} < δ = ${opts.tol} after epoch ${epoch}`);
      }
      prevEpochLoss = trainLoss;
      const seconds = (performance.now() - te) / 1000;
      const log: EpochLog = {
        epoch, trainLoss, trainAccuracy: correct / seen, lr, iterations: iteration, seconds,
        imagesPerSecond: seen / Math.max(seconds, 1e-9), best: false,
      };
      if (val) {
        const r = await evaluateAsync(model, val, { loss: lossFn, topK: opts.topK ?? [], device });
        if (!Number.isFinite(r.loss)) throw new Error(`fit: validation loss is ${r.loss} after epoch ${epoch}; the parameters diverged`);
        log.valLoss = r.loss;
        log.valAccuracy = r.accuracy;
        if (opts.topK?.length) log.valTopK = r.topK;
      }
      const monitored = log.valLoss ?? trainLoss;
      const ckptMeta = {
        ...opts.checkpointMetadata,
        training: { ...opts.checkpointMetadata?.training, epoch, [monitor]: monitored, valAccuracy: log.valAccuracy },
      };
      const minDelta = opts.earlyStopping?.minDelta ?? 0;
      if (monitored < history.bestLoss - minDelta || history.bestEpoch === 0) {
        history.bestLoss = monitored;
        history.bestEpoch = epoch;
        log.best = true;
        sinceBest = 0;
        parts.best = await snapshot(model);
        if (ckpt && await ckpt.saveBest(model, ckptMeta, monitored)) history.checkpointEpoch = epoch;
      } else if (opts.earlyStopping && ++sinceBest >= opts.earlyStopping.patience) {
        stop('earlyStopping', `no improvement of ${history.monitor} for ${opts.earlyStopping.patience} epochs (best: epoch ${history.bestEpoch})`);
      }
      if (opts.scheduler && (opts.schedulerInterval ?? 'epoch') === 'epoch') opts.scheduler.step();
      history.epochs.push(log);
      history.iterations = iteration;
      if (ckpt) await saveFull(epoch, null, ckptMeta);
      reporter.epochEnd(log);
      writeLog?.(log);
      for (const cb of callbacks) await cb.onEpochEnd?.(log, ctx);
    }
    const last = history.epochs.length;
    if ((opts.restoreBest ?? true) && parts.best && history.bestEpoch !== last) {
      restoreSnapshot(model, parts.best, device);
      reporter.note(`restored the parameters of epoch ${history.bestEpoch} (${history.monitor} ${history.bestLoss.toFixed(4)})`);
    }
    if (ckpt && history.checkpointEpoch === 0) {
      reporter.note(`kept ${ckpt.best}: its recorded ${monitor} ${ckpt.recordedBest.toFixed(4)} is lower than this run's best ${history.bestLoss.toFixed(4)}`);
    }
    history.stopReason = stopReason;
    history.stopMessage = stopMessage;
    history.seconds = (performance.now() - t0) / 1000;
    if (stopReason !== 'epochs') reporter.note(`stopped: ${stopMessage}`);
    for (const cb of callbacks) await cb.onTrainEnd?.(history, ctx);
    return history;
  } finally {
    reporter.close();
  }
}
