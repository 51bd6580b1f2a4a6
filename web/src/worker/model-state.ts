// The one model the playground trains and looks inside (panels 4 and 5), and the architectures
// it can be: their names are what model files store, so a file rebuilds the right one. The model
// lives on the device panels 4 and 5 compute on (device.ts): the GPU when there is one.
import { models, noGrad, tensor, type nn, type Tensor } from '../../../src/index.js';
import { modelDevice } from './device.js';

export const ARCHITECTURES = {
  lenet5: { label: 'LeNet-5 (61,706 parameters)', build: () => models.lenet5({ numClasses: 10, inChannels: 1 }) },
  resnet8: { label: 'ResNet-8: a small CIFAR-style ResNet (one block per stage)', build: () => new models.CifarResNet(1, { numClasses: 10, inChannels: 1 }) },
} as const;
export type Architecture = keyof typeof ARCHITECTURES;

export const isArchitecture = (name: string): name is Architecture => Object.hasOwn(ARCHITECTURES, name);

interface State { model: nn.Module; architecture: Architecture; trained: boolean }
let state: State | null = null;

/** The current model; an untrained LeNet-5 until one is trained or loaded. */
export function current(): State {
  state ??= { model: ARCHITECTURES.lenet5.build(), architecture: 'lenet5', trained: false };
  return state;
}

export function replace(model: nn.Module, architecture: Architecture, trained: boolean): void {
  state = { model, architecture, trained };
}

/** The current model, moved first to the device chosen now (the page may have switched). */
export async function currentOnDevice(): Promise<State> {
  const s = current();
  await s.model.toAsync(await modelDevice());
  return s;
}

/** A copy of the current model on the CPU (saving reads every value; a GPU is read asynchronously). */
export async function cpuCopy(): Promise<State> {
  const { model, architecture, trained } = current();
  const copy = ARCHITECTURES[architecture].build();
  const sd: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(model.stateDict())) sd[k] = tensor(await t.toArrayAsync(), t.shape);
  copy.loadStateDict(sd, { strict: true });
  return { model: copy, architecture, trained };
}

/** Runs `fn` in eval mode without gradients, then restores every module's mode (training may be paused mid-epoch). */
export function inEvalMode<T>(model: nn.Module, fn: () => T): T {
  const modes = model.modules().map((m) => [m, m.training] as const);
  model.eval();
  try {
    return noGrad(fn);
  } finally {
    for (const [m, t] of modes) m.training = t;
  }
}
