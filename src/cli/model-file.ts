// Model files as the CLI writes and reads them: io's safetensors format, with the architecture
// (a zoo name and its options), the class names and how inputs were prepared in the metadata,
// so eval and predict rebuild and feed the model without being told again.
import { extname } from 'node:path';
import { loadModel, readModelFile, saveModel } from '../io/files.js';
import type { Module } from '../nn/module.js';
import { requireFile } from './args.js';
import { ZOO, zooName } from './zoo.js';

/** How training inputs were prepared; predict repeats it for image files. */
export interface InputPrep {
  /** Shape of one sample as the model saw it, [C, ...spatial]. */
  sampleShape: number[];
  /** Image samples only: zero pixels added on each side after loading (2 turns 28×28 into 32×32). */
  pad?: number;
}

export interface LoadedModel {
  model: Module;
  name: string;
  sampleShape: number[];
  pad: number;
  classNames: string[];
  training: Record<string, unknown>;
}

export const isModelFile = (path: string): boolean => extname(path).toLowerCase() === '.safetensors';

/** Saves weights plus what eval/predict need to rebuild and feed the model. */
export async function saveCliModel(
  model: Module, path: string, name: string, opts: { numClasses: number; inChannels: number },
  prep: InputPrep, classNames: readonly string[], training: Record<string, unknown>,
): Promise<void> {
  await saveModel(model, path, {
    architecture: { name, options: opts },
    classNames,
    training: { ...training, sampleShape: prep.sampleShape, pad: prep.pad ?? 0 },
  });
}

/** The metadata saveCliModel writes, for fit's checkpoints. */
export function cliModelMetadata(name: string, opts: { numClasses: number; inChannels: number }, prep: InputPrep, classNames: readonly string[]) {
  return { architecture: { name, options: opts }, classNames, training: { sampleShape: prep.sampleShape, pad: prep.pad ?? 0 } };
}

/** Rebuilds the model a file describes and loads its weights; errors name the file. */
export async function modelFromFile(path: string): Promise<LoadedModel> {
  requireFile(path, 'model file');
  const { metadata } = await readModelFile(path);
  const arch = metadata.architecture;
  if (!arch) throw new Error(`${path} has no striate.architecture metadata; it was not saved by striate train, so its model is unknown`);
  const name = zooName(arch.name);
  const entry = ZOO[name]!;
  const o = arch.options ?? {};
  const numClasses = typeof o.numClasses === 'number' ? o.numClasses : entry.numClasses;
  const inChannels = typeof o.inChannels === 'number' ? o.inChannels : entry.inChannels;
  const model = entry.build({ numClasses, inChannels });
  await loadModel(model, path);
  model.eval();
  const training = metadata.training ?? {};
  const sampleShape = Array.isArray(training.sampleShape) ? (training.sampleShape as number[]) : [inChannels, ...entry.spatial];
  const pad = typeof training.pad === 'number' ? training.pad : 0;
  const classNames = metadata.classNames ? [...metadata.classNames] : Array.from({ length: numClasses }, (_, i) => String(i));
  return { model, name, sampleShape, pad, classNames, training };
}
