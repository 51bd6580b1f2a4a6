// Rebuilding a saved model from its file alone: the file's striate.architecture names a factory of
// the zoo and its options (every zoo model records them, see Module.architecture), the class names
// and how inputs were prepared come from the same metadata. Files written by saveModel, fit's
// checkpoints and `striate train` are all this one format.
import { loadModel, readModelHeader } from '../io/files.js';
import type { Module } from '../nn/module.js';
import { findZooName, ZOO } from './zoo.js';

/** How training inputs were prepared (stored in the file's training metadata); predict repeats it. */
export interface InputPrep {
  /** Shape of one sample as the model saw it, [C, ...spatial]. */
  sampleShape: number[];
  /** Image samples only: zero pixels added on each side after loading (2 turns 28×28 into 32×32). */
  pad?: number;
}

export interface LoadedModel {
  model: Module;
  /** The zoo name, e.g. 'lenet5'. */
  name: string;
  sampleShape: number[];
  pad: number;
  classNames: string[];
  training: Record<string, unknown>;
}

export const isModelFile = (path: string): boolean => /\.safetensors$/i.test(path);

const positiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;

/**
 * Rebuilds the zoo model a file describes and loads its weights (in eval mode); every error names
 * the file. For a model outside the zoo, build it yourself and call loadModel(model, path).
 * @example const { model, classNames } = await models.fromFile('runs/best.safetensors');
 */
export async function fromFile(path: string): Promise<LoadedModel> {
  const { metadata } = await readModelHeader(path);
  const arch = metadata.architecture;
  if (!arch) {
    throw new Error(`${path} has no striate.architecture metadata, so the model to build is unknown: build it yourself and ` +
      `call loadModel(model, '${path}'), or save it with saveModel(model, path, { architecture: { name, options } }) ` +
      `where name is a zoo factory (${Object.keys(ZOO).join(', ')})`);
  }
  const name = typeof arch.name === 'string' ? findZooName(arch.name) : undefined;
  if (!name) throw new Error(`${path}: striate.architecture names ${JSON.stringify(arch.name)}, not a zoo model (${Object.keys(ZOO).join(', ')})`);
  const entry = ZOO[name]!;
  const options = typeof arch.options === 'object' && arch.options !== null ? arch.options : {};
  let model: Module;
  try {
    model = entry.build(options);
  } catch (e) {
    throw new Error(`${path}: striate.architecture options ${JSON.stringify(options)} do not build ${name}: ${(e as Error).message}`);
  }
  await loadModel(model, path);
  model.eval();
  const numClasses = positiveInt(options.numClasses) ? options.numClasses : entry.numClasses;
  const inChannels = positiveInt(options.inChannels) ? options.inChannels : entry.inChannels;
  const training = metadata.training ?? {};
  const shape = training.sampleShape;
  const sampleShape = Array.isArray(shape) && shape.length > 0 && shape.every(positiveInt) ? shape : [inChannels, ...entry.spatial];
  const pad = Number.isInteger(training.pad) && (training.pad as number) >= 0 ? training.pad as number : 0;
  // Names for every output: the file's, then the index for any output it does not name.
  const names = Array.isArray(metadata.classNames) ? metadata.classNames.map(String) : [];
  const classNames = Array.from({ length: numClasses }, (_, i) => names[i] ?? String(i));
  return { model, name, sampleShape, pad, classNames, training };
}
