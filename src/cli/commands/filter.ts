// `striate filter`: the classic image kernels applied through the engine's conv2d.
import { extname } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { readImage, toGray, writePng } from '../../image/codec.js';
import { filterImage, type BorderMode } from '../../image/filter.js';
import { IMAGE_KERNELS, readKernelFile, type Kernel2d } from '../../image/kernels.js';
import { choiceArg, intArg, requireFile, UsageError } from '../args.js';
import { formatMatrix } from '../format.js';
import type { CliIo } from '../io.js';

interface FilterCliOptions {
  kernel?: string;
  kernelFile?: string;
  border: BorderMode;
  padding: number | 'same';
  stride: number;
  gray?: boolean;
  list?: boolean;
}

function paddingArg(value: string): number | 'same' {
  if (value === 'same') return 'same';
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected 'same' or a non-negative integer, got "${value}"`);
  return Number(value);
}

function listKernels(): string {
  return Object.entries(IMAGE_KERNELS)
    .map(([name, { kernel, description }]) => `${name}: ${description}\n${formatMatrix(kernel)}\n`)
    .join('\n');
}

export function registerFilter(program: Command, io: CliIo): void {
  program
    .command('filter')
    .description('apply a classic image kernel (edge, sharpen, blur, Sobel, or your own) to a PNG/JPEG through conv2d')
    .argument('[input]', 'PNG or JPEG image')
    .argument('[output]', 'output PNG path')
    .option('-k, --kernel <name>', `named kernel: ${Object.keys(IMAGE_KERNELS).join(', ')}`)
    .option('--kernel-file <path>', 'custom kernel from a .json ([[...],...] or {"kernel":..., "scale":...}) or .csv file')
    .option('-b, --border <mode>', 'what the padding holds: zero, replicate, reflect', choiceArg(['zero', 'replicate', 'reflect'] as const), 'zero')
    .option('-p, --padding <p>', "pixels added on each side, or 'same' (output as large as the input at stride 1)", paddingArg, 'same')
    .option('-s, --stride <s>', 'step between kernel positions (output shrinks by this factor)', intArg(1), 1)
    .option('--gray', 'convert to grayscale first')
    .option('--list', 'list the named kernels and exit')
    .addHelpText('after', `
Each colour channel is filtered on its own (a depthwise conv2d, groups = channels); values are
clamped to 0..255 in the output PNG; an alpha channel is carried over unfiltered.

Examples:
  striate filter photo.jpg edges.png --kernel edge --gray
  striate filter photo.png blur.png --kernel gaussian-5 --border reflect
  striate filter photo.png small.png --kernel box-blur --stride 2
  striate filter photo.png out.png --kernel-file my-kernel.csv
  striate filter --list`)
    .action((input: string | undefined, output: string | undefined, opts: FilterCliOptions) => {
      if (opts.list) {
        io.out(listKernels());
        return;
      }
      if (!input || !output) throw new UsageError('filter: needs an input image and an output PNG path');
      if (extname(output).toLowerCase() !== '.png') throw new UsageError(`filter: output ${output} must end in .png`);
      if (opts.kernel && opts.kernelFile) throw new UsageError('filter: give either --kernel or --kernel-file, not both');
      let kernel: Kernel2d;
      if (opts.kernelFile) {
        kernel = readKernelFile(opts.kernelFile);
      } else {
        const name = opts.kernel ?? '';
        const entry = IMAGE_KERNELS[name];
        if (!entry) {
          throw new UsageError(`filter: ${name ? `unknown kernel "${name}"` : 'no kernel given (--kernel or --kernel-file)'}; named kernels: ${Object.keys(IMAGE_KERNELS).join(', ')}`);
        }
        kernel = entry.kernel;
      }
      requireFile(input, 'input image');
      let img = readImage(input);
      if (opts.gray) img = toGray(img);
      const out = filterImage(img, kernel, { border: opts.border, padding: opts.padding, stride: opts.stride });
      writePng(output, out);
      io.out(`${input} (${img.width}×${img.height}, ${img.channels} channel${img.channels > 1 ? 's' : ''}) → ${output} (${out.width}×${out.height}), ` +
        `kernel ${opts.kernelFile ?? opts.kernel} ${kernel.length}×${kernel[0]!.length}, border ${opts.border}, padding ${opts.padding}, stride ${opts.stride}\n`);
    });
}
