// `striate train` and `striate eval`: thin doors to fit/evaluate (src/train), the datasets of
// src/data and the model files of src/io; this file only turns arguments into their options.
import type { Command } from 'commander';
import { randomSplit, type ArrayDataset } from '../../data/dataset.js';
import { loadModel, readModelHeader } from '../../io/files.js';
import { Adam, AdamW } from '../../optim/adam.js';
import { SGD } from '../../optim/sgd.js';
import { manualSeed } from '../../tensor/rng.js';
import { evaluate, evaluateAsync } from '../../train/evaluate.js';
import { fit } from '../../train/fit.js';
import { RESUME_KEY } from '../../train/resume-state.js';
import { formatConfusionMatrix } from '../../train/metrics.js';
import { choiceArg, intArg, numberArg, requireFile, shapeArg, UsageError } from '../args.js';
import { DATA_HELP, loadCliData } from '../data.js';
import { DEVICE_OPTION, describeGpu, openWebGpu, type CliDevice } from '../device.js';
import type { CliIo } from '../io.js';
import { listModels, ZOO } from '../../models/zoo.js';
import { zooName } from '../zoo.js';
import { loadCliModel } from '../onnx-file.js';

interface TrainOptions {
  model: string;
  data: string;
  epochs: number;
  batchSize: number;
  optimizer: 'sgd' | 'adam' | 'adamw';
  lr?: number;
  momentum: number;
  weightDecay: number;
  seed: number;
  checkpoint?: string;
  checkpointEvery?: number;
  resume?: string;
  force?: boolean;
  valFraction: number;
  limit?: number;
  pad: number;
  progress: 'auto' | 'bar' | 'lines' | 'none';
  device: CliDevice;
}

const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;

