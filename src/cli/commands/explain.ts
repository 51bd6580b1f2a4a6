// `striate explain conv`: convolution as im2col and a matrix product, step by step.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { checkKernel, parseKernel, readKernelFile } from '../../image/kernels.js';
import { intArg, shapeArg, UsageError } from '../args.js';
import { explainConv, formatExplainConv, LECTURE_INPUT, LECTURE_KERNEL, randomExample } from '../explain-conv.js';
import type { CliIo } from '../io.js';

interface ExplainOptions {
  input?: string;
  kernel?: string;
  size?: number[];
  kernelSize?: number[];
  padding: number;
  stride: number;
  seed: number;
  json?: boolean;
}

/** A matrix given inline (JSON or CSV text) or as a .json/.csv file. */
function matrixArg(value: string, what: string): number[][] {
  try {
    return existsSync(value) ? readKernelFile(value) : parseKernel(value, `--${what}`);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function hw(dims: number[] | undefined, flag: string): [number, number] | undefined {
  if (!dims) return undefined;
  if (dims.length === 1) return [dims[0]!, dims[0]!];
  if (dims.length === 2) return [dims[0]!, dims[1]!];
  throw new UsageError(`explain conv: ${flag} takes one size (square) or HxW, got ${dims.join('x')}`);
}

export function registerExplain(program: Command, io: CliIo): void {
  program
    .command('explain')
    .description("show how an operation computes, like the lecture's slides (topics: conv)")
    .argument('<topic>', 'what to explain: conv')
    .option('--input <matrix>', 'input matrix: JSON like [[1,2],[3,4]], CSV text, or a .json/.csv file')
    .option('--kernel <matrix>', 'kernel matrix, same forms as --input')
    .option('--size <q>', 'random input of this size instead (e.g. 6 or 4x6)', shapeArg)
    .option('--kernel-size <k>', 'random kernel of this size instead (e.g. 3 or 2x3)', shapeArg)
    .option('-p, --padding <p>', 'zeros added on each side', intArg(0), 0)
    .option('-s, --stride <s>', 'step between receptive fields', intArg(1), 1)
    .option('--seed <n>', 'seed for the random matrices of --size/--kernel-size', intArg(0), 0)
    .option('--json', 'print every stage as JSON instead of text')
    .addHelpText('after', `
Without --input/--kernel/--size it shows the lecture's example: a 5×5 image and a 3×3 kernel,
giving [[12,12,17],[10,17,19],[9,6,14]].

Examples:
  striate explain conv
  striate explain conv --padding 1 --stride 2
  striate explain conv --size 4 --kernel-size 2 --seed 7
  striate explain conv --input "[[1,2,3],[4,5,6],[7,8,9]]" --kernel "[[1,0],[0,-1]]"`)
    .action((topic: string, opts: ExplainOptions) => {
      if (topic !== 'conv') throw new UsageError(`explain: unknown topic "${topic}"; available: conv`);
      const size = hw(opts.size, '--size');
      const kSize = hw(opts.kernelSize, '--kernel-size');
      const random = randomExample(size ?? [5, 5], kSize ?? [3, 3], opts.seed);
      const input = opts.input ? matrixArg(opts.input, 'input') : size ? random.input : LECTURE_INPUT;
      const kernel = opts.kernel ? matrixArg(opts.kernel, 'kernel') : kSize ? random.kernel : LECTURE_KERNEL;
      checkKernel(input, '--input');
      const result = explainConv({ input, kernel, padding: opts.padding, stride: opts.stride });
      io.out(opts.json ? `${JSON.stringify(result)}\n` : formatExplainConv(result));
    });
}
