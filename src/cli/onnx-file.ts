// ONNX files on the command line: eval, predict and summary take a .onnx file like a model file.
// The input shape comes from the graph input (batch excluded) or from --input-shape; class names
// and input preparation from the metadata `striate export` writes, else the output's indices.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { noGrad } from '../autograd/grad-mode.js';
import { loadOnnx } from '../io/onnx/load.js';
import { decodeModel } from '../io/onnx/proto.js';
import { fromFile, type LoadedModel } from '../models/model-file.js';
import { zeros } from '../ops/creation.js';
import { UsageError } from './usage-error.js';

export const isOnnxFile = (path: string): boolean => /\.onnx$/i.test(path);

/** Metadata keys `striate export` writes (JSON values). */
export const META = { classNames: 'striate.classNames', training: 'striate.training' } as const;

function parseJson(text: string | undefined, what: string): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what} is not JSON`);
  }
}

/**
 * Loads an ONNX file as the CLI's LoadedModel (in eval mode). `inputShape` (with batch) is needed
 * when the file leaves a dimension other than the batch open.
 */
export async function fromOnnxFile(path: string, inputShape?: number[]): Promise<LoadedModel> {
  const proto = decodeModel(new Uint8Array(readFileSync(path)), path) as ReturnType<typeof decodeModel> & {
    metadata_props?: { key?: string; value?: string }[];
  };
  const model = await loadOnnx(path);
  model.eval();
  if (model.inputNames.length !== 1) throw new Error(`${path}: the CLI runs models with one input; this one takes ${model.inputNames.length}`);
  const meta = new Map((proto.metadata_props ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  const input = proto.graph!.input.find((v) => v.name === model.inputNames[0]);
  const dims = (input?.type?.tensor_type?.shape?.dim ?? []).slice(1).map((d) => d.dim_value);
  let sampleShape: number[];
  if (inputShape) sampleShape = inputShape.slice(1);
  else if (dims.length > 0 && dims.every((d): d is number => typeof d === 'number' && d > 0)) sampleShape = dims;
  else throw new UsageError(`${path}: the file does not fix the input's sample shape; give it with --input-shape (batch first, e.g. 1,3,224,224)`);
  const probe = noGrad(() => model.forward(zeros([1, ...sampleShape])));
  const numClasses = probe.numel();
  const names = parseJson(meta.get(META.classNames), `${path}: metadata ${META.classNames}`);
  const given = Array.isArray(names) ? names.map(String) : [];
  const training = parseJson(meta.get(META.training), `${path}: metadata ${META.training}`);
  const prep = typeof training === 'object' && training !== null ? training as Record<string, unknown> : {};
  const pad = Number.isInteger(prep.pad) && (prep.pad as number) >= 0 ? prep.pad as number : 0;
  return {
    model, name: basename(path), sampleShape, pad,
    classNames: Array.from({ length: numClasses }, (_, i) => given[i] ?? String(i)),
    training: prep,
  };
}

/** A .safetensors model file (fromFile) or a .onnx file (with --input-shape where it leaves sizes open). */
export async function loadCliModel(file: string, inputShape: number[] | undefined, command: string): Promise<LoadedModel> {
  if (isOnnxFile(file)) return fromOnnxFile(file, inputShape);
  if (inputShape) throw new UsageError(`${command}: --input-shape applies to .onnx files; a model file knows its input shape`);
  return fromFile(file);
}
