// Property-based fuzzing of every file reader: garbage, hand-built headers with absurd fields and
// mutations of valid files (bytes changed, cut short). The only acceptable outcomes are a parsed
// result or the library's own FormatError / LimitError: never another exception, and never a case
// slower than SLOW_MS (a hang). Used by readers.test.ts (1,000 cases each, in npm test) and
// scripts/fuzz.ts (npm run fuzz, 10,000 or more each).
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import jpeg from 'jpeg-js';
import { decodeIdxFile } from '../../src/data/node-datasets.js';
import { encodeIdx, idxDataset, parseIdx } from '../../src/data/idx.js';
import { parseSignalCsv } from '../../src/data/csv.js';
import { decodeImage, encodePng } from '../../src/image/codec.js';
import { parseKernel } from '../../src/image/kernels.js';
import { loadSafetensorsInto, modelToSafetensors } from '../../src/io/model-file.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { lenet5 } from '../../src/models/lenet5.js';
import { FormatError, LimitError } from '../../src/tensor/errors.js';
import { readOnnx, SMALL_ONNX, structuredOnnx } from './onnx-cases.js';

export interface ReaderFuzz {
  name: string;
  cases: fc.Arbitrary<Uint8Array | string>;
  read(input: Uint8Array | string): unknown;
}

/** A case slower than this counts as a failure: a reader must refuse quickly, not grind. */
export const SLOW_MS = 2000;

const bytes = (input: Uint8Array | string): Uint8Array => input as Uint8Array;
const text = (input: Uint8Array | string): string => input as string;

/** Valid bytes changed at a few places (a byte set, or a 32-bit value such as a size set) and maybe cut short. */
function mutated(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }).map(({ at, byte }) => (b: Uint8Array) => { b[at % b.length] = byte; }),
    fc.record({ at: fc.nat(), value: fc.oneof(fc.nat(), fc.constantFrom(0xffffffff, 0x7fffffff, 0x10000, 20000)) }).map(({ at, value }) => (b: Uint8Array) => {
      const i = at % Math.max(1, b.length - 4);
      if (b.length >= 4) new DataView(b.buffer, b.byteOffset).setUint32(i, value >>> 0);
    }),
  );
  return fc.record({ edits: fc.array(edit, { maxLength: 6 }), cut: fc.option(fc.nat(), { freq: 3 }) }).map(({ edits, cut }) => {
    const b = valid.slice();
    for (const e of edits) e(b);
    return cut === null ? b : b.subarray(0, cut % (b.length + 1));
  });
}

const garbage = fc.uint8Array({ maxLength: 512 });

/** Safetensors bytes from a header object and a data length (the header need not be consistent). */
function safetensorsBytes(header: unknown, dataLength: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

const number = fc.oneof(fc.integer({ min: -4, max: 64 }), fc.double({ noNaN: false }), fc.constantFrom(2 ** 31, 2 ** 53, 1e308, -0));
const entry = fc.oneof(
  fc.record({
    dtype: fc.oneof(fc.constantFrom('F32', 'F64', 'I64', 'I32', 'U8', 'BF16', 'toString', '__proto__'), fc.string()),
    shape: fc.oneof(fc.array(number, { maxLength: 4 }), fc.anything()),
    data_offsets: fc.oneof(fc.tuple(number, number), fc.array(number, { maxLength: 3 }), fc.anything()),
  }, { requiredKeys: [] }),
  fc.anything(),
);
const structuredSafetensors = fc.record({
  tensors: fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', '__metadata__', 'constructor')), entry, { maxKeys: 4 }),
  metadata: fc.option(fc.oneof(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.anything())), fc.anything())),
  data: fc.nat({ max: 128 }),
}).map(({ tensors, metadata, data }) => safetensorsBytes(metadata === null ? tensors : { __metadata__: metadata, ...tensors }, data));

const model = lenet5({ numClasses: 3 });
const validModel = modelToSafetensors(model, { classNames: ['a', 'b', 'c'], training: { valLoss: 0.5, sampleShape: [1, 28, 28] } });
// A small file with several tensors, so mutations hit offsets, shapes and data alike.
const smallModelLike = safetensorsBytes({
  __metadata__: { 'striate.architecture': '{"name":"lenet5","options":{}}', 'striate.classNames': '["a"]' },
  'conv1.weight': { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
  'conv1.bias': { dtype: 'F32', shape: [2], data_offsets: [16, 24] },
  n: { dtype: 'I64', shape: [], data_offsets: [24, 32] },
}, 32);

/** IDX bytes from a type code, dimension sizes and a data length (consistent or not). */
const structuredIdx = fc.record({
  type: fc.oneof(fc.constantFrom(0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e), fc.integer({ min: 0, max: 255 })),
  dims: fc.array(fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constantFrom(0xffffffff, 60000, 2 ** 20)), { maxLength: 5 }),
  data: fc.nat({ max: 256 }),
}).map(({ type, dims, data }) => {
  const out = new Uint8Array(4 + 4 * dims.length + data);
  const v = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d));
  for (let i = 4 + 4 * dims.length; i < out.length; i++) out[i] = i * 37;
  return out;
});
const validIdx = encodeIdx(Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i * 13), [2, 3, 3]);
const validLabels = encodeIdx(Uint8Array.of(1, 0), [2]);

