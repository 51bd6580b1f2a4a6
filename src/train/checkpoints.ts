// fit's checkpoint files: the best state (lowest monitored loss) at `checkpoint`, the last state
// beside it (`best.safetensors` → `best.last.safetensors`). Both are checked before training
// (folder writable, existing files striate models), and the best file is only replaced by a state
// whose loss beats the one the file records, so a worse run never overwrites a better model.
// Tensors on a GPU are read back asynchronously before a save; files always hold host values.
import { extname } from 'node:path';
import type { ModelMetadata, StatefulModel } from '../io/model-file.js';
import type { Tensor } from '../ops/tensor.js';
import { RESUME_KEY } from './resume-state.js';

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
  /** Saves the full checkpoint: the model plus `extra` tensors (io's reserved prefix) and resume metadata. */
  saveLast(model: StatefulModel, meta: ModelMetadata, extra: Record<string, Tensor>): Promise<void>;
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
      await io.saveModel(await onHost(model), best, meta, { force });
      files.recordedBest = loss;
      return true;
    },
    async saveLast(model, meta, extra) {
      await io.saveModel(await onHost(model), last, meta, { force, extra: await tensorsOnHost(extra) });
    },
  };
  return files;
}

/** Copies of `tensors` on the CPU (those already there as they are), read back asynchronously. */
async function tensorsOnHost(tensors: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const out: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tensors)) out[k] = t.device === 'cpu' ? t : await t.toAsync('cpu');
  return out;
}

/** The model as a saver sees it: itself on the CPU, else a view of its state copied to the host. */
async function onHost(model: StatefulModel): Promise<StatefulModel> {
  const sd = model.stateDict();
  if (Object.values(sd).every((t) => t.device === 'cpu')) return model;
  const host = await tensorsOnHost(sd);
  return {
    stateDict: () => host, architecture: model.architecture,
    loadStateDict: () => { throw new Error('a host copy of a model for saving cannot be loaded into'); },
  };
}

/**
 * A full checkpoint's parts: its resume metadata (raw JSON) and every stored tensor. Throws naming
 * the file when it is missing or holds weights only (so the rest of the run cannot be restored).
 */
export async function readFullCheckpoint(path: string) {
  const { tensors, metadata } = await (await import('../io/files.js')).readModelFile(path);
  const raw = metadata.raw[RESUME_KEY];
  if (raw === undefined) {
    throw new Error(`resume ${path}: the file holds weights only, not a full checkpoint (fit writes those beside its checkpoint, ` +
      `as ${lastCheckpointPath('<checkpoint>')}); load weights with loadModel instead`);
  }
  return { raw, tensors };
}

/** Whether a file exists at `path` (Node), for resume: true. */
export async function fileExists(path: string): Promise<boolean> {
  return (await import('node:fs')).existsSync(path);
}
