// Fuzz cases for loadOnnx: mutations of a real small ONNX file that PyTorch exported
// (test/fixtures/onnx/small-cnn.onnx, made by scripts/onnx/small_cnn.py): bytes changed and cut
// short, fields changed structurally through the protobuf (dims, data types, raw data, external
// data locations, operators, node inputs and outputs that make cycles or dangle, opsets, names),
// and absurd dimensions. Models are read from a folder holding one external data file, so
// external locations that exist, are missing or leave the folder are all exercised.
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { onnxFromBytes } from '../../src/io/onnx/load.js';
import { externalReader } from '../../src/io/onnx/node-files.js';
import { decodeModel, encodeModel } from '../../src/io/onnx/proto.js';

export const SMALL_ONNX = new Uint8Array(readFileSync(new URL('../fixtures/onnx/small-cnn.onnx', import.meta.url)));

type Obj = Record<string, unknown>;
type Mutation = (m: Obj) => void;

const dir = mkdtempSync(join(tmpdir(), 'striate-fuzz-onnx-'));
writeFileSync(join(dir, 'weights.bin'), new Uint8Array(256).map((_, i) => i));
symlinkSync('/etc/hostname', join(dir, 'link.bin'));
const readExternal = externalReader(join(dir, 'fuzz.onnx'));

/** Reads ONNX bytes as loadOnnx reads a file in `dir` (external data beside it). */
export function readOnnx(bytes: Uint8Array): unknown {
  return onnxFromBytes(bytes, { name: 'fuzz.onnx', readExternal });
}

const graphOf = (m: Obj): Obj => (m.graph as Obj | undefined) ?? {}; // {} once a mutation removed the graph
const listOf = (m: Obj, key: string): Obj[] => (graphOf(m)[key] as Obj[] | undefined) ?? [];
const pick = <T>(list: T[], at: number): T | undefined => list[at % Math.max(1, list.length)];

const dim = fc.oneof(fc.integer({ min: -2, max: 40 }), fc.constantFrom(2 ** 31, 2 ** 40, 2 ** 53 - 1, 1e6, 65536));
const name = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('x', 'y', '__proto__', 'constructor', 'training', 'a..b', '5.weight', '5.bias'));
const location = fc.constantFrom('weights.bin', 'missing.bin', '../weights.bin', '/etc/passwd', '', 'link.bin', '.', 'a\0b', 'sub/../weights.bin');
const numeric = fc.oneof(fc.integer({ min: -8, max: 300 }), fc.constantFrom(2 ** 32, 2 ** 53, 1e15), fc.string({ maxLength: 4 }));

