// summary(): a torchinfo-style table of a model. It runs one forward pass on zeros (eval mode, no
// gradients) with every module's forward wrapped, so it sees the real call order, including
// residual branches and layers called twice, and the real output shapes. A layer that throws is
// reported as the place where the shape stopped flowing, with the op's own message (for a conv or
// pool: the formula r = (q - k + 2p)/s + 1 with the numbers).
import { noGrad } from '../autograd/grad-mode.js';
import { zeros } from '../ops/creation.js';
import type { Tensor } from '../ops/tensor.js';
import { shapeStr, sizeOf } from '../tensor/shape.js';
import * as nn from '../nn/index.js';

export interface LayerSummary {
  /** State-dict prefix of the module ('layer1.0.conv1'). */
  name: string;
  /** Class name ('Conv2d'). */
  type: string;
  /** Nesting depth: 1 for the model's direct children. */
  depth: number;
  inputShape: number[];
  /** Empty when the layer failed. */
  outputShape: number[];
  /** Parameters of the module and its descendants; 0 on repeated calls of the same module. */
  params: number;
  /** Multiply-accumulates of this call (conv and linear layers; containers sum their children). */
  macs: number;
}

export interface SummaryFailure {
  layer: string;
  type: string;
  inputShape: number[];
  message: string;
}

export interface ModelSummary {
  model: string;
  inputShape: number[];
  /** Empty when the forward pass failed. */
  outputShape: number[];
  layers: LayerSummary[];
  totalParams: number;
  trainableParams: number;
  totalMacs: number;
  /** Set when a shape could not flow through some layer. */
  error: SummaryFailure | null;
  /** The table, as printed. */
  table: string;
}

export interface SummaryOptions {
  /** Print the table with console.log (default true). */
  print?: boolean;
  /** Deepest nesting level shown in the table (default 3); the result's `layers` has every level. */
  depth?: number;
}

/** MACs of one call: every output element of a conv or linear layer costs one dot product. */
function callMacs(m: nn.Module, out: Tensor): number {
  if (m instanceof nn.ConvNd) return out.numel() * sizeOf(m.weight.shape.slice(1));
  if (m instanceof nn.Linear) return out.numel() * m.inFeatures;
  return 0;
}

const countParams = (m: nn.Module): number => m.parameters().reduce((s, p) => s + p.numel(), 0);

/**
 * Per layer: name, type, output shape, parameters and multiply-accumulates, with totals, like
 * torchinfo. Runs one forward pass on zeros of `inputShape` (batch included) in eval mode without
 * gradients, then restores the model's mode. Never throws for a shape that cannot flow: the
 * result's `error` names the layer and says why.
 * @example
 * const s = summary(models.resnet18(), [1, 3, 224, 224]); // prints the table
 * s.totalParams // 11689512
 */
export function summary(model: nn.Module, inputShape: readonly number[], opts: SummaryOptions = {}): ModelSummary {
  if (!inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`summary: inputShape must hold positive integers, got ${shapeStr(inputShape)}`);
  }
  const layers: LayerSummary[] = [];
  const seen = new Set<nn.Module>();
  const stack: LayerSummary[] = [];
  let error: SummaryFailure | null = null;
  const restore: (() => void)[] = [];
  for (const [name, m] of model.namedModules()) {
    if (m === model) continue;
    const original = m.forward;
    const depth = name.split('.').length;
    m.forward = (...xs: Tensor[]): Tensor => {
      const row: LayerSummary = {
        name, type: m.constructor.name, depth, inputShape: xs[0] ? xs[0].shape.slice() : [], outputShape: [],
        params: seen.has(m) ? 0 : countParams(m), macs: 0,
      };
      seen.add(m);
      layers.push(row);
      stack.push(row);
      try {
        const out = original.apply(m, xs);
        row.outputShape = out.shape.slice();
        row.macs += callMacs(m, out);
        return out;
      } catch (e) {
        // The innermost failing layer records the error; its parents only pass it on.
        error ??= { layer: name, type: row.type, inputShape: row.inputShape, message: (e as Error).message };
        throw e;
      } finally {
        stack.pop();
        const parent = stack[stack.length - 1];
        if (parent) parent.macs += row.macs;
      }
    };
    restore.push(() => { delete (m as { forward?: unknown }).forward; });
  }
  const modes = model.modules().map((m) => [m, m.training] as const);
  let outputShape: number[] = [];
  try {
    model.eval();
    outputShape = noGrad(() => model.forward(zeros(inputShape))).shape.slice();
  } catch (e) {
    error ??= { layer: '(model)', type: model.constructor.name, inputShape: inputShape.slice(), message: (e as Error).message };
  } finally {
    for (const r of restore) r();
    for (const [m, t] of modes) m.training = t;
  }
  const params = model.parameters();
  const result: ModelSummary = {
    model: model.constructor.name,
    inputShape: inputShape.slice(),
    outputShape,
    layers,
    totalParams: params.reduce((s, p) => s + p.numel(), 0),
    trainableParams: params.filter((p) => p.requiresGrad).reduce((s, p) => s + p.numel(), 0),
    totalMacs: layers.filter((l) => l.depth === 1).reduce((s, l) => s + l.macs, 0),
    error,
    table: '',
  };
  result.table = formatSummary(result, opts.depth ?? 3);
  if (opts.print ?? true) console.log(result.table);
  return result;
}

const thousands = (n: number): string => n.toLocaleString('en-US');

function scaled(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(2)} k`;
  return String(n);
}

/** The table: one row per call down to `depth`, then the totals (and the failure, if any). */
export function formatSummary(s: ModelSummary, depth = 3): string {
  const rows: [string, string, string, string][] = [['Layer (type)', 'Output shape', 'Param #', 'MACs']];
  rows.push([s.model, s.outputShape.length ? shapeStr(s.outputShape) : '--', thousands(s.totalParams), thousands(s.totalMacs)]);
  for (const l of s.layers) {
    if (l.depth > depth) continue;
    const label = `${'│  '.repeat(l.depth - 1)}├─ ${l.name.split('.').pop()} (${l.type})`;
    const failed = s.error && s.error.layer === l.name && l.outputShape.length === 0;
    rows.push([label, failed ? 'FAILED' : l.outputShape.length ? shapeStr(l.outputShape) : '--', l.params ? thousands(l.params) : '--', l.macs ? thousands(l.macs) : '--']);
  }
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: readonly string[]): string =>
    `${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]!.padStart(widths[2]!)}  ${r[3]!.padStart(widths[3]!)}`;
  const rule = '='.repeat(widths.reduce((a, b) => a + b, 0) + 6);
  const out = [rule, line(rows[0]!), rule, ...rows.slice(1).map(line), rule];
  out.push(
    `Total params: ${thousands(s.totalParams)}`,
    `Trainable params: ${thousands(s.trainableParams)}`,
    `Non-trainable params: ${thousands(s.totalParams - s.trainableParams)}`,
    `Total mult-adds: ${scaled(s.totalMacs)}`,
    `Input shape: ${shapeStr(s.inputShape)} (${(sizeOf(s.inputShape) * 4 / 2 ** 20).toFixed(2)} MB)`,
    `Params size: ${(s.totalParams * 4 / 2 ** 20).toFixed(2)} MB`,
    rule,
  );
  if (s.error) {
    out.push(
      `The shape stopped flowing at ${s.error.layer} (${s.error.type}) with input ${shapeStr(s.error.inputShape)}:`,
      `  ${s.error.message}`,
    );
  }
  return out.join('\n');
}
