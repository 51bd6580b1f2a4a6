// Node-only: reading a model file and the external data files beside it.
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { decodeModel } from './proto.js';
import { OnnxModel } from './model.js';
import type { ExternalDataReader } from './tensor-proto.js';

export function loadOnnxFile(path: string, outputs?: string[]): OnnxModel {
  if (!existsSync(path)) throw new Error(`loadOnnx: file not found: ${path}`);
  return new OnnxModel(decodeModel(new Uint8Array(readFileSync(path)), path), path, { outputs, readExternal: externalReader(path) });
}

/** Reads `length` bytes at `offset` of a file named relative to the model's folder (never outside it), checked against its size first. */
function externalReader(modelPath: string): ExternalDataReader {
  const base = dirname(resolve(modelPath));
  return (location, offset, length, what) => {
    const file = resolve(base, location);
    const rel = relative(base, file);
    if (isAbsolute(location) || rel.startsWith('..')) throw new Error(`${what}: external data location '${location}' leaves the model's folder`);
    if (!existsSync(file)) throw new Error(`${what}: external data file not found: ${file}`);
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      if (!Number.isSafeInteger(offset) || offset < 0 || offset + length > size) {
        throw new Error(`${what}: external data range offset ${offset}, length ${length} is outside ${file} (${size} bytes)`);
      }
      const bytes = new Uint8Array(length);
      readSync(fd, bytes, 0, length, offset);
      return bytes;
    } finally {
      closeSync(fd);
    }
  };
}
