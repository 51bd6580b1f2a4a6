// Evaluation: the model in eval mode, no tape, metrics over a whole dataset.
import { noGrad } from '../autograd/grad-mode.js';
import { DataLoader } from '../data/loader.js';
import type { ArrayDataset } from '../data/dataset.js';
import { crossEntropy } from '../ops/loss.js';
import { ClassificationMetrics, type ClassificationResult } from './metrics.js';
import type { LossFn, TrainableModel } from './types.js';

export interface EvaluateOptions {
  /** Default 64. */
  batchSize?: number;
  /** Also report top-k accuracy for these k, e.g. [5]. */
  topK?: number[];
  loss?: LossFn;
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
  // Modest batches: with evaluation batches of 250+ the wasm backend's memory grew epoch after
  // epoch (up to its 3.4 GB limit on full Fashion-MNIST); with 64 it stays flat.
  const loader = asLoader(data, opts.batchSize ?? 64);
  const lossFn = opts.loss ?? crossEntropy;
  const metrics = new ClassificationMetrics(loader.dataset.numClasses, opts.topK ?? []);
  const wasTraining = model.training;
  model.eval();
  try {
    noGrad(() => {
      for (const { x, y } of loader) {
        const out = model.forward(x);
        if (out.ndim !== 2 || out.shape[1] !== loader.dataset.numClasses) {
          throw new Error(`evaluate: the model outputs shape [${out.shape.join(', ')}], expected [${y.length}, ${loader.dataset.numClasses}] ` +
            `for ${loader.dataset.numClasses} classes`);
        }
        const loss = lossFn(out, y).item();
        metrics.update(out.data, y, loss * y.length);
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return metrics.result();
}
