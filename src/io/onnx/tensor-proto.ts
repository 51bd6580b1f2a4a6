// TensorProto -> float32 values and a shape, every size checked before anything is allocated.
// striate computes in float32; integer tensors (shapes, indices, uint8 images) keep their ONNX
// dtype beside the values so outputs can be written back in it. raw_data is copied element by
// element through a DataView, never viewed in place: inside a file it is often not aligned.
import { FormatError } from '../../tensor/errors.js';
import { checkLimit } from '../../tensor/limits.js';
import { shapeStr } from '../../tensor/shape.js';
import type { TensorProto } from './proto.js';

export const DTYPE = {
  FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, FLOAT16: 10,
  DOUBLE: 11, UINT32: 12, UINT64: 13,
} as const;

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(DTYPE).map(([k, v]) => [v, k.toLowerCase()]));

export function dtypeName(dtype: number): string {
  return NAMES[dtype] ?? `data_type ${dtype}`;
}

/** Bytes per element and the little-endian reader of raw_data, per supported dtype. */
const RAW: Record<number, [number, (v: DataView, at: number) => number]> = {
  [DTYPE.FLOAT]: [4, (v, at) => v.getFloat32(at, true)],
  [DTYPE.UINT8]: [1, (v, at) => v.getUint8(at)],
  [DTYPE.INT8]: [1, (v, at) => v.getInt8(at)],
  [DTYPE.UINT16]: [2, (v, at) => v.getUint16(at, true)],
  [DTYPE.INT16]: [2, (v, at) => v.getInt16(at, true)],
  [DTYPE.INT32]: [4, (v, at) => v.getInt32(at, true)],
  [DTYPE.INT64]: [8, (v, at) => Number(v.getBigInt64(at, true))],
  [DTYPE.BOOL]: [1, (v, at) => v.getUint8(at)],
  [DTYPE.DOUBLE]: [8, (v, at) => v.getFloat64(at, true)],
  [DTYPE.UINT32]: [4, (v, at) => v.getUint32(at, true)],
  [DTYPE.UINT64]: [8, (v, at) => Number(v.getBigUint64(at, true))],
};

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

export interface DecodedTensor {
  values: Float32Array;
  shape: number[];
  dtype: number;
}

/** Reads the bytes of a tensor stored outside the model (data_location EXTERNAL). */
export type ExternalDataReader = (location: string, offset: number, length: number, what: string) => Uint8Array;

/**
 * Checks dims (integers, 0 ≤ d) and the element count against the maxTensorElements limit
 * before anything is allocated; returns the element count.
 */
export function checkedSize(dims: readonly number[], what: string): number {
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new FormatError(what, `${what}: invalid dimension ${d} in shape ${shapeStr(dims)}`);
  }
  // A zero anywhere makes an empty tensor, however large the other dims (and keeps ∞·0 out).
  const n = dims.includes(0) ? 0 : dims.reduce((a, d) => a * d, 1);
  checkLimit('maxTensorElements', n, `${what}: shape ${shapeStr(dims)} has ${n} elements, more than one tensor may have`);
  return n;
}

/** The values of a TensorProto as float32; `what` names the file and tensor in errors. */
export function decodeTensorProto(t: TensorProto, what: string, readExternal?: ExternalDataReader): DecodedTensor {
  const shape = t.dims.map(Number);
  const n = checkedSize(shape, what);
  const dtype = t.data_type ?? 0;
  const raw = RAW[dtype];
  if (!raw) throw new FormatError(what, `${what}: data type ${dtypeName(dtype)} is not supported (striate reads float, double and integer tensors)`);
  const [width, read] = raw;
  let bytes = t.raw_data;
  if (t.data_location === 1) {
    const entry = (key: string): string | undefined => t.external_data.find((e) => e.key === key)?.value;
    const location = entry('location');
    if (location === undefined) throw new FormatError(what, `${what}: external data without a 'location' entry`);
    if (!readExternal) {
      throw new FormatError(what, `${what}: data is stored outside the model in '${location}'; load the model from a path so the file beside it can be read`);
    }
    const length = entry('length');
    if (length !== undefined && Number(length) !== n * width) {
      throw new FormatError(what, `${what}: ${dtypeName(dtype)} shape ${shapeStr(shape)} needs ${n * width} bytes, the external data entry says length ${length}`);
    }
    bytes = readExternal(location, Number(entry('offset') ?? 0), n * width, what);
  }
  if (bytes && (bytes.length > 0 || n === 0)) {
    if (bytes.length !== n * width) {
      throw new FormatError(what, `${what}: ${dtypeName(dtype)} shape ${shapeStr(shape)} needs ${n}·${width} = ${n * width} bytes of data, the file has ${bytes.length}`);
    }
    // new Uint8Array(bytes) copies into a fresh buffer, so the floats are aligned.
    if (dtype === DTYPE.FLOAT && LITTLE_ENDIAN) return { values: new Float32Array(new Uint8Array(bytes).buffer), shape, dtype };
    const values = new Float32Array(n);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < n; i++) values[i] = read(view, i * width);
    return { values, shape, dtype };
  }
  const field = typedField(t, dtype);
  if (field.length !== n) {
    throw new FormatError(what, `${what}: ${dtypeName(dtype)} shape ${shapeStr(shape)} needs ${n} values, the file has ${field.length}`);
  }
  return { values: Float32Array.from(field, Number), shape, dtype };
}

/** Where a tensor without raw_data keeps its values, per the comments in onnx.proto. */
function typedField(t: TensorProto, dtype: number): readonly number[] {
  switch (dtype) {
    case DTYPE.FLOAT: return t.float_data;
    case DTYPE.DOUBLE: return t.double_data;
    case DTYPE.INT64: return t.int64_data;
    case DTYPE.UINT32: case DTYPE.UINT64: return t.uint64_data;
    default: return t.int32_data; // int32, (u)int8, (u)int16, bool
  }
}

/** Casts float32 results back to an integer dtype's values (truncation, wrap-around, 0/1). */
export function castValues(values: Float32Array, dtype: number): Float32Array {
  const wrap: Record<number, (v: number) => number> = {
    [DTYPE.UINT8]: (v) => v & 0xff, [DTYPE.INT8]: (v) => (v << 24) >> 24,
    [DTYPE.UINT16]: (v) => v & 0xffff, [DTYPE.INT16]: (v) => (v << 16) >> 16, [DTYPE.BOOL]: (v) => (v !== 0 ? 1 : 0),
  };
  const isInt = dtype !== DTYPE.FLOAT && dtype !== DTYPE.DOUBLE && dtype !== DTYPE.FLOAT16;
  if (!isInt) return values;
  const f = wrap[dtype];
  return values.map((v) => {
    const t = Math.trunc(v);
    return f ? f(t) : t;
  });
}
