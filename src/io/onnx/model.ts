// OnnxModel: an ONNX graph as an nn.Module. Float initializers become parameters (batch-norm
// statistics become buffers) registered under their initializer names, dotted names as nested
// modules, so stateDict() keys equal the names in the file; forward runs the nodes in order with
// striate's ops, so gradients, optimisers and fit work on it.
import { tensor } from '../../ops/creation.js';
import type { Tensor } from '../../ops/tensor.js';
import { Module } from '../../nn/module.js';
import { Parameter } from '../../nn/parameter.js';
import { FormatError } from '../../tensor/errors.js';
import { shapeStr } from '../../tensor/shape.js';
import type { GraphProto, ModelProto, NodeProto } from './proto.js';
import { checkOperators, defaultOpset, nodeLabel, sortNodes } from './graph.js';
import { BUFFER_INPUTS, ONNX_OPS, SETTING_INPUTS } from './op-table.js';
import { Attributes, type OnnxValue } from './op-types.js';
import { castValues, decodeTensorProto, DTYPE, dtypeName, type ExternalDataReader } from './tensor-proto.js';

/** One node of the graph as forward runs it. */
export interface OnnxNodeInfo {
  name: string;
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
}

interface PlannedNode {
  node: NodeProto;
  attrs: Attributes;
  what: string;
}

export class OnnxModel extends Module {
  /** The graph inputs forward() takes, in order (initializers excluded). */
  readonly inputNames: string[];
  readonly outputNames: string[];
  /** The default-domain opset the file imports. */
  readonly opset: number;
  private readonly inputDtypes: number[];
  private readonly inputRanks: (number | undefined)[];
  private readonly plan: PlannedNode[];
  /** The nodes forward runs, in order (to find a value to cut at, say). */
  readonly nodes: readonly OnnxNodeInfo[];
  /** Initializers by name: parameters, buffers and constants alike. */
  private readonly initializers = new Map<string, OnnxValue>();

  /**
   * Built by loadOnnx from the decoded file. `outputs` picks the values forward returns (default:
   * the graph's outputs); naming an inner value cuts the graph there, e.g. at the features before
   * a classifier to put a new head on.
   * @internal
   */
  constructor(model: ModelProto, what: string, { outputs, readExternal }: { outputs?: string[]; readExternal?: ExternalDataReader } = {}) {
    super();
    const graph = model.graph as GraphProto;
    this.opset = defaultOpset(model, what);
    checkOperators(graph.node, this.opset, what);
    const initNames = new Set(graph.initializer.map((t) => t.name ?? ''));
    if (initNames.size < graph.initializer.length) {
      const twice = graph.initializer.find((t, i) => graph.initializer.findIndex((u) => u.name === t.name) !== i)!;
      throw new FormatError(what, `${what}: initializer '${twice.name ?? ''}' is defined twice`);
    }
    const inputs = graph.input.filter((v) => !initNames.has(v.name));
    this.inputNames = inputs.map((v) => v.name);
    this.inputDtypes = inputs.map((v) => v.type?.tensor_type?.elem_type ?? DTYPE.FLOAT);
    this.inputRanks = inputs.map((v) => v.type?.tensor_type?.shape?.dim.length);
    this.outputNames = outputs ?? graph.output.map((v) => v.name);
    const order = neededNodes(sortNodes(graph.node, new Set([...initNames, ...this.inputNames]), what), this.outputNames, what, outputs === undefined);
    this.plan = order.map((node) => {
      const label = `${what}: ${nodeLabel(node, graph.node.indexOf(node))}`;
      return { node, attrs: new Attributes(node.attribute, label), what: label };
    });
    this.nodes = order.map((n) => ({ name: n.name ?? '', opType: n.op_type, inputs: n.input, outputs: n.output }));
    const roles = initializerRoles(order);
    const read = new Set(order.flatMap((n) => n.input));
    for (const t of graph.initializer) {
      const name = t.name ?? '';
      if (!read.has(name) && !this.outputNames.includes(name)) continue; // cut away with the nodes that read it
      const decoded = decodeTensorProto(t, `${what}: initializer '${name}'`, readExternal);
      const value: OnnxValue = { t: tensor(decoded.values, decoded.shape), dtype: decoded.dtype };
      const role = decoded.dtype === DTYPE.FLOAT || decoded.dtype === DTYPE.DOUBLE ? roles.get(name) : undefined;
      if (role === 'parameter') value.t = new Parameter(value.t);
      if (role) this.register(name, value.t, role, what);
      this.initializers.set(name, value);
    }
  }

  /** Runs the graph; returns the first output. @example (await loadOnnx(bytes)).forward(x) */
  override forward(...xs: Tensor[]): Tensor {
    return this.run(xs.map((t, i) => ({ t, dtype: this.inputDtypes[i] ?? DTYPE.FLOAT })))[0]!.t;
  }

