// `striate summary`: the torchinfo-style table of a zoo model or of a saved model file.
import type { Command } from 'commander';
import { estimateForwardBytes } from '../../models/memory-estimate.js';
import { summary } from '../../models/summary.js';
import { sizeOf } from '../../tensor/shape.js';
import { checkElements, checkMemory } from '../limits.js';
import { intArg, shapeArg, UsageError } from '../args.js';
import type { CliIo } from '../io.js';
import { fromFile, isModelFile } from '../../models/model-file.js';
import { listModels, ZOO } from '../../models/zoo.js';
import { zooName } from '../zoo.js';
import { fromOnnxFile, isOnnxFile } from '../onnx-file.js';

interface SummaryCliOptions {
  inputShape?: number[];
  numClasses?: number;
  inChannels?: number;
  depth: number;
  json?: boolean;
}

export function registerSummary(program: Command, io: CliIo): void {
  program
    .command('summary')
    .description('per-layer output shapes, parameters and multiply-accumulates of a model (like torchinfo)')
    .argument('<model>', 'a model name (see below), a .safetensors file saved by `striate train`, or a .onnx file')
    .option('-i, --input-shape <shape>', 'input shape with batch, e.g. 1,3,224,224 (default: the model\'s native size, batch 1)', shapeArg)
    .option('--num-classes <n>', 'output classes (zoo models)', intArg(1))
    .option('--in-channels <n>', 'input channels (zoo models)', intArg(1))
    .option('-d, --depth <n>', 'deepest nesting level shown', intArg(1), 3)
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', () => `
Models:
${listModels()}

Exit code 1 when the input shape cannot flow through the model (the table shows where, with
the size formula).

Examples:
  striate summary resnet18
  striate summary lenet5 --input-shape 8,1,28,28
  striate summary alexnet --input-shape 1,3,64,64      (fails at a layer: see where and why)
  striate summary runs/fashion.safetensors
  striate summary resnet18.onnx --input-shape 1,3,224,224   (when the file leaves sizes open)`)
    .action(async (name: string, opts: SummaryCliOptions) => {
      let model;
      let sample: number[];
      if (isOnnxFile(name)) {
        if (opts.numClasses || opts.inChannels) throw new UsageError('summary: --num-classes/--in-channels apply to zoo models; an ONNX file knows its own');
        const loaded = await fromOnnxFile(name, opts.inputShape);
        model = loaded.model;
        sample = loaded.sampleShape;
      } else if (isModelFile(name)) {
        if (opts.numClasses || opts.inChannels) throw new UsageError('summary: --num-classes/--in-channels apply to zoo models; a model file knows its own');
        const loaded = await fromFile(name);
        model = loaded.model;
        sample = loaded.sampleShape;
      } else {
        const entry = ZOO[zooName(name)]!;
        const inChannels = opts.inChannels ?? entry.inChannels;
        model = entry.build({ numClasses: opts.numClasses ?? entry.numClasses, inChannels });
        sample = [inChannels, ...entry.spatial];
      }
      const inputShape = opts.inputShape ?? [1, ...sample];
      checkElements(inputShape, 'summary: --input-shape');
      const probe = [1, ...sample];
      if (sizeOf(inputShape) > sizeOf(probe)) checkMemory(estimateForwardBytes(model, inputShape, probe), `summary: ${name} at ${JSON.stringify(inputShape)}`);
      const s = summary(model, inputShape, { print: false, depth: opts.depth });
      if (opts.json) {
        const { table: _table, ...rest } = s;
        io.out(`${JSON.stringify(rest)}\n`);
      } else {
        io.out(`${s.table}\n`);
      }
      if (s.error) throw new Error(`summary: input ${JSON.stringify(inputShape)} cannot flow through ${name}: it fails at ${s.error.layer} (${s.error.type})`);
    });
}
