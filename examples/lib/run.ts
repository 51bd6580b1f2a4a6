// Shared plumbing of the examples: train with fit, report the test accuracy, and tell whether a
// file is being run as a script (so tests can import the same functions).
import { pathToFileURL } from 'node:url';
import { DataLoader, evaluate, fit, nn, noGrad, optim, type ArrayDataset, type History } from '../../src/index.js';

export interface TrainResult {
  /** Accuracy on the held-out test set, in [0, 1]. */
  accuracy: number;
  history: History;
}

/**
 * Adam on `train`, then the accuracy on `test`. The test set is not used during training (fit
 * keeps the parameters of the epoch with the lowest training loss).
 */
export async function trainAndTest(
  model: nn.Module, train: ArrayDataset, test: ArrayDataset,
  { epochs, lr = 3e-3, batchSize = 32, seed = 0, quiet = true }: { epochs: number; lr?: number; batchSize?: number; seed?: number; quiet?: boolean },
): Promise<TrainResult> {
  const history = await fit(model, train, {
    epochs, batchSize, seed, optimizer: new optim.Adam(model.parameters(), { lr }), progress: quiet ? 'none' : 'auto',
  });
  return { accuracy: evaluate(model, test).accuracy, history };
}

/** True when `metaUrl`'s file is the script node was asked to run. */
export const isMain = (metaUrl: string): boolean => process.argv[1] !== undefined && metaUrl === pathToFileURL(process.argv[1]).href;

/**
 * "Precise BN": recomputes every batch norm's running statistics as the plain average over up to
 * `maxSamples` training samples with the final weights. After a short run the running averages
 * (momentum 0.1) still remember the early weights, so eval mode scores far below train mode;
 * re-estimating them costs forward passes only.
 */
export function recalibrateBatchNorm(model: nn.Module, data: ArrayDataset, { maxSamples = 1000, batchSize = 50 } = {}): void {
  const norms = model.modules().filter((m): m is nn.BatchNormNd => m instanceof nn.BatchNormNd);
  const device = model.parameters()[0]?.device ?? 'cpu';
  const saved = norms.map((bn) => bn.momentum);
  for (const bn of norms) bn.resetRunningStats();
  const wasTraining = model.training;
  model.train();
  try {
    noGrad(() => {
      let seen = 0, batches = 0;
      for (const { x } of new DataLoader(data, { batchSize, shuffle: true, seed: 0 })) {
        if (seen >= maxSamples) break;
        // Momentum 1/k at the k-th batch: the cumulative average over the batches seen, on any
        // device (momentum null would read the batch count back from it).
        batches++;
        for (const bn of norms) Object.assign(bn, { momentum: 1 / batches });
        model.forward(x.to(device));
        seen += x.shape[0]!;
      }
    });
  } finally {
    norms.forEach((bn, i) => Object.assign(bn, { momentum: saved[i] }));
    model.train(wasTraining);
  }
}
