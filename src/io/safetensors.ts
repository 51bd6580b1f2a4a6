// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
// header length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, plus an
// optional "__metadata__" map of strings}, padded with spaces to a multiple of 8, then the raw
// little-endian tensor bytes, offsets relative to the end of the header. Pure bytes in and out.
import { FormatError } from '../tensor/errors.js';
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

/** Where one tensor's bytes lie, as the header says (offsets relative to the end of the header). */
export interface SafetensorsEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  entries: Record<string, SafetensorsEntry>;
  metadata: Record<string, string>;
}

/** The format's own cap on the JSON header (safetensors refuses larger ones too). */
export const MAX_HEADER_BYTES = 100_000_000;

const fmt = (v: unknown): string => (JSON.stringify(v) ?? String(v)).slice(0, 60);

/**
 * The header length N from the first 8 bytes, checked against the file's length and the format's
 * cap before anything is allocated for it.
 */
export function safetensorsHeaderLength(first8: Uint8Array, fileLength: number, name: string): number {
  if (fileLength < 8 || first8.length < 8) throw new FormatError(name, `safetensors ${name}: file is ${fileLength} bytes, too short for the 8-byte header length`);
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(fileLength - 8)) throw new FormatError(name, `safetensors ${name}: header length ${n} exceeds the file's ${fileLength - 8} bytes after it (truncated or not safetensors)`);
  if (n > BigInt(MAX_HEADER_BYTES)) throw new FormatError(name, `safetensors ${name}: header length ${n} exceeds the format's limit of ${MAX_HEADER_BYTES} bytes`);
  return Number(n);
}

/**
 * Parses and checks the JSON header: every entry an object with a known dtype, a shape of
 * non-negative integers and integer data_offsets whose span fits dtype × shape; the tensors must
 * tile the `dataLength` data bytes exactly (no overlap, no gap, no trailing bytes).
 */
export function decodeSafetensorsHeader(json: Uint8Array, dataLength: number, name: string): SafetensorsHeader {
  const fail = (msg: string): never => { throw new FormatError(name, `safetensors ${name}: ${msg}`); };
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(json));
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return fail('header is not a JSON object');
  // Filled with defineProperty semantics (Object.fromEntries) so a key such as '__proto__' stays a key.
  const metadata: [string, string][] = [];
  const list: [string, SafetensorsEntry][] = [];
  for (const [key, value] of Object.entries(header as Record<string, unknown>)) {
    if (key === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`__metadata__ must be an object of strings, got ${fmt(value)}`);
      for (const [mk, mv] of Object.entries(value as Record<string, unknown>)) {
        if (typeof mv !== 'string') fail(`metadata '${mk}' is not a string`);
        metadata.push([mk, mv as string]);
      }
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`tensor '${key}' must be an object {dtype, shape, data_offsets}, got ${fmt(value)}`);
    const info = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof info.dtype !== 'string' || !Object.hasOwn(BYTES, info.dtype)) fail(`tensor '${key}' has dtype ${fmt(info.dtype)}; supported: ${Object.keys(BYTES).join(', ')}`);
    const size = BYTES[info.dtype as SafetensorsDtype];
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor '${key}' shape must be an array of non-negative integers, got ${fmt(shape)}`);
    const off = info.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail(`tensor '${key}' data_offsets must be two non-negative integers, got ${fmt(off)}`);
    }
    const [b, e] = off as [number, number];
    if (!(e >= b && e <= dataLength)) fail(`tensor '${key}' data_offsets [${b}, ${e}] fall outside the ${dataLength} data bytes`);
    // The element count is bounded by the span, so the product cannot run away unnoticed.
    let bytes = size;
    for (const d of shape as number[]) bytes = bytes * d > dataLength ? Infinity : bytes * d;
    if (bytes !== e - b) {
      fail(`tensor '${key}' of shape ${shapeStr(shape as number[])} ${String(info.dtype)} needs ${Number.isFinite(bytes) ? bytes : 'more than the file\'s'} bytes, data_offsets span ${e - b}`);
    }
    list.push([key, { dtype: info.dtype as SafetensorsDtype, shape: shape as number[], begin: b, end: e }]);
  }
  // The tensors must tile the data bytes: sorted by start, each begins where the previous ended.
  let at = 0;
  let prev = '';
  for (const [key, t] of [...list].sort((x, y) => x[1].begin - y[1].begin || x[1].end - y[1].end)) {
    if (t.begin < at) fail(`tensor '${key}' data_offsets [${t.begin}, ${t.end}] overlap tensor '${prev}' (ends at ${at})`);
    if (t.begin > at) fail(`tensor '${key}' data_offsets [${t.begin}, ${t.end}] leave a gap of ${t.begin - at} bytes after ${prev ? `tensor '${prev}'` : 'the header'}`);
    at = t.end;
    prev = key;
  }
  if (at !== dataLength) fail(`tensors cover ${at} of the ${dataLength} data bytes (${dataLength - at} trailing bytes)`);
  return { entries: Object.fromEntries(list), metadata: Object.fromEntries(metadata) };
}

/**
 * Parses safetensors bytes, validating the header against the data. `name` is for errors.
 * @example const { tensors, metadata } = decodeSafetensors(bytes, 'model.safetensors');
 */
export function decodeSafetensors(bytes: Uint8Array, name: string): SafetensorsFile {
  const n = safetensorsHeaderLength(bytes.subarray(0, 8), bytes.length, name);
  const base = 8 + n;
  const { entries, metadata } = decodeSafetensorsHeader(bytes.subarray(8, base), bytes.length - base, name);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tensors: [string, SafetensorsTensor][] = [];
  for (const [key, { dtype, shape, begin }] of Object.entries(entries)) {
    const len = count(shape);
    const o = base + begin;
    let data: SafetensorsTensor['data'];
    switch (dtype) {
      case 'F32': data = new Float32Array(len); for (let i = 0; i < len; i++) data[i] = view.getFloat32(o + 4 * i, true); break;
      case 'F64': data = new Float64Array(len); for (let i = 0; i < len; i++) data[i] = view.getFloat64(o + 8 * i, true); break;
      case 'I32': data = new Int32Array(len); for (let i = 0; i < len; i++) data[i] = view.getInt32(o + 4 * i, true); break;
      case 'U8': data = bytes.slice(o, o + len); break;
      default: data = new BigInt64Array(len); for (let i = 0; i < len; i++) data[i] = view.getBigInt64(o + 8 * i, true);
    }
    tensors.push([key, { dtype, shape, data }]);
  }
  return { tensors: Object.fromEntries(tensors), metadata };
}