/** One structural change of a decoded model; `at` chooses the node, initializer or field. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ at: fc.nat(), j: fc.nat(), d: dim }).map(({ at, j, d }) => (m: Obj) => {
    const t = pick(listOf(m, 'initializer'), at);
    const dims = t?.dims as number[] | undefined;
    if (dims) dims[j % (dims.length + 1)] = d;
  }),
  fc.record({ at: fc.nat(), dims: fc.array(dim, { maxLength: 6 }) }).map(({ at, dims }) => (m: Obj) => {
    const t = pick(listOf(m, 'initializer'), at);
    if (t) t.dims = dims;
  }),
  fc.record({ at: fc.nat(), type: fc.integer({ min: 0, max: 20 }) }).map(({ at, type }) => (m: Obj) => {
    const t = pick(listOf(m, 'initializer'), at);
    if (t) t.data_type = type;
  }),
  fc.record({ at: fc.nat(), cut: fc.nat(), add: fc.nat({ max: 9 }) }).map(({ at, cut, add }) => (m: Obj) => {
    const t = pick(listOf(m, 'initializer'), at);
    const raw = t?.raw_data as Uint8Array | undefined;
    if (!t || !raw) return;
    const out = new Uint8Array(cut % (raw.length + 1) + add);
    out.set(raw.subarray(0, Math.min(raw.length, out.length)));
    t.raw_data = out;
  }),
  fc.record({ at: fc.nat(), values: fc.array(fc.float(), { maxLength: 40 }) }).map(({ at, values }) => (m: Obj) => {
    const t = pick(listOf(m, 'initializer'), at);
    if (!t) return;
    delete t.raw_data;
    t.float_data = values;
  }),
  fc.record({ at: fc.nat(), loc: location, offset: numeric, length: fc.option(numeric) }).map(({ at, loc, offset, length }) => (m: Obj) => {
    const t = pick(listOf(m, 'initializer'), at);
    if (!t) return;
    delete t.raw_data;
    t.data_location = 1;
    t.external_data = [{ key: 'location', value: loc }, { key: 'offset', value: String(offset) },
      ...(length === null ? [] : [{ key: 'length', value: String(length) }])];
  }),
  fc.record({ at: fc.nat(), op: fc.oneof(fc.constantFrom('Conv', 'Relu', 'Gemm', 'Einsum', 'Foo', '', 'Loop', 'Constant', 'Reshape'), fc.string({ maxLength: 5 })), domain: fc.option(fc.constantFrom('com.example', 'ai.onnx', '')) })
    .map(({ at, op, domain }) => (m: Obj) => {
      const n = pick(listOf(m, 'node'), at);
      if (!n) return;
      n.op_type = op;
      if (domain !== null) n.domain = domain;
    }),
  // An input renamed to another node's output (a cycle when it is a later node's) or to anything.
  fc.record({ at: fc.nat(), j: fc.nat(), from: fc.nat(), other: fc.option(name) }).map(({ at, j, from, other }) => (m: Obj) => {
    const nodes = listOf(m, 'node');
    const n = pick(nodes, at);
    const inputs = n?.input as string[] | undefined;
    const source = (pick(nodes, from)?.output as string[] | undefined)?.[0];
    if (inputs) inputs[j % (inputs.length + 1)] = other ?? source ?? '';
  }),
  fc.record({ at: fc.nat(), to: name }).map(({ at, to }) => (m: Obj) => {
    const outputs = pick(listOf(m, 'node'), at)?.output as string[] | undefined;
    if (outputs) outputs[0] = to;
  }),
  fc.record({ at: fc.nat(), to: name }).map(({ at, to }) => (m: Obj) => {
    const t = pick(listOf(m, 'initializer'), at);
    if (t) t.name = to;
  }),
  fc.record({ at: fc.nat(), to: name }).map(({ at, to }) => (m: Obj) => {
    const v = pick([...listOf(m, 'output'), ...listOf(m, 'input')], at);
    if (v) v.name = to;
  }),
  fc.oneof(fc.integer({ min: -1, max: 30 }), fc.constantFrom(2 ** 40)).map((version) => (m: Obj) => {
    m.opset_import = [{ domain: '', version }];
  }),
  fc.record({ at: fc.nat(), ints: fc.array(fc.integer({ min: -3, max: 2 ** 31 }), { maxLength: 5 }) }).map(({ at, ints }) => (m: Obj) => {
    const attribute = pick(listOf(m, 'node'), at)?.attribute as Obj[] | undefined;
    const a = attribute && pick(attribute, at);
    if (a) a.ints = ints;
  }),
  fc.constantFrom<Mutation>(
    (m) => { delete m.graph; },
    (m) => { delete m.ir_version; },
    (m) => { m.opset_import = []; },
    (m) => { graphOf(m).node = []; },
    (m) => { graphOf(m).initializer = [...listOf(m, 'initializer'), ...listOf(m, 'initializer')]; },
    (m) => { graphOf(m).node = [...listOf(m, 'node')].reverse(); },
  ),
);

const decoded = decodeModel(SMALL_ONNX, 'small-cnn.onnx') as unknown as Obj;

/** The fixture decoded, changed by a few mutations and encoded again. */
export const structuredOnnx: fc.Arbitrary<Uint8Array> = fc.array(mutation, { minLength: 1, maxLength: 4 }).map((edits) => {
  const m = structuredClone(decoded);
  for (const e of edits) e(m);
  return encodeModel(m);
});