const validPng = Uint8Array.from(encodePng({ width: 3, height: 2, channels: 3, pixels: Uint8Array.from({ length: 18 }, (_, i) => i * 14) }));
const validJpeg = Uint8Array.from(jpeg.encode({ width: 8, height: 8, data: Uint8Array.from({ length: 256 }, (_, i) => i) }, 80).data);

const csvText = fc.oneof(
  fc.string({ unit: fc.constantFrom('0', '1', '2', '9', ',', '.', '-', 'e', '\n', ' ', 'x', ';', '\r') , maxLength: 200 }),
  fc.array(fc.array(fc.oneof(fc.integer({ min: -2, max: 10 }).map(String), fc.constantFrom('100000', '1e9', 'NaN', '', '2.5', '-0')), { minLength: 1, maxLength: 6 }), { maxLength: 8 })
    .map((rows) => rows.map((r) => r.join(',')).join('\n')),
);

const kernelText = fc.oneof(
  fc.json().map((j) => j),
  fc.jsonValue().map((v) => JSON.stringify({ kernel: v, scale: 1 })),
  fc.string({ unit: fc.constantFrom('1', '0', '-', '.', ',', ';', ' ', '\n', '#', 'e', '[', ']', '{', '}'), maxLength: 120 }),
);

export const READERS: ReaderFuzz[] = [
  {
    name: 'safetensors',
    cases: fc.oneof(garbage, structuredSafetensors, mutated(smallModelLike)),
    read: (b) => decodeSafetensors(bytes(b), 'fuzz.safetensors'),
  },
  {
    name: 'model file (safetensors + striate metadata, loaded into LeNet-5)',
    cases: fc.oneof(mutated(validModel.subarray(0, 8 + Number(new DataView(validModel.buffer).getBigUint64(0, true)) + 64)), mutated(validModel)),
    read: (b) => loadSafetensorsInto(model, bytes(b), 'fuzz.safetensors'),
  },
  {
    name: 'IDX raw',
    cases: fc.oneof(garbage, structuredIdx, mutated(validIdx)),
    read: (b) => {
      const a = decodeIdxFile(bytes(b), 'fuzz-images.idx');
      return a.shape.length === 3 ? idxDataset(a, parseIdx(validLabels, 'labels'), { imagesName: 'fuzz-images.idx' }) : a;
    },
  },
  {
    name: 'IDX gzip',
    cases: fc.oneof(
      structuredIdx.map((b) => new Uint8Array(gzipSync(b))),
      mutated(new Uint8Array(gzipSync(validIdx))),
      fc.record({ n: fc.nat({ max: 1 << 20 }), dims: fc.nat({ max: 1000 }) }).map(({ n, dims }) => new Uint8Array(gzipSync(Buffer.concat([encodeIdx(new Uint8Array(dims), [dims]), new Uint8Array(n)])))),
    ),
    read: (b) => decodeIdxFile(bytes(b), 'fuzz.idx.gz'),
  },
  { name: 'PNG', cases: fc.oneof(mutated(validPng), garbage.map((g) => Uint8Array.from([...validPng.subarray(0, 8), ...g]))), read: (b) => decodeImage(bytes(b), 'fuzz.png') },
  { name: 'JPEG', cases: fc.oneof(mutated(validJpeg), garbage.map((g) => Uint8Array.from([0xff, 0xd8, 0xff, ...g]))), read: (b) => decodeImage(bytes(b), 'fuzz.jpg') },
  { name: 'signal CSV', cases: csvText, read: (t) => parseSignalCsv(text(t), 'fuzz.csv') },
  { name: 'kernel file', cases: kernelText, read: (t) => parseKernel(text(t), 'fuzz-kernel.json') },
  { name: 'ONNX (loadOnnx)', cases: fc.oneof(garbage, mutated(SMALL_ONNX), structuredOnnx), read: (b) => readOnnx(bytes(b)) },
];

export interface FuzzResult {
  reader: string;
  tried: number;
  /** Cases read without error, and cases refused with FormatError / LimitError. */
  accepted: number;
  refused: number;
  failures: { input: string; error: string }[];
  seconds: number;
}

const show = (input: Uint8Array | string): string => typeof input === 'string'
  ? JSON.stringify(input.slice(0, 200))
  : `${input.length} bytes: ${Buffer.from(input.subarray(0, 96)).toString('hex')}`;

/** Runs `runs` generated cases (seeded) through one reader; every other outcome than a result or our errors is a failure. */
export function fuzzReader(reader: ReaderFuzz, runs: number, seed: number): FuzzResult {
  const t0 = performance.now();
  const failures: FuzzResult['failures'] = [];
  let tried = 0;
  let accepted = 0;
  let refused = 0;
  // Generated in chunks so a long run never holds every case at once.
  for (let done = 0; done < runs; done += 1000) {
    for (const input of fc.sample(reader.cases, { numRuns: Math.min(1000, runs - done), seed: seed + done })) {
      tried++;
      const start = performance.now();
      try {
        reader.read(input);
        accepted++;
      } catch (e) {
        if (e instanceof FormatError || e instanceof LimitError) refused++;
        else failures.push({ input: show(input), error: String((e as Error)?.stack ?? e).slice(0, 400) });
      }
      const ms = performance.now() - start;
      if (ms > SLOW_MS) failures.push({ input: show(input), error: `took ${ms.toFixed(0)} ms (limit ${SLOW_MS})` });
    }
  }
  return { reader: reader.name, tried, accepted, refused, failures, seconds: (performance.now() - t0) / 1000 };
}
