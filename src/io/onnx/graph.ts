// Load-time checks of an ONNX graph, before any tensor is allocated: every operator supported
// (one message listing all that are not), every value produced before it is read, no cycles.
// Returns the nodes in an order that runs each after its producers.
import { FormatError } from '../../tensor/errors.js';
import type { ModelProto, NodeProto } from './proto.js';
import { ONNX_OPS, OPSET_RANGE, SINCE_OPSET_1 } from './op-table.js';

export function nodeLabel(node: NodeProto, index: number): string {
  return `node "${node.name || `#${index}`}" (${node.op_type})`;
}

/** The default domain's opset the model imports. */
export function defaultOpset(model: ModelProto, what: string): number {
  const entry = model.opset_import.find((o) => !o.domain || o.domain === 'ai.onnx');
  if (!entry || entry.version === undefined) throw new FormatError(what, `${what}: the model imports no opset of the default ONNX domain`);
  return entry.version;
}

export function checkOperators(nodes: readonly NodeProto[], opset: number, what: string): void {
  const bad: string[] = [];
  nodes.forEach((n, i) => {
    const domainOk = !n.domain || n.domain === 'ai.onnx';
    const known = domainOk && Object.hasOwn(ONNX_OPS, n.op_type);
    const opsetOk = opset <= OPSET_RANGE.max && (opset >= OPSET_RANGE.min || SINCE_OPSET_1.has(n.op_type));
    if (!known || !opsetOk) bad.push(`${nodeLabel(n, i)}${n.domain ? ` in domain ${n.domain}` : ''} at opset ${opset}`);
  });
  if (bad.length > 0) {
    throw new FormatError(
      what,
      `${what}: ${bad.length} unsupported operator node(s): ${bad.join('; ')}. striate supports opsets ` +
        `${OPSET_RANGE.min}–${OPSET_RANGE.max} of ${Object.keys(ONNX_OPS).sort().join(', ')}`,
    );
  }
}

/** Kahn's algorithm over value names; `available` are the graph inputs and initializers. */
export function sortNodes(nodes: readonly NodeProto[], available: ReadonlySet<string>, what: string): NodeProto[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const o of n.output) {
      if (!o) continue;
      if (producer.has(o) || available.has(o)) throw new FormatError(what, `${what}: ${nodeLabel(n, i)} writes '${o}', which is already defined`);
      producer.set(o, i);
    }
  });
  const waiting = nodes.map(() => 0);
  const readers = nodes.map(() => [] as number[]);
  nodes.forEach((n, i) => {
    for (const name of n.input) {
      if (!name || available.has(name)) continue;
      const p = producer.get(name);
      if (p === undefined) throw new FormatError(what, `${what}: ${nodeLabel(n, i)} reads '${name}', which no node, graph input or initializer provides`);
      waiting[i]++;
      readers[p]!.push(i);
    }
  });
  const ready = nodes.flatMap((_, i) => (waiting[i] === 0 ? [i] : []));
  const order: NodeProto[] = [];
  while (ready.length > 0) {
    const i = ready.shift()!;
    order.push(nodes[i]!);
    for (const r of readers[i]!) if (--waiting[r] === 0) ready.push(r);
  }
  if (order.length < nodes.length) {
    const stuck = nodes.flatMap((n, i) => (waiting[i]! > 0 ? [nodeLabel(n, i)] : []));
    throw new FormatError(what, `${what}: the graph has a cycle through ${stuck.join(', ')}`);
  }
  return order;
}
