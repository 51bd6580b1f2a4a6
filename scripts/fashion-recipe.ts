// The training recipe shared by the main job (scripts/main.ts, embedded subset) and the full run
// (scripts/train-fashion-full.ts): LeNet-5, inputs normalised with the training set's mean/std,
// Adam, cosine learning-rate schedule, 10% of the training images held out for validation, the
// lowest-validation-loss parameters restored and saved, test accuracy and confusion matrix,
// curves as SVG. scripts/torch_fashion_lenet.py is the same recipe in PyTorch.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  compose, evaluate, fit, formatConfusionMatrix, getBackend, getNumThreads, manualSeed, models, normalize, optim, randomCrop,
  randomHorizontalFlip, randomSplit,
  saveModel, trainingCurvesSvg, channelStats, DataLoader, type ArrayDataset, type Callbacks, type History,
} from '../src/index.js';

export interface Recipe {
  train: ArrayDataset;
  test: ArrayDataset;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  outDir: string;
  name: string;
  /**
   * Seconds since the process started after which no epoch may end: training stops early when
   * the next epoch (estimated from the last one, plus a reserve for testing and saving) would not fit.
   */
  timeBudget?: number;
  progress?: 'auto' | 'bar' | 'lines' | 'none';
  /** Training images randomly shifted by up to this many pixels (crop of a zero-padded copy) and mirrored; 0 = none. */
  augment?: number;
  /** Where the summary goes. Default console.log. */
  log?: (line: string) => void;
}

export interface RecipeResult { history: History; testAccuracy: number; seconds: number; imagesPerSecond: number }

export async function runRecipe(r: Recipe): Promise<RecipeResult> {
  const t0 = performance.now();
  const log = r.log ?? ((line: string) => console.log(line));
  manualSeed(r.seed);
  const [train, val] = randomSplit(r.train, 0.1, { seed: r.seed });
  const { mean, std } = channelStats(train);
  const norm = normalize(mean, std);
  const model = models.lenet5({ numClasses: r.train.numClasses, inChannels: 1 });
  const opt = new optim.Adam(model.parameters(), { lr: r.lr });
  const scheduler = new optim.CosineAnnealingLR(opt, { tMax: r.epochs });
  mkdirSync(r.outDir, { recursive: true });
  const modelPath = join(r.outDir, `${r.name}.safetensors`);
  const meta = {
    architecture: { name: 'lenet5', options: { numClasses: r.train.numClasses, inChannels: 1 } },
    classNames: r.train.classNames,
    extra: { 'striate.normalize': JSON.stringify({ mean, std }) },
  };
  log(`${r.name}: LeNet-5 on ${train.length} training / ${val.length} validation / ${r.test.length} test images, ` +
    `backend ${getBackend()} (${getNumThreads()} thread${getNumThreads() === 1 ? '' : 's'}), Adam lr ${r.lr}, batch ${r.batchSize}, ${r.epochs} epochs (cosine), ` +
    `${r.augment ? `shifts of ±${r.augment} px and mirroring, ` : ''}seed ${r.seed}`);
  // Augmentation acts on the raw pixels (zero = background), before normalising.
  const trainTransform = r.augment ? compose(randomCrop({ padding: r.augment }), randomHorizontalFlip(0.5), norm) : norm;
  const budget: Callbacks = {
    onEpochEnd: (log, ctx) => {
      const elapsed = process.uptime();
      const reserve = 10;
      if (r.timeBudget !== undefined && elapsed + log.seconds * 1.15 + reserve > r.timeBudget && log.epoch < r.epochs) {
        ctx.stop(`the next epoch would pass the ${r.timeBudget}s budget (${elapsed.toFixed(0)}s so far)`);
      }
    },
  };
  const history = await fit(model, {
    train: new DataLoader(train, { batchSize: r.batchSize, shuffle: true, seed: r.seed, transform: trainTransform }),
    val: new DataLoader(val, { batchSize: r.batchSize, transform: norm }),
  }, {
    epochs: r.epochs, optimizer: opt, scheduler, checkpoint: modelPath, checkpointMetadata: meta,
    logFile: join(r.outDir, `${r.name}.jsonl`), callbacks: budget, progress: r.progress ?? 'auto',
  });
  const result = evaluate(model, new DataLoader(r.test, { batchSize: r.batchSize, transform: norm }));
  await saveModel(model, modelPath, {
    ...meta, training: { epochs: history.epochs.length, bestEpoch: history.bestEpoch, valLoss: history.bestLoss,
      testAccuracy: result.accuracy, seconds: history.seconds, backend: getBackend(), threads: getNumThreads() },
  });
  writeFileSync(join(r.outDir, `${r.name}-curves.svg`), trainingCurvesSvg(history.epochs, { title: `${r.name}: LeNet-5`, bestEpoch: history.bestEpoch }));
  const seconds = (performance.now() - t0) / 1000;
  const trained = history.epochs.reduce((s, e) => s + e.imagesPerSecond * e.seconds, 0);
  const trainSeconds = history.epochs.reduce((s, e) => s + e.seconds, 0);
  log(`\nconfusion matrix on the test set (rows: true class, columns: predicted)\n${formatConfusionMatrix(result.confusion, r.test.classNames)}`);
  log(`\ntest accuracy ${(100 * result.accuracy).toFixed(2)}% (loss ${result.loss.toFixed(4)}) · best epoch ${history.bestEpoch} of ` +
    `${history.epochs.length} · ${history.stopMessage} · ${seconds.toFixed(1)}s total, ${(trained / trainSeconds).toFixed(0)} img/s training`);
  log(`saved ${modelPath}, ${join(r.outDir, `${r.name}-curves.svg`)}, ${join(r.outDir, `${r.name}.jsonl`)}`);
  return { history, testAccuracy: result.accuracy, seconds, imagesPerSecond: trained / trainSeconds };
}
