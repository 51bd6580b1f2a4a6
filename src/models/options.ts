// Options every model factory takes, their validation, and the factory's name on its model.
import type { Module } from '../nn/module.js';

export interface ModelOptions {
  /** Size of the output layer (default: the model's usual dataset). */
  numClasses?: number;
  /** Channels of the input (1 gray, 3 RGB, …; for the hyperspectral net, the spectral bands). */
  inChannels?: number;
}

/** Throws naming the model unless numClasses and inChannels are positive integers. */
export function classesOpt(model: string, numClasses: number, inChannels: number): void {
  for (const [name, v] of [['numClasses', numClasses], ['inChannels', inChannels]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`models.${model}: ${name} must be a positive integer, got ${v}`);
  }
}

/** Records on `model` which factory built it with which options, so a saved file can rebuild it. */
export function named<M extends Module>(model: M, name: string, options: object): M {
  model.architecture = { name, options: { ...options } };
  return model;
}
