// ResNet-20 (CIFAR-style, option-A shortcuts) on Fashion-MNIST padded to 32×32.
//   npx tsx examples/resnet20-fashion.ts                          the embedded 6,000 / 1,000 subset, 3 epochs
//   npx tsx examples/resnet20-fashion.ts --full --epochs 10       the full 60,000 / 10,000 set
//   npx tsx examples/resnet20-fashion.ts --per-class 100          a class-balanced slice of the training set
//   npx tsx examples/resnet20-fashion.ts --full --epochs 30 --device webgpu   on a GPU (aimed at ≥ 94%; not yet run)
// SGD with momentum 0.9 and a cosine learning-rate schedule from 0.05, batches of 64, as in the
// ResNet paper's CIFAR recipe (shortened); weights saved to runs/resnet20-fashion.safetensors.
import { parseArgs } from 'node:util';
import { balancedSubset, evaluateAsync, fit, initWebGPU, loadFashionMnist, manualSeed, models, optim, saveModel, type ArrayDataset } from '../src/index.js';
import { padImages } from '../src/cli/data.js';
import { isMain, recalibrateBatchNorm, type TrainResult } from './lib/run.js';

export interface Resnet20Options {
  /** Training images per class (default: all). */
  perClass?: number;
  /** Test images per class (default: all). */
  testPerClass?: number;
  epochs: number;
  full?: boolean;
  lr?: number;
  /** 'sgd' (momentum 0.9, weight decay 5e-4, cosine schedule; default) or 'adam' (constant lr). */
  optimizer?: 'sgd' | 'adam';
  batchSize?: number;
  seed?: number;
  quiet?: boolean;
  save?: string;
  /** Re-estimate the batch-norm statistics on up to 1,000 training images before testing (default true). */
  preciseBn?: boolean;
  /** Where to train and test: 'cpu' (default) or 'webgpu' (call initWebGPU() first). */
  device?: 'cpu' | 'webgpu';
}

const prepare = (ds: ArrayDataset, perClass?: number): ArrayDataset => padImages(perClass ? balancedSubset(ds, perClass) : ds, 2);

export async function trainResnet20Fashion(o: Resnet20Options): Promise<TrainResult> {
  manualSeed(o.seed ?? 0);
  const source = o.full ? 'full' : 'embedded';
  const train = prepare(await loadFashionMnist({ split: 'train', source, download: false }), o.perClass);
  const test = prepare(await loadFashionMnist({ split: 'test', source, download: false }), o.testPerClass);
  const model = models.resnet20({ numClasses: 10, inChannels: 1 });
  const optimizer = o.optimizer === 'adam'
    ? new optim.Adam(model.parameters(), { lr: o.lr ?? 2e-3 })
    : new optim.SGD(model.parameters(), { lr: o.lr ?? 0.05, momentum: 0.9, weightDecay: 5e-4 });
  const scheduler = o.optimizer === 'adam' ? undefined : new optim.CosineAnnealingLR(optimizer, { tMax: o.epochs });
  const history = await fit(model, train, {
    epochs: o.epochs, batchSize: o.batchSize ?? 64, optimizer, scheduler, seed: o.seed ?? 0, progress: o.quiet ? 'none' : 'auto',
    device: o.device ?? 'cpu',
  });
  // Short runs leave the batch norms' running averages behind the weights; re-estimate them.
  if (o.preciseBn ?? true) recalibrateBatchNorm(model, train, { maxSamples: 1000 });
  const meta = (extra: Record<string, unknown>) => ({
    architecture: { name: 'resnet20', options: { numClasses: 10, inChannels: 1 } },
    classNames: train.classNames,
    training: { sampleShape: [1, 32, 32], pad: 2, epochs: o.epochs, trainImages: train.length, ...extra },
  });
  // Saved (from the CPU) before testing too, so a long run's weights survive whatever happens next.
  const device = o.device ?? 'cpu';
  await model.toAsync('cpu');
  if (o.save) await saveModel(model, o.save, meta({}));
  const accuracy = (await evaluateAsync(model.to(device), test, { device })).accuracy;
  await model.toAsync('cpu');
  if (o.save) await saveModel(model, o.save, meta({ accuracy, testImages: test.length }));
  return { accuracy, history };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: {
    full: { type: 'boolean', default: false }, epochs: { type: 'string', default: '3' }, 'per-class': { type: 'string' },
    lr: { type: 'string', default: '0.05' }, save: { type: 'string', default: 'runs/resnet20-fashion.safetensors' },
    device: { type: 'string', default: 'cpu' }, 'test-per-class': { type: 'string' },
  } });
  const device = values.device;
  if (device !== 'cpu' && device !== 'webgpu') throw new Error(`resnet20-fashion: --device must be cpu or webgpu, got '${device}'`);
  if (device === 'webgpu') {
    const gpu = await initWebGPU();
    if (!gpu) throw new Error('resnet20-fashion: --device webgpu, but this machine has no WebGPU adapter');
    console.log(`Device: webgpu (${gpu.vendor} ${gpu.architecture}, ${gpu.description})`);
  }
  const testPerClass = values['test-per-class'] ? Number(values['test-per-class']) : undefined;
  const epochs = Number(values.epochs);
  const perClass = values['per-class'] ? Number(values['per-class']) : undefined;
  const { accuracy, history } = await trainResnet20Fashion({ full: values.full, epochs, perClass, testPerClass, lr: Number(values.lr), save: values.save, device });
  console.log(`ResNet-20 on Fashion-MNIST (${values.full ? 'full' : 'embedded subset'}, padded to 32×32), ${epochs} epochs in ` +
    `${history.seconds.toFixed(0)} s: test accuracy ${(100 * accuracy).toFixed(2)}%; saved ${values.save}`);
}
