// Browser-safe doors to the Node-only model file functions (loaded on first call).
import type { ModelMetadata, StatefulModel } from './model-file.js';

/**
 * Saves a model's weights as safetensors (PyTorch state-dict names) with its metadata,
 * atomically (temporary file, then rename).
 * @example await saveModel(model, 'runs/lenet5.safetensors', { architecture: { name: 'lenet5' } });
 */
export async function saveModel(model: StatefulModel, path: string, meta: ModelMetadata = {}): Promise<void> {
  (await import('./node-model-file.js')).saveModelSync(model, path, meta);
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
