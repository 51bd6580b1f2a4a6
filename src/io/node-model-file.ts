// Node-only model file access: atomic writes (temporary name, then rename) that never replace a
// file striate did not write, stale temporaries of interrupted saves cleaned up, and reads that
// check the header before reading the tensors.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Tensor } from '../ops/tensor.js';
import { decodeSafetensors, decodeSafetensorsHeader, safetensorsHeaderLength } from './safetensors.js';
import { isStriateMetadata, loadSafetensorsInto, modelToSafetensors, parseModelMetadata, type ModelMetadata, type StatefulModel } from './model-file.js';

export interface SaveOptions {
  /** Replace `path` even when it exists and is not a striate model file. */
  force?: boolean;
  /** Tensors saved beside the model's, named '__resume__.…' (a full checkpoint's); loading a model skips them. */
  extra?: Record<string, Tensor>;
}

const TMP = '.striate-tmp-';
// Also the name earlier versions used (`<name>.tmp-<pid>-<ms since 1970>`), so their leftovers go too.
const TMP_NAME = /\.(?:striate-tmp-(\d+)-\d+|tmp-(\d+)-\d{13})$/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporaries left in `dir` by saves that were interrupted (their process is gone). */
function removeStaleTemps(dir: string): void {
  for (const name of readdirSync(dir)) {
    const m = TMP_NAME.exec(name);
    // Saves are synchronous, so this process has none in flight: its own leftovers are stale too.
    const pid = m ? Number(m[1] ?? m[2]) : 0;
    if (m && (pid === process.pid || !processAlive(pid))) rmSync(join(dir, name), { force: true });
  }
}

/** Writes bytes to `path` via a temporary file in the same folder and a rename. */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  const tmp = `${path}${TMP}${process.pid}-${Date.now()}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    removeStaleTemps(dirname(path));
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new Error(`save ${path}: ${(e as Error).message}`);
  }
}

/** The metadata of a model file, reading only its header (the tensors' bytes are not loaded). */
export function readModelHeaderSync(path: string) {
  if (!existsSync(path)) throw new Error(`load: model file not found: ${path}`);
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const first8 = new Uint8Array(8);
    readSync(fd, first8, 0, 8, 0);
    const n = safetensorsHeaderLength(first8, size, path);
    const json = new Uint8Array(n);
    readSync(fd, json, 0, n, 8);
    const header = decodeSafetensorsHeader(json, size - 8 - n, path);
    return { entries: header.entries, metadata: parseModelMetadata(header.metadata, path) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks, before any work, that a model can be saved at `path`: its folder can be created and
 * written, and an existing file there is a striate model (unless `force`). Returns that file's
 * metadata (to compare against), or null when there is none to keep.
 */
export function checkSaveTargetSync(path: string, opts: SaveOptions = {}) {
  const dir = dirname(path);
  const probe = join(dir, `${TMP}${process.pid}-${Date.now()}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (e) {
    throw new Error(`save ${path}: the folder ${dir} is not writable (${(e as Error).message})`);
  }
  if (!existsSync(path)) return null;
  if (!statSync(path).isFile()) throw new Error(`save ${path}: it exists and is not a file`);
  let meta: ReturnType<typeof readModelHeaderSync>['metadata'] | null = null;
  try {
    meta = readModelHeaderSync(path).metadata;
  } catch {
    meta = null;
  }
  if (meta && isStriateMetadata(meta.raw)) return meta;
  if (opts.force) return null;
  throw new Error(`save ${path}: the file exists and is not a striate model file; refusing to overwrite it ` +
    '(choose another path, or pass { force: true } / --force to replace it)');
}

export function saveModelSync(model: StatefulModel, path: string, meta: ModelMetadata = {}, opts: SaveOptions = {}): void {
  checkSaveTargetSync(path, opts);
  writeFileAtomic(path, modelToSafetensors(model, meta, opts.extra));
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
  return { tensors: file.tensors, metadata: parseModelMetadata(file.metadata, path) };
}
