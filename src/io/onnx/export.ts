// exportOnnx: one forward pass in eval mode, traced op by op (src/ops/trace.ts), written as an
// ONNX graph whose initializers carry the state-dict names and whose batch dimension is free.
import { enableGrad } from '../../autograd/grad-mode.js';
import { clone } from '../../ops/shape-ops.js';
import type { Tensor } from '../../ops/tensor.js';
import { traceOps, type TracedCall } from '../../ops/trace.js';
import type { Module } from '../../nn/module.js';
import { shapeStr } from '../../tensor/shape.js';
import { GraphBuilder } from './export-graph.js';
import { emitCall } from './export-ops.js';
import { encodeModel } from './proto.js';

export interface ExportOnnxOptions {
  /** Default-domain opset, 13 to 17 (default 17). */
  opset?: number;
  /** Name the first dimension 'batch' so the file takes any batch size (default true). */
  dynamicBatch?: boolean;
  /** The graph input's name (default ['input']). */
  inputNames?: string[];
  /** The graph output's name (default ['output']). */
  outputNames?: string[];
  /** Key–value pairs stored in the file's metadata_props (striate's CLI keeps class names there). */
  metadata?: Record<string, string>;
}

interface ScopedCall { call: TracedCall; scope: string }

// Runs the forward pass with every module's forward wrapped (as summary() does) to know which
// module each op runs in: node names then read like 'layer1.0.conv1/Conv'.
function traceForward(model: Module, x: Tensor): { calls: ScopedCall[]; output: Tensor } {
  const calls: ScopedCall[] = [];
  const stack: string[] = [];
  const restore: (() => void)[] = [];
  for (const [name, m] of model.namedModules()) {
    const own = Object.prototype.hasOwnProperty.call(m, 'forward') ? m.forward : undefined;
    const forward = m.forward;
    m.forward = (...xs: Tensor[]): Tensor => {
      stack.push(name);
      try {
        return forward.apply(m, xs);
      } finally {
        stack.pop();
      }
    };
    restore.push(() => {
      if (own) m.forward = own;
      else delete (m as { forward?: unknown }).forward;
    });
  }
  try {
    // With the tape on even under noGrad: exportOnnx relies on each tensor naming the op that made it.
    const output = enableGrad(() => traceOps((call) => calls.push({ call, scope: stack[stack.length - 1] ?? '' }), () => model.forward(x)));
    return { calls, output };
  } finally {
    for (const r of restore) r();
  }
}

function checkOptions(opts: ExportOnnxOptions): Required<ExportOnnxOptions> {
  const { opset = 17, dynamicBatch = true, inputNames = ['input'], outputNames = ['output'], metadata = {} } = opts;
  if (!Number.isInteger(opset) || opset < 13 || opset > 17) {
    throw new Error(`exportOnnx: opset must be an integer from 13 to 17, got ${opset}`);
  }
  for (const [what, names] of [['inputNames', inputNames], ['outputNames', outputNames]] as const) {
    if (!Array.isArray(names) || names.length !== 1 || typeof names[0] !== 'string' || names[0] === '') {
      throw new Error(`exportOnnx: ${what} must hold one non-empty name (one input, one output), got ${JSON.stringify(names)}`);
    }
  }
  if (inputNames[0] === outputNames[0]) throw new Error(`exportOnnx: the input and output are both named '${inputNames[0]}'`);
  return { opset, dynamicBatch, inputNames, outputNames, metadata };
}

/**
 * The ONNX file (bytes) of `model` as one forward pass on `exampleInput` computes it, in eval
 * mode: parameters and batch-norm statistics become initializers named as in stateDict(), nodes
 * are named after the modules they run in, and with `dynamicBatch` the first dimension is free.
 * Throws naming the op when the forward uses one that has no ONNX export.
 * @example
 * const bytes = exportOnnx(models.resnet18(), randn([1, 3, 224, 224]));
 * const back = await loadOnnx(bytes); // same outputs
 */
export function exportOnnx(model: Module, exampleInput: Tensor, opts: ExportOnnxOptions = {}): Uint8Array {
  const { opset, dynamicBatch, inputNames, outputNames, metadata } = checkOptions(opts);
  if (exampleInput.device !== 'cpu') throw new Error("exportOnnx: the example input must be on the CPU (move it with .cpu() and the model with await model.toAsync('cpu'))");
  if (exampleInput.ndim < 1) throw new Error('exportOnnx: the example input needs a batch dimension');
  const g = new GraphBuilder();
  const inputName = g.fresh(inputNames[0]!);
  const outputName = g.fresh(outputNames[0]!);
  // A fresh leaf that requires a gradient: every tensor computed from it then carries the
  // autograd name of the op that made it, so one made by an op the trace does not see is caught
  // instead of being frozen into the file as a constant.
  const x = clone(exampleInput);
  x.requiresGrad = true;
  g.bind(x, inputName);
  const wasTraining = model.training;
  model.eval();
  let traced: ReturnType<typeof traceForward>;
  try {
    traced = traceForward(model, x);
  } finally {
    model.train(wasTraining);
  }
  const stateNames = new Map<Tensor, string>([...model.namedParameters(), ...model.namedBuffers()].map(([n, t]) => [t, n]));
  const valueOf = (t: Tensor | number | null, call: TracedCall): string => {
    if (t === null) return '';
    if (typeof t === 'number') return g.scalarConstant(t);
    const known = g.nameOf(t);
    if (known !== undefined) return known;
    if (t.node) throw new Error(`exportOnnx: ${call.op} in '${g.scope || 'the model'}' reads a tensor made by '${t.node.name}', an op the export does not trace`);
    if (t.device !== 'cpu') throw new Error(`exportOnnx: the model's tensors must be on the CPU (await model.toAsync('cpu') first)`);
    const name = g.floatInitializer(stateNames.get(t) ?? `${g.scope}/constant`, t.toArray(), t.shape);
    g.bind(t, name);
    return name;
  };
  for (const { call, scope } of traced.calls) {
    g.scope = scope;
    g.bind(call.output, emitCall(call, { g, dynamicBatch, input: (i) => valueOf(call.inputs[i]!, call) }));
  }
  const out = traced.output;
  const produced = g.nameOf(out);
  if (produced === undefined) throw new Error(`exportOnnx: the model's output ${shapeStr(out.shape)} was not made by any traced op`);
  g.scope = '';
  if (!g.renameOutput(produced, outputName)) g.renameOutput(g.node('Identity', [produced]), outputName);
  const batched = (shape: readonly number[]): (number | string)[] =>
    dynamicBatch && shape[0] === x.shape[0] ? ['batch', ...shape.slice(1)] : shape.slice();
  return encodeModel(g.model({
    opset,
    graphName: model.constructor.name,
    inputs: [{ name: inputName, shape: batched(x.shape) }],
    outputs: [{ name: outputName, shape: batched(out.shape) }],
    metadata,
  }));
}

/**
 * exportOnnx written to `path` (Node) through a temporary file and a rename, so a crash never
 * leaves half a file where the old one was.
 * @example await saveOnnx(model, randn([1, 1, 28, 28]), 'runs/lenet5.onnx');
 */
export async function saveOnnx(model: Module, exampleInput: Tensor, path: string, opts: ExportOnnxOptions = {}): Promise<void> {
  const bytes = exportOnnx(model, exampleInput, opts);
  (await import('../node-model-file.js')).writeFileAtomic(path, bytes);
}