  /** Runs the graph on inputs with their ONNX dtypes; returns every graph output in order. */
  run(inputs: readonly OnnxValue[]): OnnxValue[] {
    if (inputs.length !== this.inputNames.length) {
      throw new Error(`OnnxModel: expected ${this.inputNames.length} input(s) (${this.inputNames.join(', ')}), got ${inputs.length}`);
    }
    const values = new Map(this.initializers);
    inputs.forEach((v, i) => {
      const rank = this.inputRanks[i];
      if (rank !== undefined && v.t.ndim !== rank) {
        throw new Error(`OnnxModel: input '${this.inputNames[i]}' has shape ${shapeStr(v.t.shape)}, the model expects ${rank} dims`);
      }
      values.set(this.inputNames[i]!, v);
    });
    for (const { node, attrs, what } of this.plan) {
      const ins = node.input.map((name) => (name ? values.get(name)! : null));
      const outs = ONNX_OPS[node.op_type]!(ins, { node, attrs, what, opset: this.opset, training: this.training });
      node.output.forEach((name, i) => {
        const v = outs[i];
        if (!name || !v) return;
        if (v.dtype !== DTYPE.FLOAT && v.dtype !== DTYPE.DOUBLE) v.t.data.set(castValues(v.t.data, v.dtype));
        values.set(name, v);
      });
    }
    return this.outputNames.map((name) => {
      const v = values.get(name);
      if (!v) throw new Error(`OnnxModel: graph output '${name}' was not computed`);
      return v;
    });
  }

  /** Registers an initializer under its dotted name, creating a plain module per prefix. */
  private register(name: string, t: Tensor, role: 'parameter' | 'buffer', what: string): void {
    const parts = name.split('.');
    if (parts.some((p) => p === '')) throw new FormatError(what, `${what}: initializer name '${name}' has an empty part between dots`);
    let owner: Module = this;
    // A name that is already a property (training, forward, nodes, …) would overwrite it.
    const taken = (m: Module, part: string): boolean => part in m && !((m as unknown as Record<string, unknown>)[part] instanceof Module);
    for (const part of parts.slice(0, -1)) {
      const child = (owner as unknown as Record<string, unknown>)[part];
      if (taken(owner, part)) throw new FormatError(what, `${what}: initializer name '${name}' collides with the module property '${part}'`);
      if (child === undefined) {
        const m = new Module();
        owner.registerModule(part, m);
        owner = m;
      } else if (child instanceof Module) owner = child;
      else throw new FormatError(what, `${what}: initializer '${name}' nests under '${part}', which is itself a tensor`);
    }
    const leaf = parts[parts.length - 1]!;
    if (leaf in owner) throw new FormatError(what, `${what}: initializer name '${name}' collides with the module property '${leaf}'`);
    if (role === 'parameter') owner.registerParameter(leaf, t);
    else owner.registerBuffer(leaf, t);
  }

  override extraRepr(): string {
    return `opset ${this.opset}, inputs ${this.inputNames.join(', ')} (${this.inputDtypes.map(dtypeName).join(', ')}), ` +
      `outputs ${this.outputNames.join(', ')}, ${this.plan.length} nodes`;
  }
}

/** 'buffer' for batch-norm statistics, 'parameter' for any other data input, none for settings only. */
function initializerRoles(nodes: readonly NodeProto[]): Map<string, 'parameter' | 'buffer'> {
  const roles = new Map<string, 'parameter' | 'buffer'>();
  for (const n of nodes) {
    n.input.forEach((name, i) => {
      if (!name) return;
      if (BUFFER_INPUTS[n.op_type]?.includes(i)) roles.set(name, 'buffer');
      else if (!SETTING_INPUTS[n.op_type]?.includes(i) && roles.get(name) !== 'buffer') roles.set(name, 'parameter');
    });
  }
  return roles;
}

/** The nodes (in run order) that the wanted values depend on; `fromFile` when they are the graph's own outputs. */
function neededNodes(order: readonly NodeProto[], wanted: readonly string[], what: string, fromFile: boolean): NodeProto[] {
  const need = new Set(wanted);
  const keep: NodeProto[] = [];
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]!;
    if (!n.output.some((o) => need.has(o))) continue;
    keep.push(n);
    for (const name of n.input) if (name) need.add(name);
  }
  const made = new Set(keep.flatMap((n) => n.output));
  const missing = wanted.filter((w) => !made.has(w) && !order.some((n) => n.input.includes(w)));
  if (missing.length === 0) return keep.reverse();
  const names = missing.map((m) => `'${m}'`).join(', ');
  if (fromFile) throw new FormatError(what, `${what}: graph output ${names} is computed by no node`);
  throw new Error(`${what}: no value named ${names} to output`);
}
