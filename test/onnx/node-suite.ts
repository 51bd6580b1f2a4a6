// ONNX's own operator tests (Debian's libonnx-testdata: node/<test>/model.onnx with
// test_data_set_*/input_*.pb and output_*.pb) run through loadOnnx. A test belongs to op X when
// every node of its graph is an X (the *_expanded variants, built from other ops, belong to
// those); tests whose inputs or outputs are sequences or optionals have no tensor to compare.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '../../src/index.js';
import { decodeModel, decodeTensor } from '../../src/io/onnx/proto.js';
import { loadOnnx } from '../../src/io/onnx/load.js';
import type { OnnxValue } from '../../src/io/onnx/op-types.js';
import { ONNX_OPS } from '../../src/io/onnx/op-table.js';
import { decodeTensorProto, dtypeName } from '../../src/io/onnx/tensor-proto.js';

export const NODE_TESTS = '/usr/share/libonnx-testdata/data/node';

export interface NodeTest {
  name: string;
  dir: string;
  op: string;
  /** Why the test has nothing striate can compare, if so. */
  notTensor?: string;
}

/** Every single-op test of a supported op, by op. */
export function supportedNodeTests(): Map<string, NodeTest[]> {
  if (!existsSync(NODE_TESTS)) {
    throw new Error(`${NODE_TESTS} is missing: install Debian's libonnx-testdata (listed in .ci/apt-packages)`);
  }
  const byOp = new Map<string, NodeTest[]>();
  for (const name of readdirSync(NODE_TESTS).sort()) {
    const dir = join(NODE_TESTS, name);
    const file = join(dir, 'model.onnx');
    if (!existsSync(file)) continue;
    const model = decodeModel(new Uint8Array(readFileSync(file)), file);
    const ops = new Set(model.graph!.node.map((n) => n.op_type));
    const op = [...ops][0]!;
    if (ops.size !== 1 || !Object.hasOwn(ONNX_OPS, op) || model.graph!.node.some((n) => n.domain && n.domain !== 'ai.onnx')) continue;
    const io = [...model.graph!.input, ...model.graph!.output];
    const nonTensor = io.find((v) => v.type && !v.type.tensor_type);
    const test: NodeTest = { name, dir, op, ...(nonTensor ? { notTensor: `'${nonTensor.name}' is not a tensor` } : {}) };
    byOp.set(op, [...(byOp.get(op) ?? []), test]);
  }
  return byOp;
}

function readValue(path: string): OnnxValue {
  const d = decodeTensorProto(decodeTensor(new Uint8Array(readFileSync(path)), path), path);
  return { t: tensor(d.values, d.shape), dtype: d.dtype };
}

/** Runs every data set of a test; returns null when all outputs match (rtol 1e-3, atol 1e-7 as ONNX's runner), else why not. */
export async function runNodeTest(test: NodeTest): Promise<string | null> {
  if (test.notTensor) return test.notTensor;
  try {
    const model = await loadOnnx(join(test.dir, 'model.onnx'));
    model.eval();
    for (const set of readdirSync(test.dir).filter((f) => f.startsWith('test_data_set_')).sort()) {
      const files = readdirSync(join(test.dir, set));
      const count = (prefix: string): number => files.filter((f) => f.startsWith(prefix)).length;
      const inputs = Array.from({ length: count('input_') }, (_, i) => readValue(join(test.dir, set, `input_${i}.pb`)));
      const outputs = model.run(inputs);
      for (let i = 0; i < count('output_'); i++) {
        const want = readValue(join(test.dir, set, `output_${i}.pb`));
        const got = outputs[i]!;
        if (got.t.shape.join() !== want.t.shape.join()) return `${set} output ${i}: shape [${got.t.shape}] vs [${want.t.shape}]`;
        if (got.dtype !== want.dtype) return `${set} output ${i}: dtype ${dtypeName(got.dtype)} vs ${dtypeName(want.dtype)}`;
        const [g, w] = [got.t.toArray(), want.t.toArray()];
        for (let k = 0; k < w.length; k++) {
          const ok = Number.isNaN(w[k]!) ? Number.isNaN(g[k]!) : Math.abs(g[k]! - w[k]!) <= 1e-7 + 1e-3 * Math.abs(w[k]!);
          if (!ok) return `${set} output ${i}, element ${k}: ${g[k]} vs ${w[k]}`;
        }
      }
    }
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
