// The graph an export builds: value names for tensors, initializers, nodes, and the ModelProto
// object that protobufjs encodes (field names as in onnx.proto).
import type { Tensor } from '../../ops/tensor.js';

/** An attribute value: a number (int or float as `float` says), a list of ints, or a string. */
export type AttrValue = number | readonly number[] | string | { float: number };

interface TensorObject { name: string; dims: number[]; data_type: number; raw_data: Uint8Array }

const FLOAT = 1;
const INT64 = 7;

function attribute(name: string, v: AttrValue): Record<string, unknown> {
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return { name, type: 2, i: v };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  return { name, type: 1, f: (v as { float: number }).float };
}

// ONNX stores raw_data little-endian; typed arrays are in the platform's order.
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes of `values`, a view: callers pass arrays made for the file (copies), never shared ones. */
function rawBytes(values: Float32Array | BigInt64Array): Uint8Array {
  if (!littleEndian) throw new Error('exportOnnx: needs a little-endian platform');
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

export class GraphBuilder {
  private readonly names = new Map<Tensor, string>();
  private readonly taken = new Set<string>();
  private readonly nodes: Record<string, unknown>[] = [];
  private readonly initializers: TensorObject[] = [];
  /** Module path of the op being emitted (node and constant names start with it). */
  scope = '';

  /** `base`, or base_1, base_2, ... if taken; reserves the name. */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }

  nameOf(t: Tensor): string | undefined {
    return this.names.get(t);
  }

  bind(t: Tensor, name: string): void {
    this.names.set(t, name);
  }

  /** A float initializer holding `values` (e.g. a parameter under its state-dict name). */
  floatInitializer(base: string, values: Float32Array, dims: readonly number[]): string {
    const name = this.fresh(base);
    this.initializers.push({ name, dims: dims.slice(), data_type: FLOAT, raw_data: rawBytes(values) });
    return name;
  }

  /** An int64 initializer (shapes, axes, pads) in the current scope. */
  int64Constant(base: string, values: readonly number[]): string {
    const name = this.fresh(this.scoped(base));
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    this.initializers.push({ name, dims: [values.length], data_type: INT64, raw_data: rawBytes(data) });
    return name;
  }

  /** A float scalar (0-d) initializer in the current scope. */
  scalarConstant(value: number): string {
    return this.floatInitializer(this.scoped('scalar'), new Float32Array([value]), []);
  }

  // 'layer1.0.conv1/Conv'; the root module's own ops read '/Reshape', as in PyTorch's exports.
  private scoped(base: string): string {
    return `${this.scope}/${base}`;
  }

  /** Adds a node named after the scope and op type; returns its (single) output's name. */
  node(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue | undefined> = {}): string {
    const name = this.fresh(this.scoped(opType));
    const output = this.fresh(`${name}_output`);
    const attribute_ = Object.entries(attrs).filter(([, v]) => v !== undefined).map(([k, v]) => attribute(k, v!));
    this.nodes.push({ name, op_type: opType, input: inputs.slice(), output: [output], attribute: attribute_ });
    return output;
  }

  /** Renames the value `from` to `to` (the graph output's name) wherever it appears; false if no node makes it. */
  renameOutput(from: string, to: string): boolean {
    if (!this.nodes.some((n) => (n.output as string[])[0] === from)) return false;
    for (const n of this.nodes) {
      n.input = (n.input as string[]).map((v) => (v === from ? to : v));
      n.output = (n.output as string[]).map((v) => (v === from ? to : v));
    }
    return true;
  }

  /** The ModelProto object for proto.ts's encodeModel. */
  model(opts: {
    opset: number; graphName: string;
    inputs: { name: string; shape: readonly (number | string)[] }[];
    outputs: { name: string; shape: readonly (number | string)[] }[];
    metadata: Record<string, string>;
  }): Record<string, unknown> {
    const valueInfo = (v: { name: string; shape: readonly (number | string)[] }): Record<string, unknown> => ({
      name: v.name,
      type: {
        tensor_type: {
          elem_type: FLOAT,
          shape: { dim: v.shape.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d })) },
        },
      },
    });
    return {
      // IR 7 came with opset 13 and 14, IR 8 with opsets 15 to 17.
      ir_version: opts.opset <= 14 ? 7 : 8,
      producer_name: 'striate',
      opset_import: [{ domain: '', version: opts.opset }],
      metadata_props: Object.entries(opts.metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: opts.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: opts.inputs.map(valueInfo),
        output: opts.outputs.map(valueInfo),
      },
    };
  }
}
