// Node-only model file access: atomic writes (temporary name, then rename) and reads.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { decodeSafetensors } from './safetensors.js';
import { loadSafetensorsInto, modelToSafetensors, parseModelMetadata, type ModelMetadata, type StatefulModel } from './model-file.js';

/** Writes bytes to `path` via a temporary file in the same folder and a rename. */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new Error(`save ${path}: ${(e as Error).message}`);
  }
}

export function saveModelSync(model: StatefulModel, path: string, meta: ModelMetadata = {}): void {
  writeFileAtomic(path, modelToSafetensors(model, meta));
}

function readModelBytes(path: string): Uint8Array {
  if (!existsSync(path)) throw new Error(`load: model file not found: ${path}`);
  return new Uint8Array(readFileSync(path));
}

export function loadModelSync(model: StatefulModel, path: string): ReturnType<typeof parseModelMetadata> {
  return loadSafetensorsInto(model, readModelBytes(path), path);
}

export function readModelFileSync(path: string) {
  const file = decodeSafetensors(readModelBytes(path), path);
  return { tensors: file.tensors, metadata: parseModelMetadata(file.metadata) };
}
