// onnxruntime-node as a benchmark peer (inference only: W1, W4, W5), on the ONNX models that
// bench/export_onnx.py writes to --models DIR. Threads via intraOpNumThreads; one inter-op thread.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { timed } from '../lib/measure.js';
import { emitMeta, parsePeerArgs, runWorkloads, unsupported } from '../lib/protocol.js';
import { CONV, type WorkloadId } from '../lib/workloads.js';

const args = parsePeerArgs(process.argv.slice(2));
const dir = args.options.models;
if (!dir) throw new Error('ort peer: --models DIR is required');
const FILES: Partial<Record<WorkloadId, { file: string; shape: number[] }>> = {
  W1: { file: 'w1-conv.onnx', shape: [CONV.n, CONV.cIn, CONV.h, CONV.w] },
  W4: { file: 'w4-resnet18.onnx', shape: [1, 3, 224, 224] },
  W5: { file: 'w5-alexnet.onnx', shape: [1, 3, 224, 224] },
};

async function run(w: WorkloadId): Promise<{ ms: number; reps: number; note?: string }> {
  const spec = FILES[w];
  if (!spec) unsupported(w === 'W6' ? 'not measured on onnxruntime (inference models only)' : 'onnxruntime-node runs inference only');
  const path = join(dir!, spec.file);
  if (!existsSync(path)) throw new Error(`ort peer: ${path} is missing (bench/export_onnx.py did not write it)`);
  const session = await ort.InferenceSession.create(path, {
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.618));
  const x = new ort.Tensor('float32', data, spec.shape);
  const r = await timed(() => session.run({ x }));
  await session.release();
  return r;
}

const version = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
emitMeta({ engine: `onnxruntime-node ${version} (CPU)`, threads: args.threads });
await runWorkloads(args.workloads, run);
