// What an ONNX operator implementation sees: its inputs as tensors with their ONNX dtype, the
// node's attributes, the opset the model imports, and whether the model is training.
import type { Tensor } from '../../ops/tensor.js';
import type { AttributeProto, NodeProto } from './proto.js';
import { decodeTensorProto, type DecodedTensor } from './tensor-proto.js';

export interface OnnxValue {
  t: Tensor;
  dtype: number;
}

export interface OpContext {
  node: NodeProto;
  opset: number;
  training: boolean;
  attrs: Attributes;
  /** 'model.onnx: node "conv1" (Conv)' for messages. */
  what: string;
}

/** One operator: outputs in the node's output order (trailing optional outputs may be left out). */
export type OpRun = (inputs: (OnnxValue | null)[], ctx: OpContext) => OnnxValue[];

/** Typed access to a node's attributes with the operator's defaults. */
export class Attributes {
  private readonly byName: Map<string, AttributeProto>;

  constructor(list: AttributeProto[], private readonly what: string) {
    this.byName = new Map(list.map((a) => [a.name, a]));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  int(name: string, fallback: number): number {
    return this.byName.get(name)?.i ?? fallback;
  }

  float(name: string, fallback: number): number {
    return this.byName.get(name)?.f ?? fallback;
  }

  ints(name: string): number[] | undefined {
    const a = this.byName.get(name);
    return a ? a.ints.map(Number) : undefined;
  }

  floats(name: string): number[] | undefined {
    return this.byName.get(name)?.floats;
  }

  string(name: string, fallback: string): string {
    const s = this.byName.get(name)?.s;
    return s ? new TextDecoder().decode(s) : fallback;
  }

  tensor(name: string): DecodedTensor | undefined {
    const t = this.byName.get(name)?.t;
    return t ? decodeTensorProto(t, `${this.what}: attribute ${name}`) : undefined;
  }

  /** Names of the attributes that are present, for "unsupported attribute" checks. */
  names(): string[] {
    return [...this.byName.keys()];
  }
}

/** The values of an integer input (shape, axes, indices) as plain numbers. */
export function intsOf(v: OnnxValue | null | undefined): number[] | undefined {
  return v ? Array.from(v.t.toArray()) : undefined;
}
