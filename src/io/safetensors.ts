// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
// header length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, plus an
// optional "__metadata__" map of strings}, padded with spaces to a multiple of 8, then the raw
// little-endian tensor bytes, offsets relative to the end of the header. Pure bytes in and out.
import { shapeStr } from '../tensor/shape.js';

export type SafetensorsDtype = 'F64' | 'F32' | 'I64' | 'I32' | 'U8';

const BYTES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, I64: 8, I32: 4, U8: 1 };

export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  /** F32/F64/I32/U8 as numbers; I64 as bigints. */
  data: Float32Array | Float64Array | Int32Array | Uint8Array | BigInt64Array;
}

export interface SafetensorsFile {
  tensors: Record<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Serialises tensors (in the order given) and string metadata to safetensors bytes.
 * @example const bytes = encodeSafetensors({ w: { dtype: 'F32', shape: [2], data: Float32Array.of(1, 2) } });
 */
export function encodeSafetensors(tensors: Record<string, SafetensorsTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new Error(`safetensors: metadata '${k}' must be a string, got ${typeof v}`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__') throw new Error("safetensors: '__metadata__' is reserved and cannot name a tensor");
    const size = BYTES[t.dtype];
    if (!size) throw new Error(`safetensors: tensor '${name}' has unsupported dtype ${String(t.dtype)}`);
    if (t.data.length !== count(t.shape)) {
      throw new Error(`safetensors: tensor '${name}' has ${t.data.length} values for shape ${shapeStr(t.shape)}`);
    }
    const end = offset + size * t.data.length;
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, end] };
    offset = end;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const headerBytes = new Uint8Array(padded).fill(0x20);
  headerBytes.set(json);
  json = headerBytes;
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let o = 8 + json.length;
  for (const t of Object.values(tensors)) {
    const d = t.data;
    for (let i = 0; i < d.length; i++, o += BYTES[t.dtype]) {
      switch (t.dtype) {
        case 'F32': view.setFloat32(o, d[i] as number, true); break;
        case 'F64': view.setFloat64(o, d[i] as number, true); break;
        case 'I32': view.setInt32(o, d[i] as number, true); break;
        case 'U8': view.setUint8(o, d[i] as number); break;
        case 'I64': view.setBigInt64(o, d[i] as bigint, true); break;
      }
    }
  }
  return out;
}

/**
 * Parses safetensors bytes, validating the header against the data. `name` is for errors.
 * @example const { tensors, metadata } = decodeSafetensors(bytes, 'model.safetensors');
 */
export function decodeSafetensors(bytes: Uint8Array, name: string): SafetensorsFile {
  const fail = (msg: string): never => { throw new Error(`safetensors ${name}: ${msg}`); };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > bytes.length - 8) fail(`header length ${n} exceeds the file's ${bytes.length - 8} bytes after it (truncated or not safetensors)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const base = 8 + n;
  const dataLength = bytes.length - base;
  const metadata: Record<string, string> = {};
  const tensors: Record<string, SafetensorsTensor> = {};
  let covered = 0;
  for (const [key, value] of Object.entries(header)) {
    if (key === '__metadata__') {
      for (const [mk, mv] of Object.entries(value as Record<string, unknown>)) {
        if (typeof mv !== 'string') fail(`metadata '${mk}' is not a string`);
        metadata[mk] = mv as string;
      }
      continue;
    }
    const info = value as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    const dtype = info.dtype as SafetensorsDtype;
    const size = BYTES[dtype];
    if (!size) fail(`tensor '${key}' has dtype ${String(info.dtype)}; supported: ${Object.keys(BYTES).join(', ')}`);
    const shape = info.shape;
    const off = info.data_offsets;
    if (!Array.isArray(shape) || !Array.isArray(off) || off.length !== 2) fail(`tensor '${key}' lacks shape or data_offsets`);
    const [b, e] = off!;
    if (!(b >= 0 && e >= b && e <= dataLength)) fail(`tensor '${key}' data_offsets [${b}, ${e}] fall outside the ${dataLength} data bytes`);
    if (e - b !== count(shape!) * size) {
      fail(`tensor '${key}' of shape ${shapeStr(shape!)} ${dtype} needs ${count(shape!) * size} bytes, data_offsets span ${e - b}`);
    }
    covered += e - b;
    const len = count(shape!);
    const o = base + b;
    let data: SafetensorsTensor['data'];
    switch (dtype) {
      case 'F32': data = new Float32Array(len); for (let i = 0; i < len; i++) data[i] = view.getFloat32(o + 4 * i, true); break;
      case 'F64': data = new Float64Array(len); for (let i = 0; i < len; i++) data[i] = view.getFloat64(o + 8 * i, true); break;
      case 'I32': data = new Int32Array(len); for (let i = 0; i < len; i++) data[i] = view.getInt32(o + 4 * i, true); break;
      case 'U8': data = bytes.slice(o, o + len); break;
      default: data = new BigInt64Array(len); for (let i = 0; i < len; i++) data[i] = view.getBigInt64(o + 8 * i, true);
    }
    tensors[key] = { dtype, shape: shape!, data };
  }
  if (covered !== dataLength) fail(`tensors cover ${covered} of the ${dataLength} data bytes (overlapping, holes or trailing bytes)`);
  return { tensors, metadata };
}
