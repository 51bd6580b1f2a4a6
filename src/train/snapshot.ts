// Copies of a model's state-dict values (fit keeps the best epoch's this way, to restore at the
// end and to store in full checkpoints).
import type { Device } from '../kernels/storage.js';
import { tensor } from '../ops/creation.js';
import type { Tensor } from '../ops/tensor.js';
import type { TrainableModel } from './types.js';

export type Snapshot = Map<string, { shape: readonly number[]; values: Float32Array }>;

/** Copies of every state-dict tensor's values, to restore later. */
export async function snapshot(model: TrainableModel): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const [k, t] of Object.entries(model.stateDict())) out.set(k, { shape: t.shape, values: await t.toArrayAsync() });
  return out;
}

/** Loads a snapshot back into the model, on `device`. */
export function restoreSnapshot(model: TrainableModel, snap: Snapshot, device: Device): void {
  const sd: Record<string, Tensor> = {};
  for (const [k, { shape, values }] of snap) sd[k] = tensor(values, shape, { device });
  model.loadStateDict(sd, { strict: true });
}
