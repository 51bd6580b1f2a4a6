// Panel 4: training on the embedded Fashion-MNIST subset with the library's fit loop: the
// lecture's controls (optimiser, α, batch size, epochs, λ, δ, N_max), progress events for the
// live curves, pause and stop between steps, and the best-validation parameters kept at the end.
import { ClassificationMetrics, fit, optim, tensor, trainingCurvesSvg, type ArrayDataset, type Device, type EpochLog, type History, type OptimizerLike, type Tensor } from '../../../src/index.js';
import { modelDevice } from './device.js';
import { fashionData } from './fashion.js';
import type { Emit } from './handlers.js';
import { ARCHITECTURES, currentOnDevice, inEvalMode, replace, type Architecture } from './model-state.js';

export interface TrainArgs {
  architecture: Architecture;
  optimizer: 'sgd' | 'momentum' | 'adam';
  lr: number;
  batchSize: number;
  epochs: number;
  /** λ of the L2 term; 0 = off. */
  l2: number;
  /** δ of the stopping rule; 0 = off. */
  tol: number;
  /** N_max; 0 = off. */
  maxIterations: number;
  /** How many of the 5,000 training images to use. */
  trainImages: number;
}

export interface StepEvent { iteration: number; epoch: number; epochs: number; step: number; steps: number; batchLoss: number; loss: number; accuracy: number; imagesPerSecond: number }
export interface EpochEvent { log: EpochLog; curves: string }

export interface TestReport {
  accuracy: number;
  confusion: number[][];
  classNames: string[];
  /** The first misclassified test images: 28×28 gray pixels, true and predicted class. */
  misclassified: { pixels: Uint8ClampedArray; label: number; predicted: number }[];
}

export interface TrainResult { stopReason: string; bestEpoch: number; iterations: number; seconds: number; test: TestReport; device: Device }

const control = { running: false, paused: false, stop: false, resume: () => {} };

function check(a: TrainArgs): void {
  const positiveInt = (name: string, v: number, max: number) => {
    if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`${name} must be an integer from 1 to ${max}, got ${v}`);
  };
  positiveInt('batch size', a.batchSize, 1000);
  positiveInt('epochs', a.epochs, 100);
  positiveInt('training images', a.trainImages, 5000);
  if (!(a.lr > 0 && a.lr <= 10)) throw new Error(`α (learning rate) must be in (0, 10], got ${a.lr}`);
  if (!(a.l2 >= 0)) throw new Error(`λ must be 0 (off) or positive, got ${a.l2}`);
  if (!(a.tol >= 0)) throw new Error(`δ must be 0 (off) or positive, got ${a.tol}`);
  if (!(Number.isInteger(a.maxIterations) && a.maxIterations >= 0)) throw new Error(`N_max must be 0 (off) or a positive integer, got ${a.maxIterations}`);
}

function makeOptimizer(a: TrainArgs, params: Tensor[]): OptimizerLike {
  if (a.optimizer === 'adam') return new optim.Adam(params, { lr: a.lr });
  return new optim.SGD(params, { lr: a.lr, momentum: a.optimizer === 'momentum' ? 0.9 : 0 });
}

/** Predictions on the test set (on the model's device): the confusion matrix and the first misclassified images. */
export async function testReport(test: ArrayDataset, limit = 24): Promise<TestReport> {
  const { model } = await currentOnDevice();
  const device = await modelDevice();
  const metrics = new ClassificationMetrics(test.numClasses);
  const misclassified: TestReport['misclassified'] = [];
  const batch = 250;
  for (let start = 0; start < test.length; start += batch) {
    const n = Math.min(batch, test.length - start);
    const x = tensor(test.data.subarray(start * test.sampleSize, (start + n) * test.sampleSize), [n, ...test.sampleShape], { device });
    const logits = await inEvalMode(model, () => model.forward(x)).toArrayAsync();
    const labels = test.labels.subarray(start, start + n);
    metrics.update(logits, labels);
    for (let i = 0; i < n && misclassified.length < limit; i++) {
      const row = logits.subarray(i * 10, (i + 1) * 10);
      const predicted = row.indexOf(Math.max(...row));
      if (predicted !== labels[i]) {
        const px = test.sample(start + i);
        misclassified.push({ pixels: Uint8ClampedArray.from(px, (v) => v * 255), label: labels[i]!, predicted });
      }
    }
  }
  const r = metrics.result();
  return { accuracy: r.accuracy, confusion: r.confusion, classNames: [...test.classNames], misclassified };
}

export async function train(a: TrainArgs, emit: Emit): Promise<TrainResult> {
  if (control.running) throw new Error('training is already running; stop it first');
  check(a);
  const data = await fashionData();
  const device = await modelDevice();
  const model = ARCHITECTURES[a.architecture].build();
  replace(model, a.architecture, false);
  Object.assign(control, { running: true, paused: false, stop: false });
  const epochs: EpochLog[] = [];
  let history: History;
  try {
    history = await fit(model, { train: data.train.take(a.trainImages), val: data.val }, {
      epochs: a.epochs, batchSize: a.batchSize, optimizer: makeOptimizer(a, model.parameters()), seed: 0,
      l2: a.l2 > 0 ? a.l2 : undefined, tol: a.tol > 0 ? a.tol : undefined, maxIterations: a.maxIterations > 0 ? a.maxIterations : undefined,
      restoreBest: true, yieldEvery: 30, device,
      callbacks: {
        onBatchEnd: async (s, ctx) => {
          emit('train-step', { iteration: s.iteration, epoch: s.epoch, epochs: s.epochs, step: s.step, steps: s.steps, batchLoss: s.batchLoss, loss: s.loss, accuracy: s.accuracy, imagesPerSecond: s.imagesPerSecond } satisfies StepEvent);
          if (control.paused && !control.stop) {
            emit('train-paused', true);
            await new Promise<void>((resolve) => { control.resume = resolve; });
            emit('train-paused', false);
          }
          if (control.stop) ctx.stop('stopped on the page');
        },
        onEpochEnd: (log) => {
          epochs.push(log);
          const best = epochs.reduce((b, e) => (e.best ? e.epoch : b), 0);
          emit('train-epoch', { log, curves: trainingCurvesSvg(epochs, { title: ARCHITECTURES[a.architecture].label, bestEpoch: best }) } satisfies EpochEvent);
        },
      },
    });
  } finally {
    control.running = false;
    control.paused = false;
  }
  replace(model, a.architecture, true);
  return { stopReason: history.stopMessage, bestEpoch: history.bestEpoch, iterations: history.iterations, seconds: history.seconds, test: await testReport(data.test), device };
}

export const isTraining = (): boolean => control.running;

export function pause(on: boolean): boolean {
  if (!control.running) return false;
  control.paused = on;
  if (!on) control.resume();
  return true;
}

export function stop(): boolean {
  if (!control.running) return false;
  control.stop = true;
  control.paused = false;
  control.resume();
  return true;
}
