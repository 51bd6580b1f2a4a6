// A model file: the state dict as safetensors under PyTorch's key names (so
// `safetensors.torch.load_file` + `model.load_state_dict` work in Python), with the
// architecture and training facts in the header's __metadata__. Pure: bytes in and out.
import { tensor } from '../ops/creation.js';
import type { Tensor } from '../ops/tensor.js';
import { FormatError } from '../tensor/errors.js';
import { shapeStr, sameShape } from '../tensor/shape.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsFile, type SafetensorsTensor } from './safetensors.js';

/** What saving and loading need from a model: nn.Module satisfies it. */
export interface StatefulModel {
  stateDict(): Record<string, Tensor>;
  /** Which zoo factory built the model with which options (set by models.*); saved unless meta gives one. */
  architecture?: { name: string; options?: Record<string, unknown> } | undefined;
  loadStateDict(sd: Record<string, Tensor>, opts?: { strict?: boolean }): unknown;
}

export interface ModelMetadata {
  /** How to rebuild the model, e.g. { name: 'lenet5', options: { numClasses: 10 } }. */
  architecture?: { name: string; options?: Record<string, unknown> };
  /** Anything about the run: epochs, best validation loss, accuracy, date... */
  training?: Record<string, unknown>;
  classNames?: readonly string[];
  /** Further string entries, stored as given. */
  extra?: Record<string, string>;
}

/** Written in every model file striate saves; files without any striate.* entry are not ours to overwrite. */
const STRIATE_MARK = 'striate.format';

/** Whether safetensors metadata says striate wrote the file. */
export const isStriateMetadata = (raw: Record<string, string>): boolean => Object.keys(raw).some((k) => k.startsWith('striate.'));

/** Tensors under this prefix are not the model's (a full checkpoint's optimiser state, best weights); loading skips them. */
export const RESERVED = '__resume__.';

const INT_BUFFERS = /(^|\.)num_batches_tracked$/;

/**
 * Safetensors bytes of a model's state dict; num_batches_tracked is stored as I64 as in PyTorch.
 * @example const bytes = modelToSafetensors(model, { architecture: { name: 'lenet5' } });
 */
export function modelToSafetensors(model: StatefulModel, meta: ModelMetadata = {}, extra: Record<string, Tensor> = {}): Uint8Array {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const name of Object.keys(extra)) {
    if (!name.startsWith(RESERVED)) throw new Error(`modelToSafetensors: extra tensor '${name}' must start with '${RESERVED}'`);
  }
  for (const [name, t] of [...Object.entries(model.stateDict()), ...Object.entries(extra)]) {
    const shape = [...t.shape];
    tensors[name] = INT_BUFFERS.test(name)
      ? { dtype: 'I64', shape, data: BigInt64Array.from(t.toArray(), (v) => BigInt(Math.round(v))) }
      : { dtype: 'F32', shape, data: t.toArray() };
  }
  const metadata: Record<string, string> = { format: 'pt', ...meta.extra, [STRIATE_MARK]: '1' };
  const architecture = meta.architecture ?? model.architecture;
  if (architecture) metadata['striate.architecture'] = JSON.stringify(architecture);
  if (meta.training) metadata['striate.training'] = JSON.stringify(meta.training);
  if (meta.classNames) metadata['striate.classNames'] = JSON.stringify(meta.classNames);
  return encodeSafetensors(tensors, metadata);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The metadata fields striate writes, parsed back and checked; raw holds every string as stored. Errors name `file`. */
export function parseModelMetadata(raw: Record<string, string>, file = 'model file'): ModelMetadata & { raw: Record<string, string> } {
  const json = (k: string, valid: (v: unknown) => boolean, want: string): unknown => {
    const v = raw[k];
    if (v === undefined) return undefined;
    let parsed: unknown;
    try { parsed = JSON.parse(v); } catch { throw new FormatError(file, `${file}: metadata '${k}' is not valid JSON: ${v.slice(0, 80)}`); }
    if (!valid(parsed)) throw new FormatError(file, `${file}: metadata '${k}' must be ${want}, got ${v.slice(0, 80)}`);
    return parsed;
  };
  const out: ModelMetadata & { raw: Record<string, string> } = { raw };
  const a = json('striate.architecture', (v) => isObject(v) && typeof v.name === 'string' && (v.options === undefined || isObject(v.options)),
    'an object { name: string, options?: object }');
  if (a !== undefined) out.architecture = a as NonNullable<ModelMetadata['architecture']>;
  const t = json('striate.training', isObject, 'an object');
  if (t !== undefined) out.training = t as Record<string, unknown>;
  const c = json('striate.classNames', (v) => Array.isArray(v) && v.every((n) => typeof n === 'string'), 'an array of strings');
  if (c !== undefined) out.classNames = c as string[];
  return out;
}

/**
 * Loads safetensors bytes into a model after checking that names and shapes match, listing
 * every missing, unexpected and differently shaped tensor in one error. Returns the metadata.
 * @example const meta = loadSafetensorsInto(model, bytes, 'best.safetensors');
 */
export function loadSafetensorsInto(model: StatefulModel, bytes: Uint8Array | SafetensorsFile, name: string): ReturnType<typeof parseModelMetadata> {
  const file = bytes instanceof Uint8Array ? decodeSafetensors(bytes, name) : bytes;
  const own = model.stateDict();
  const missing = Object.keys(own).filter((k) => !(k in file.tensors));
  const unexpected = Object.keys(file.tensors).filter((k) => !(k in own) && !k.startsWith(RESERVED));
  const mismatched = Object.keys(own).filter((k) => k in file.tensors && !sameShape(own[k]!.shape, file.tensors[k]!.shape))
    .map((k) => `${k}: file ${shapeStr(file.tensors[k]!.shape)}, model ${shapeStr(own[k]!.shape)}`);
  if (missing.length + unexpected.length + mismatched.length > 0) {
    const arch = file.metadata['striate.architecture'];
    throw new FormatError(name, `load ${name}: the file does not fit this model` + (arch ? ` (file's architecture: ${arch})` : '') +
      (missing.length ? `\n  missing in file: ${missing.join(', ')}` : '') +
      (unexpected.length ? `\n  not in model: ${unexpected.join(', ')}` : '') +
      (mismatched.length ? `\n  shape differs: ${mismatched.join('; ')}` : ''));
  }
  const sd: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(file.tensors)) {
    if (k.startsWith(RESERVED)) continue;
    const values = t.data instanceof BigInt64Array ? Float32Array.from(t.data, (v) => Number(v)) : Float32Array.from(t.data);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new FormatError(name, `load ${name}: tensor '${k}' holds ${values[bad]} at index ${bad} of ${values.length}; ` +
        'the weights diverged before they were saved, so the model cannot compute');
    }
    sd[k] = tensor(values, t.shape);
  }
  model.loadStateDict(sd, { strict: true });
  return parseModelMetadata(file.metadata, name);
}
