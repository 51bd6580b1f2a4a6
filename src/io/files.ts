// Browser-safe doors to the Node-only model file functions (loaded on first call).
import type { ModelMetadata, StatefulModel } from './model-file.js';
import type { SaveOptions } from './node-model-file.js';

/**
 * Saves a model's weights as safetensors (PyTorch state-dict names) with its metadata (the zoo
 * architecture by default), atomically (temporary file, then rename). An existing file that is
 * not a striate model is never replaced unless `force`.
 * @example await saveModel(model, 'runs/lenet5.safetensors', { classNames });
 */
export async function saveModel(model: StatefulModel, path: string, meta: ModelMetadata = {}, opts: SaveOptions = {}): Promise<void> {
  (await import('./node-model-file.js')).saveModelSync(model, path, meta, opts);
}

/**
 * Loads weights saved by saveModel (or by PyTorch's safetensors) into a model of the same
 * architecture; throws listing every name or shape that differs. Returns the file's metadata.
 * @example const meta = await loadModel(models.lenet5(), 'runs/lenet5.safetensors');
 */
export async function loadModel(model: StatefulModel, path: string) {
  return (await import('./node-model-file.js')).loadModelSync(model, path);
}

/**
 * Reads a model file without a model: its tensors and metadata (e.g. to find the architecture).
 * @example const { metadata } = await readModelFile('runs/best.safetensors'); metadata.architecture
 */
export async function readModelFile(path: string) {
  return (await import('./node-model-file.js')).readModelFileSync(path);
}

/**
 * A model file's metadata and tensor layout from its header alone (the weights are not read).
 * @example (await readModelHeader('runs/best.safetensors')).metadata.training?.valLoss
 */
export async function readModelHeader(path: string) {
  return (await import('./node-model-file.js')).readModelHeaderSync(path);
}

/**
 * Checks before training that `path` can take a model: folder writable, any existing file a
 * striate model (unless `force`). Resolves to that file's metadata, or null.
 * @example const existing = await checkSaveTarget('runs/best.safetensors');
 */
export async function checkSaveTarget(path: string, opts: SaveOptions = {}) {
  return (await import('./node-model-file.js')).checkSaveTargetSync(path, opts);
}

export type { SaveOptions };