export function registerTrain(program: Command, io: CliIo): void {
  program
    .command('train')
    .description('train a model of the zoo on a dataset, with validation, checkpoints and resume')
    .requiredOption('-m, --model <name>', 'model to train (see below)')
    .option('--data <spec>', 'dataset (see below)', 'fashion-mnist')
    .option('-e, --epochs <n>', 'passes over the training data (resuming a full checkpoint: in all, counting those done)', intArg(1), 5)
    .option('-b, --batch-size <n>', 'samples per step', intArg(1), 64)
    .option('--optimizer <name>', 'sgd, adam or adamw', choiceArg(['sgd', 'adam', 'adamw'] as const), 'sgd')
    .option('--lr <rate>', 'learning rate (default 0.01 for sgd, 0.001 for adam/adamw)', numberArg(true))
    .option('--momentum <m>', 'SGD momentum', numberArg(), 0.9)
    .option('--weight-decay <w>', 'weight decay (L2 for sgd/adam, decoupled for adamw)', numberArg(), 0)
    .option('--seed <n>', 'seed for initialisation, shuffling and the validation split', intArg(0), 0)
    .option('-c, --checkpoint <path>', 'save the best model here (.safetensors) whenever validation improves on it; the last state goes to <name>.last.safetensors')
    .option('--checkpoint-every <steps>', 'also save the full state every this many steps, so --resume continues mid-epoch', intArg(1))
    .option('--force', 'let --checkpoint replace an existing file that is not a striate model')
    .option('--resume <path>', 'continue a run from its full checkpoint (<checkpoint>.last.safetensors), or start from the weights of a model file')
    .option('--val-fraction <f>', 'share of the training data held out for validation (0 for none)', numberArg(), 0.1)
    .option('--limit <n>', 'use at most n samples per class, of the training and the test set (quick runs)', intArg(1))
    .option('--pad <n>', 'zero pixels added around each image (2 turns 28×28 into 32×32 for resnet20)', intArg(0), 0)
    .option('--progress <mode>', 'auto, bar, lines or none', choiceArg(['auto', 'bar', 'lines', 'none'] as const), 'auto')
    .option(...DEVICE_OPTION)
    .addHelpText('after', () => `
Models:
${listModels()}

${DATA_HELP}

After every epoch (and every --checkpoint-every steps) the full state (weights, optimiser state
and settings, schedule, epoch and step, random generators, the data loader's position, history)
is saved to <checkpoint>.last.safetensors; --resume with that file continues the run exactly where
it stopped, mid-epoch too, up to --epochs in all. --resume with any other
model file loads its weights only and trains --epochs more, the optimiser starting afresh.
An existing --checkpoint file is replaced only by a model whose validation loss beats the one it
records, and never if it is not a striate model (unless --force).

Examples:
  striate train -m lenet5 --epochs 5 -c runs/lenet5.safetensors
  striate train -m resnet20 --pad 2 --optimizer sgd --lr 0.1 --epochs 10 -c runs/r20.safetensors
  striate train -m lenet5 --epochs 5 -c runs/lenet5.safetensors --resume runs/lenet5.last.safetensors   (go on after a stop)
  striate train -m resnet20 --pad 2 --epochs 10 -c runs/r20.safetensors --checkpoint-every 200
  striate train -m resnet20 --pad 2 --resume runs/r20.safetensors --epochs 5 -c runs/r20b.safetensors
  striate train -m signalCnn --data signals.csv --optimizer adam`)
    .action(async (opts: TrainOptions) => {
      const name = zooName(opts.model);
      if (!(opts.valFraction >= 0 && opts.valFraction < 1)) throw new UsageError(`train: --val-fraction must be in [0, 1), got ${opts.valFraction}`);
      if (opts.resume) requireFile(opts.resume, 'resume model file');
      if (opts.checkpointEvery !== undefined && !opts.checkpoint) throw new UsageError('train: --checkpoint-every needs --checkpoint <path>');
      if (opts.checkpointEvery !== undefined && opts.device !== 'cpu') throw new UsageError('train: --checkpoint-every needs --device cpu for now');
      const entry = ZOO[name]!;
      const channels = entry.inChannels === 1 ? 1 : 3;
      const all = await loadCliData(opts.data, { split: 'train', channels, limit: opts.limit, pad: opts.pad });
      const [train, val] = opts.valFraction > 0 ? randomSplit(all, opts.valFraction, { seed: opts.seed }) : [all, undefined];
      const test = opts.data.startsWith('fashion-mnist') ? await loadCliData(opts.data, { split: 'test', channels, limit: opts.limit, pad: opts.pad }) : undefined;
      const shape = { numClasses: all.numClasses, inChannels: all.sampleShape[0]! };
      if (opts.device === 'webgpu') io.out(`Device: ${describeGpu(await openWebGpu('train'))}\n`);
      manualSeed(opts.seed);
      const model = entry.build(shape);
      const full = opts.resume ? (await readModelHeader(opts.resume)).metadata.raw[RESUME_KEY] !== undefined : false;
      if (opts.resume && !full) {
        await loadModel(model, opts.resume);
        io.out(`Starting from the weights of ${opts.resume} (not a full checkpoint: the optimiser and the epoch count start afresh)\n`);
      }
      const params = model.parameters();
      const optimizer = opts.optimizer === 'sgd'
        ? new SGD(params, { lr: opts.lr ?? 0.01, momentum: opts.momentum, weightDecay: opts.weightDecay })
        : new (opts.optimizer === 'adam' ? Adam : AdamW)(params, { lr: opts.lr ?? 1e-3, weightDecay: opts.weightDecay });
      const training = { data: opts.data, sampleShape: all.sampleShape.slice(), pad: opts.pad };
      io.out(`Training ${name} (${params.reduce((s, p) => s + p.numel(), 0).toLocaleString('en-US')} parameters) on ${opts.data}: ` +
        `${train.length} training${val ? `, ${val.length} validation` : ''} samples of [${all.sampleShape.join(', ')}], ${all.numClasses} classes\n`);
      const history = await fit(model, val ? { train, val } : train, {
        epochs: opts.epochs, batchSize: opts.batchSize, optimizer, seed: opts.seed, progress: opts.progress, device: opts.device,
        checkpoint: opts.checkpoint, force: opts.force ?? false,
        ...(opts.checkpointEvery ? { checkpointEvery: { steps: opts.checkpointEvery } } : {}),
        checkpointMetadata: { classNames: all.classNames, training },
        ...(full ? { resume: opts.resume! } : {}),
      });
      const final = await evaluateAsync(model, test ?? val ?? train, { device: opts.device });
      const on = test ? `test set (${test.length})` : val ? `validation set (${val.length})` : `training set (${train.length})`;
      io.out(`Best epoch ${history.bestEpoch} of ${history.epochs.length} (${history.stopMessage || history.stopReason}), ${history.seconds.toFixed(1)} s\n`);
      io.out(`Accuracy on the ${on}: ${pct(final.accuracy)}, loss ${final.loss.toFixed(4)}\n`);
      if (opts.checkpoint) {
        io.out(history.checkpointEpoch > 0
          ? `Saved ${opts.checkpoint} (epoch ${history.checkpointEpoch})\n`
          : `Kept ${opts.checkpoint}: the model it holds has a lower validation loss than this run's best\n`);
      }
    });
}

