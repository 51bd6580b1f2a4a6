// ONNX protobuf messages through protobufjs and the official schema (onnx-schema.ts, generated
// from onnx.proto): decoding to plain objects typed with the fields striate reads, and encoding.
import protobuf from 'protobufjs/light.js';
import { FormatError } from '../../tensor/errors.js';
import { onnxSchema } from './onnx-schema.js';

export interface TensorProto {
  name?: string;
  dims: number[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data: number[];
  int32_data: number[];
  int64_data: number[];
  double_data: number[];
  uint64_data: number[];
  string_data: Uint8Array[];
  data_location?: number; // 1 = EXTERNAL
  external_data: { key: string; value: string }[];
}

export interface AttributeProto {
  name: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats: number[];
  ints: number[];
  strings: Uint8Array[];
}

export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  op_type: string;
  domain?: string;
  attribute: AttributeProto[];
}

export interface ValueInfoProto {
  name: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim: { dim_value?: number; dim_param?: string }[] } } };
}

export interface GraphProto {
  name?: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
}

export interface ModelProto {
  ir_version?: number;
  producer_name?: string;
  opset_import: { domain?: string; version?: number }[];
  graph?: GraphProto;
}

const root = protobuf.Root.fromJSON(onnxSchema as unknown as protobuf.INamespace);
const toObjectOptions = { longs: Number, arrays: true, defaults: false } as const;

/** Decodes one message; a truncated or foreign file gives an error naming `what` (file name). */
function decode<T>(type: string, bytes: Uint8Array, what: string): T {
  const t = root.lookupType(type);
  try {
    return t.toObject(t.decode(bytes), toObjectOptions) as T;
  } catch (e) {
    throw new FormatError(what, `${what}: not a valid ONNX ${type.slice(5)} (${(e as Error).message}); is the file truncated or not ONNX?`);
  }
}

/** A model file's bytes to its ModelProto; checks that there is a graph and an opset. */
export function decodeModel(bytes: Uint8Array, what: string): ModelProto {
  const m = decode<ModelProto>('onnx.ModelProto', bytes, what);
  if (!m.graph || m.graph.node.length === 0 || m.ir_version === undefined) {
    throw new FormatError(what, `${what}: not an ONNX model (no ir_version or no graph with nodes); is the file truncated or not ONNX?`);
  }
  return m;
}

/** A serialized TensorProto (the test data's input_0.pb) to its fields. */
export function decodeTensor(bytes: Uint8Array, what: string): TensorProto {
  return decode<TensorProto>('onnx.TensorProto', bytes, what);
}

/** A ModelProto as a plain object (field names as in onnx.proto) to bytes. */
export function encodeModel(model: Record<string, unknown>): Uint8Array {
  const t = root.lookupType('onnx.ModelProto');
  const problem = t.verify(model);
  if (problem) throw new Error(`encodeModel: ${problem}`);
  return t.encode(t.fromObject(model)).finish();
}
