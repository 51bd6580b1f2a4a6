// `striate export`: a saved model to an ONNX file, or to a Triton Inference Server model
// repository (<dir>/<name>/1/model.onnx and <dir>/<name>/config.pbtxt with a dynamic batch).
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../io/node-model-file.js';
import { exportOnnx } from '../../io/onnx/export.js';
import { fromFile } from '../../models/model-file.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { zeros } from '../../ops/creation.js';
import { intArg, UsageError } from '../args.js';
import type { CliIo } from '../io.js';
import { META } from '../onnx-file.js';

interface ExportCliOptions {
  triton?: string;
  name?: string;
  maxBatchSize: number;
  opset: number;
  force?: boolean;
}

/** Triton's config.pbtxt for an ONNX model: dims exclude the batch, which max_batch_size governs. */
export function tritonConfig(name: string, input: readonly number[], output: readonly number[], maxBatchSize: number): string {
  const tensor = (n: string, dims: readonly number[]): string =>
    `  {\n    name: "${n}"\n    data_type: TYPE_FP32\n    dims: [ ${dims.join(', ')} ]\n  }`;
  return [
    `name: "${name}"`,
    'platform: "onnxruntime_onnx"',
    `max_batch_size: ${maxBatchSize}`,
    `input [\n${tensor('input', input)}\n]`,
    `output [\n${tensor('output', output)}\n]`,
    'dynamic_batching { }',
    '',
  ].join('\n');
}

function refuseExisting(path: string, force: boolean | undefined): void {
  if (existsSync(path) && !force) throw new Error(`export: ${path} exists; add --force to replace it`);
}

export function registerExport(program: Command, io: CliIo): void {
  program
    .command('export')
    .description('write a saved model as ONNX (for onnxruntime, Netron, PyTorch tools), or as a Triton model repository')
    .argument('<model-file>', 'a .safetensors file saved by `striate train`')
    .argument('[onnx-file]', 'the .onnx file to write (or give --triton)')
    .option('--triton <dir>', 'write a Triton model repository there: <dir>/<name>/1/model.onnx and <dir>/<name>/config.pbtxt')
    .option('--name <name>', 'the Triton model name (default: the model file\'s name without extension)')
    .option('--max-batch-size <n>', 'Triton\'s max_batch_size', intArg(1), 64)
    .option('--opset <n>', 'ONNX opset, 13 to 17', intArg(13), 17)
    .option('--force', 'replace existing files')
    .addHelpText('after', `
The file takes any batch size (its first dimension is named "batch"); its input is "input", its
output "output" (the logits); parameters keep their state-dict names. The class names and the
input preparation travel in the file's metadata, so eval and predict take the .onnx file too.

Examples:
  striate export runs/lenet5.safetensors lenet5.onnx
  striate export runs/lenet5.safetensors --triton models/   (then: tritonserver --model-repository=models)`)
    .action(async (file: string, out: string | undefined, opts: ExportCliOptions) => {
      if (!out && !opts.triton) throw new UsageError('export: give the .onnx file to write, or --triton <dir>');
      if (out && opts.triton) throw new UsageError('export: give either an .onnx file or --triton <dir>, not both');
      const m = await fromFile(file);
      const metadata = { [META.classNames]: JSON.stringify(m.classNames), [META.training]: JSON.stringify(m.training) };
      const example = zeros([1, ...m.sampleShape]);
      const bytes = exportOnnx(m.model, example, { opset: opts.opset, metadata });
      if (out) {
        refuseExisting(out, opts.force);
        writeFileAtomic(out, bytes);
        io.out(`Wrote ${out} (${m.name}, input [batch, ${m.sampleShape.join(', ')}], opset ${opts.opset})\n`);
        return;
      }
      const name = opts.name ?? basename(file).replace(/\.[^.]*$/, '');
      if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new UsageError(`export: Triton model name "${name}" must use letters, digits, _ . - only (set --name)`);
      const outputShape = noGrad(() => m.model.forward(example)).shape.slice(1);
      const modelPath = join(opts.triton!, name, '1', 'model.onnx');
      const configPath = join(opts.triton!, name, 'config.pbtxt');
      refuseExisting(modelPath, opts.force);
      refuseExisting(configPath, opts.force);
      writeFileAtomic(modelPath, bytes);
      writeFileAtomic(configPath, tritonConfig(name, m.sampleShape, outputShape, opts.maxBatchSize));
      io.out(`Wrote the Triton model "${name}": ${modelPath} and ${configPath}\n`);
    });
}
