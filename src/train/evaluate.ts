// Evaluation: the model in eval mode, no tape, metrics over a whole dataset.
import { noGrad } from '../autograd/grad-mode.js';
import { DataLoader } from '../data/loader.js';
import type { ArrayDataset } from '../data/dataset.js';
import type { Device } from '../kernels/storage.js';
import { crossEntropy } from '../ops/loss.js';
import type { Tensor } from '../ops/tensor.js';
import { ClassificationMetrics, type ClassificationResult } from './metrics.js';
import type { LossFn, TrainableModel } from './types.js';

export interface EvaluateOptions {
  /** Default 64. */
  batchSize?: number;
  /** Also report top-k accuracy for these k, e.g. [5]. */
  topK?: number[];
  loss?: LossFn;
}

export interface EvaluateAsyncOptions extends EvaluateOptions {
  /** Where the batches are computed: the model's device (move it first with model.to). Default 'cpu'. */
  device?: Device;
}

/** A dataset or a loader as a loader (datasets in order, without augmentation). */
export function asLoader(data: ArrayDataset | DataLoader, batchSize: number): DataLoader {
  return data instanceof DataLoader ? data : new DataLoader(data, { batchSize });
}

/**
 * Loss, accuracy, top-k, per-class accuracy and confusion matrix of a classifier on a dataset.
 * Restores the model's train/eval mode afterwards.
 * @example const { accuracy, confusion } = evaluate(model, testSet); // accuracy in [0, 1]
 */
export function evaluate(model: TrainableModel, data: ArrayDataset | DataLoader, opts: EvaluateOptions = {}): ClassificationResult {
  const run = evaluation(model, data, opts);
  try {
    for (const { x, y } of run.loader) {
      const { out, loss } = run.batch(x, y);
      run.metrics.update(out.data, y, loss.item() * y.length);
    }
  } finally {
    run.done();
  }
  return run.metrics.result();
}

/**
 * evaluate on any device: batches move to `device`, where the model must already be; logits and
 * loss are read back asynchronously.
 * @example model.to('webgpu'); const { accuracy } = await evaluateAsync(model, testSet, { device: 'webgpu' });
 */
export async function evaluateAsync(
  model: TrainableModel, data: ArrayDataset | DataLoader, opts: EvaluateAsyncOptions = {},
): Promise<ClassificationResult> {
  const run = evaluation(model, data, opts);
  const device = opts.device ?? 'cpu';
  try {
    for (const { x, y } of run.loader) {
      const { out, loss } = run.batch(x.to(device), y);
      const [logits, l] = await Promise.all([out.toArrayAsync(), loss.itemAsync()]);
      run.metrics.update(logits, y, l * y.length);
    }
  } finally {
    run.done();
  }
  return run.metrics.result();
}

// What both evaluations share: the loader, the metrics, eval mode (restored by done) and one
// batch's forward pass and loss without a tape.
function evaluation(model: TrainableModel, data: ArrayDataset | DataLoader, opts: EvaluateOptions) {
  // Modest batches: with evaluation batches of 250+ the wasm backend's memory grew epoch after
  // epoch (up to its 3.4 GB limit on full Fashion-MNIST); with 64 it stays flat.
  const loader = asLoader(data, opts.batchSize ?? 64);
  const lossFn = opts.loss ?? crossEntropy;
  const numClasses = loader.dataset.numClasses;
  const metrics = new ClassificationMetrics(numClasses, opts.topK ?? []);
  const wasTraining = model.training;
  model.eval();
  const batch = (x: Tensor, y: Int32Array): { out: Tensor; loss: Tensor } => noGrad(() => {
    const out = model.forward(x);
    if (out.ndim !== 2 || out.shape[1] !== numClasses) {
      throw new Error(`evaluate: the model outputs shape [${out.shape.join(', ')}], expected [${y.length}, ${numClasses}] ` +
        `for ${numClasses} classes`);
    }
    return { out, loss: lossFn(out, y) };
  });
  return { loader, metrics, batch, done: () => model.train(wasTraining) };
}
