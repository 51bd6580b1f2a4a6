// Limits that protect the process from files and arguments that would need absurd memory: each is
// checked before the allocation it guards, and the error names the limit and how to raise it
// (setLimits, or an environment variable read at startup in Node).
import { LimitError } from './errors.js';

export interface Limits {
  /** Pixels (width × height) of one decoded PNG or JPEG image. */
  maxPixels: number;
  /** Bytes one gzip file may inflate to (IDX .gz). */
  maxDecompressedBytes: number;
  /** Classes a dataset's labels may imply (label + 1). */
  maxClasses: number;
  /** Elements of one tensor the command line creates from its arguments, or a model file (ONNX) declares. */
  maxTensorElements: number;
  /** Estimated bytes (parameters, activations, gradients) summary/explain may use. */
  maxMemoryBytes: number;
}

const DEFAULTS: Limits = {
  maxPixels: 64 * 2 ** 20,
  maxDecompressedBytes: 512 * 2 ** 20,
  maxClasses: 4096,
  maxTensorElements: 2 ** 28,
  maxMemoryBytes: 4 * 2 ** 30,
};

const ENV: Record<keyof Limits, string> = {
  maxPixels: 'STRIATE_MAX_PIXELS',
  maxDecompressedBytes: 'STRIATE_MAX_DECOMPRESSED_BYTES',
  maxClasses: 'STRIATE_MAX_CLASSES',
  maxTensorElements: 'STRIATE_MAX_TENSOR_ELEMENTS',
  maxMemoryBytes: 'STRIATE_MAX_MEMORY_BYTES',
};

function validLimit(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new Error(`setLimits: ${name} must be a positive integer, got ${String(v)}`);
  return v;
}

function fromEnv(): Limits {
  const out = { ...DEFAULTS };
  const env = typeof process !== 'undefined' ? process.env ?? {} : {};
  for (const key of Object.keys(ENV) as (keyof Limits)[]) {
    const raw = env[ENV[key]];
    if (raw !== undefined && raw !== '') out[key] = validLimit(ENV[key], Number(raw));
  }
  return out;
}

let current: Limits = fromEnv();

/**
 * Raises or lowers protective limits; returns the previous values.
 * @example setLimits({ maxPixels: 400_000_000 }); // decode 20000×20000 images
 */
export function setLimits(changes: Partial<Limits>): Limits {
  const before = { ...current };
  for (const [k, v] of Object.entries(changes)) {
    if (!Object.hasOwn(DEFAULTS, k)) throw new Error(`setLimits: unknown limit '${k}'; known: ${Object.keys(DEFAULTS).join(', ')}`);
    current[k as keyof Limits] = validLimit(k, v);
  }
  return before;
}

export function getLimits(): Readonly<Limits> {
  return { ...current };
}

const num = (v: number): string => v.toLocaleString('en-US');

/**
 * Throws a LimitError when `value` exceeds limit `name`; `what` says what was measured, with
 * the file or argument it came from.
 */
export function checkLimit(name: keyof Limits, value: number, what: string): void {
  const max = current[name];
  if (value <= max) return;
  throw new LimitError(name, `${what}: ${num(value)} exceeds the limit ${name} = ${num(max)}; ` +
    `raise it with setLimits({ ${name}: n }) or the environment variable ${ENV[name]}=n`);
}
