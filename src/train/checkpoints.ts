// fit's checkpoint files: the best state (lowest monitored loss) at `checkpoint`, the last state
// beside it (`best.safetensors` → `best.last.safetensors`). Both are checked before training
// (folder writable, existing files striate models), and the best file is only replaced by a state
// whose loss beats the one the file records, so a worse run never overwrites a better model.
import { extname } from 'node:path';
import type { ModelMetadata, StatefulModel } from '../io/model-file.js';

/** `runs/best.safetensors` → `runs/best.last.safetensors`. */
export function lastCheckpointPath(best: string): string {
  const stem = extname(best).toLowerCase() === '.safetensors' ? best.slice(0, -'.safetensors'.length) : best;
  return `${stem}.last.safetensors`;
}

export interface CheckpointFiles {
  best: string;
  last: string;
  /** The loss recorded in the existing best file under the monitored name (Infinity when none). */
  recordedBest: number;
  /** Saves `model` as the best state if `loss` beats the recorded one; returns whether it did. */
  saveBest(model: StatefulModel, meta: ModelMetadata, loss: number): Promise<boolean>;
  saveLast(model: StatefulModel, meta: ModelMetadata): Promise<void>;
}

/** Opens the checkpoint pair for a run monitoring `monitor` (e.g. 'valLoss'); throws before training if unusable. */
export async function openCheckpoints(best: string, monitor: string, force = false): Promise<CheckpointFiles> {
  const io = await import('../io/files.js');
  const last = lastCheckpointPath(best);
  const existing = await io.checkSaveTarget(best, { force });
  await io.checkSaveTarget(last, { force });
  const recorded = existing?.training?.[monitor];
  const files: CheckpointFiles = {
    best, last,
    recordedBest: typeof recorded === 'number' && Number.isFinite(recorded) ? recorded : Infinity,
    async saveBest(model, meta, loss) {
      if (!(loss < files.recordedBest)) return false;
      await io.saveModel(model, best, meta, { force });
      files.recordedBest = loss;
      return true;
    },
    async saveLast(model, meta) {
      await io.saveModel(model, last, meta, { force });
    },
  };
  return files;
}