interface EvalOptions {
  data: string;
  inputShape?: number[];
  split: 'train' | 'test';
  limit?: number;
  batchSize: number;
  confusion?: boolean;
  device: CliDevice;
}

export function registerEval(program: Command, io: CliIo): void {
  program
    .command('eval')
    .description('accuracy, loss and confusion matrix of a saved model on a dataset')
    .argument('<model-file>', 'a .safetensors file saved by `striate train`, or a .onnx file')
    .option('--data <spec>', 'dataset (see below)', 'fashion-mnist')
    .option('-i, --input-shape <shape>', '.onnx files that leave it open: input shape with batch, e.g. 1,1,28,28', shapeArg)
    .option('--split <name>', 'train or test (Fashion-MNIST)', choiceArg(['train', 'test'] as const), 'test')
    .option('--limit <n>', 'use at most n samples per class', intArg(1))
    .option('-b, --batch-size <n>', 'samples per forward pass', intArg(1), 256)
    .option('--confusion', 'print the confusion matrix')
    .option(...DEVICE_OPTION)
    .addHelpText('after', `
${DATA_HELP}

Examples:
  striate eval runs/lenet5.safetensors
  striate eval runs/r20.safetensors --data fashion-mnist-full --confusion`)
    .action(async (file: string, opts: EvalOptions) => {
      const loaded = await loadCliModel(file, opts.inputShape, 'eval');
      const channels = loaded.sampleShape[0] === 1 ? 1 : 3;
      const ds: ArrayDataset = await loadCliData(opts.data, { split: opts.split, channels, limit: opts.limit, pad: loaded.pad });
      const want = loaded.sampleShape.join(', ');
      if (ds.sampleShape.join(', ') !== want) {
        throw new Error(`eval: ${opts.data} has samples of shape [${ds.sampleShape.join(', ')}], the model in ${file} was trained on [${want}]`);
      }
      let r: ReturnType<typeof evaluate>;
      if (opts.device === 'webgpu') {
        io.err(`running on ${describeGpu(await openWebGpu('eval'))}\n`);
        r = await evaluateAsync(loaded.model.to('webgpu'), ds, { batchSize: opts.batchSize, device: 'webgpu' });
      } else {
        r = evaluate(loaded.model, ds, { batchSize: opts.batchSize });
      }
      const split = opts.data.startsWith('fashion-mnist') ? `${opts.split}, ` : '';
      io.out(`${loaded.name} on ${opts.data} (${split}${r.count} samples): accuracy ${pct(r.accuracy)}, loss ${r.loss.toFixed(4)}\n`);
      if (opts.confusion) io.out(`${formatConfusionMatrix(r.confusion, ds.classNames)}\n`);
    });
}
