// `striate predict`: top-k classes with probabilities for PNG/JPEG files, prepared as in training
// (channels, size, scale to 0..1, padding) from the model file's metadata.
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Command } from 'commander';
import { noGrad } from '../../autograd/grad-mode.js';
import { readImage } from '../../image/codec.js';
import { imageToInput } from '../../image/input.js';
import * as F from '../../ops/functional.js';
import { intArg, shapeArg, UsageError } from '../args.js';
import { DEVICE_OPTION, describeGpu, openWebGpu, type CliDevice } from '../device.js';
import type { CliIo } from '../io.js';
import type { LoadedModel } from '../../models/model-file.js';
import type { Tensor } from '../../ops/tensor.js';
import { loadCliModel } from '../onnx-file.js';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);

/** The image files under `path` (itself if it is a file), sorted, searching subfolders. */
export function imageFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new Error(`predict: no such file or folder: ${path}`);
  }
  if (st.isFile()) return [path];
  const out: string[] = [];
  for (const name of readdirSync(path).sort()) {
    const p = join(path, name);
    if (statSync(p).isDirectory()) out.push(...imageFiles(p));
    else if (IMAGE_EXT.has(extname(name).toLowerCase())) out.push(p);
  }
  return out;
}

/** One image as the model's input [1, C, H, W]. */
function prepare(path: string, m: LoadedModel, invert: boolean): Tensor {
  const [c, h, w] = m.sampleShape as [number, number, number];
  return imageToInput(readImage(path), { channels: c === 1 ? 1 : 3, height: h, width: w, pad: m.pad, invert });
}

interface PredictOptions {
  topK: number;
  inputShape?: number[];
  invert?: boolean;
  json?: boolean;
  device: CliDevice;
}

export function registerPredict(program: Command, io: CliIo): void {
  program
    .command('predict')
    .description('classify PNG/JPEG images with a saved model: top-k classes with probabilities')
    .argument('<model-file>', 'a .safetensors file saved by `striate train`, or a .onnx file')
    .argument('<images>', 'an image file, or a folder searched for .png/.jpg/.jpeg')
    .option('-k, --top-k <k>', 'how many classes to show per image', intArg(1), 3)
    .option('-i, --input-shape <shape>', '.onnx files that leave it open: input shape with batch, e.g. 1,3,224,224', shapeArg)
    .option('--invert', 'invert the gray levels first (dark objects on white, for models trained on Fashion-MNIST)')
    .option('--json', 'print one JSON object per image')
    .option(...DEVICE_OPTION)
    .addHelpText('after', `
Each image is converted to the model's channels, resized to its input size (bilinear), scaled to
0..1 and padded as in training.

Examples:
  striate predict runs/lenet5.safetensors shirt.png
  striate predict runs/lenet5.safetensors photos/ --top-k 5`)
    .action(async (file: string, images: string, opts: PredictOptions) => {
      const m = await loadCliModel(file, opts.inputShape, 'predict');
      if (m.sampleShape.length !== 3) {
        throw new UsageError(`predict: the model in ${file} takes samples of shape [${m.sampleShape.join(', ')}], not images [C, H, W]`);
      }
      const files = imageFiles(images);
      if (files.length === 0) throw new Error(`predict: no .png/.jpg/.jpeg files in ${images}`);
      const k = Math.min(opts.topK, m.classNames.length);
      if (opts.device === 'webgpu') {
        io.err(`running on ${describeGpu(await openWebGpu('predict'))}\n`);
        m.model.to('webgpu');
      }
      // A file that cannot be read or classified is reported and skipped; the exit code says so at the end.
      const failed: string[] = [];
      for (const path of files) {
        let probs: Float32Array;
        try {
          const x = prepare(path, m, opts.invert ?? false).to(opts.device);
          probs = await noGrad(() => F.softmax(m.model.forward(x), 1)).toArrayAsync();
        } catch (e) {
          failed.push(path);
          io.err(`striate: predict: ${(e as Error).message}\n`);
          continue;
        }
        const top = Array.from(probs.keys()).sort((a, b) => probs[b]! - probs[a]!).slice(0, k)
          .map((i) => ({ class: i, name: m.classNames[i]!, probability: probs[i]! }));
        if (opts.json) io.out(`${JSON.stringify({ file: path, top })}\n`);
        else io.out(`${path}: ${top.map((t, r) => `${r + 1}. ${t.name} ${(100 * t.probability).toFixed(1)}%`).join('  ')}\n`);
      }
      if (failed.length > 0) throw new Error(`predict: ${failed.length} of ${files.length} images could not be classified (reported above): ${failed.join(', ')}`);
    });
}
