// Node-only: reading a model file and the external data files beside it.
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { FormatError } from '../../tensor/errors.js';
import { onnxFromBytes } from './load.js';
import type { OnnxModel } from './model.js';
import type { ExternalDataReader } from './tensor-proto.js';

/** Protobuf messages are limited to 2 GiB; larger models keep their weights in external data. */
const MAX_PROTO_BYTES = 2 ** 31 - 1;

export function loadOnnxFile(path: string, outputs?: string[]): OnnxModel {
  if (!existsSync(path)) throw new Error(`loadOnnx: file not found: ${path}`);
  const stat = statSync(path);
  if (!stat.isFile()) throw new Error(`loadOnnx: ${path} is not a file`);
  if (stat.size > MAX_PROTO_BYTES) {
    throw new FormatError(path, `${path}: ${stat.size} bytes, more than the 2 GiB a protobuf message can hold; is it an ONNX model?`);
  }
  return onnxFromBytes(new Uint8Array(readFileSync(path)), { name: path, outputs, readExternal: externalReader(path) });
}

function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * Reads `length` bytes at `offset` of a file named relative to the model's folder, checked
 * against its size first. The location may not leave that folder, by '..', an absolute path or a
 * symbolic link (a model from elsewhere must not read the user's other files).
 */
export function externalReader(modelPath: string): ExternalDataReader {
  const base = realpathSync(dirname(resolve(modelPath)));
  return (location, offset, length, what) => {
    const fail = (msg: string): never => { throw new FormatError(what, `${what}: external data location '${location}' ${msg}`); };
    if (location === '' || location.includes('\0')) fail('is not a file name');
    const file = resolve(base, location);
    if (isAbsolute(location) || !inside(base, file)) fail("leaves the model's folder");
    if (!existsSync(file)) fail(`names a file that does not exist: ${file}`);
    const real = realpathSync(file);
    if (!inside(base, real)) fail(`is a link that leaves the model's folder (to ${real})`);
    if (!statSync(real).isFile()) fail(`is not a file: ${file}`);
    const fd = openSync(real, 'r');
    try {
      const size = fstatSync(fd).size;
      if (!Number.isSafeInteger(offset) || offset < 0 || offset + length > size) {
        throw new FormatError(what, `${what}: external data range offset ${offset}, length ${length} is outside ${file} (${size} bytes)`);
      }
      const bytes = new Uint8Array(length);
      for (let at = 0; at < length;) at += readSync(fd, bytes, at, length - at, offset + at) || fail(`ended early at ${offset + at} bytes`);
      return bytes;
    } finally {
      closeSync(fd);
    }
  };
}
