// The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian
// header (two zero bytes, a type code, the number of dimensions, one uint32 per dimension) and
// then the raw values. Pure byte parsing, usable in browsers; gunzip and file access are in
// node-datasets.ts.
import { FormatError } from '../tensor/errors.js';
import { checkLimit } from '../tensor/limits.js';
import { ArrayDataset } from './dataset.js';

const TYPES: Record<number, { name: string; bytes: number }> = {
  0x08: { name: 'uint8', bytes: 1 },
  0x09: { name: 'int8', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
};

export interface IdxArray {
  shape: number[];
  /** Values as numbers; uint8 data (all of MNIST) stays a Uint8Array view. */
  data: Uint8Array | Float64Array;
  type: string;
}

/**
 * The header of an IDX file from its first bytes (at least 4 + 4 · dimensions): shape, type and
 * the total length the file must have, computed before any allocation.
 */
export function idxHeader(bytes: Uint8Array, name: string) {
  if (bytes.length < 4) throw new FormatError(name, `IDX ${name}: file is ${bytes.length} bytes, too short for the 4-byte magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = TYPES[bytes[2]!];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !type || bytes[3] === 0) {
    throw new FormatError(name, `IDX ${name}: wrong magic number 0x${view.getUint32(0).toString(16).padStart(8, '0')}, expected ` +
      '0x000008NN (two zero bytes, a type code such as 0x08 for uint8, the number of dimensions); is this an IDX file?');
  }
  const ndim = bytes[3]!;
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new FormatError(name, `IDX ${name}: truncated header: ${bytes.length} bytes, the ${ndim} dimension sizes need ${headerBytes}`);
  }
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  // A float product: exact up to 2^53, and anything near that is refused against the file's length.
  const length = headerBytes + shape.reduce((a, b) => a * b, 1) * type.bytes;
  return { shape, type, headerBytes, length };
}

/**
 * Parses one IDX file's bytes (already gunzipped). `name` is used in error messages.
 * @example const { shape, data } = parseIdx(bytes, 'train-images-idx3-ubyte'); // shape [60000, 28, 28]
 */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  const { shape, type, headerBytes, length } = idxHeader(bytes, name);
  const count = (length - headerBytes) / type.bytes;
  if (bytes.length < length) {
    throw new FormatError(name, `IDX ${name}: truncated file: ${bytes.length} bytes, header [${shape.join(', ')}] of ${type.name} ` +
      `needs ${length}`);
  }
  if (bytes.length > length) {
    throw new FormatError(name, `IDX ${name}: ${bytes.length - length} unexpected trailing bytes after ${length} (shape [${shape.join(', ')}])`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type.bytes === 1 && type.name === 'uint8') return { shape, data: bytes.subarray(headerBytes), type: type.name };
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const o = headerBytes + i * type.bytes;
    switch (type.name) {
      case 'int8': data[i] = view.getInt8(o); break;
      case 'int16': data[i] = view.getInt16(o); break;
      case 'int32': data[i] = view.getInt32(o); break;
      case 'float32': data[i] = view.getFloat32(o); break;
      default: data[i] = view.getFloat64(o);
    }
  }
  return { shape, data, type: type.name };
}

/**
 * Encodes uint8 values as IDX bytes (what MNIST-style files hold).
 * @example encodeIdx(labels, [labels.length]) // an idx1-ubyte file's bytes
 */
export function encodeIdx(values: Uint8Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`encodeIdx: ${values.length} values for shape [${shape.join(', ')}]`);
  const out = new Uint8Array(4 + 4 * shape.length + count);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(values, 4 + 4 * shape.length);
  return out;
}

export interface IdxPairOptions {
  /** Names of the two files, for error messages. */
  imagesName?: string;
  labelsName?: string;
  classNames?: readonly string[];
}

/**
 * An images file ([N, H, W] uint8) and a labels file ([N] uint8) as a dataset of [1, H, W]
 * samples scaled to [0, 1] (like torchvision's ToTensor).
 * @example const ds = idxDataset(parseIdx(img, 'images'), parseIdx(lbl, 'labels'));
 */
export function idxDataset(images: IdxArray, labels: IdxArray, opts: IdxPairOptions = {}): ArrayDataset {
  const iname = opts.imagesName ?? 'images';
  const lname = opts.labelsName ?? 'labels';
  if (images.shape.length !== 3) {
    throw new FormatError(iname, `IDX ${iname}: images must have 3 dimensions [N, H, W], got [${images.shape.join(', ')}]`);
  }
  if (labels.shape.length !== 1) {
    throw new FormatError(lname, `IDX ${lname}: labels must have 1 dimension [N], got [${labels.shape.join(', ')}]`);
  }
  const [n, h, w] = images.shape as [number, number, number];
  if (labels.shape[0] !== n) {
    throw new FormatError(lname, `IDX ${lname}: label count ${labels.shape[0]} does not match image count ${n} in ${iname}`);
  }
  const data = new Float32Array(n * h * w);
  for (let i = 0; i < data.length; i++) data[i] = images.data[i]! / 255;
  const y = new Int32Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = labels.data[i]!;
    if (!Number.isInteger(v) || v < 0) throw new FormatError(lname, `IDX ${lname}: label ${i} is ${v}, not a class index (a non-negative integer)`);
    checkLimit('maxClasses', v + 1, `IDX ${lname}: label ${i} (${v}) implies ${v + 1} classes`);
    y[i] = v;
    max = Math.max(max, v);
  }
  const classNames = opts.classNames;
  const numClasses = classNames?.length ?? max + 1;
  if (max >= numClasses) throw new FormatError(lname, `IDX ${lname}: label ${max} is outside the ${numClasses} class names given`);
  return new ArrayDataset(data, [1, h, w], y, numClasses, classNames, iname);
}
