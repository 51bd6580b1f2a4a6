// TensorFlow.js as a benchmark peer: `--backend cpu` (@tensorflow/tfjs' plain JavaScript kernels,
// single-threaded) or `--backend wasm` (@tensorflow/tfjs-backend-wasm, XNNPACK; threads forced
// on under Node by tfjs-wasm-threads.ts). Layout is NHWC, tfjs' native one.
import * as tf from '@tensorflow/tfjs';
import { timed, withNote, DEFAULT_MEASURE, type MeasureOptions } from '../lib/measure.js';
import { emitMeta, parsePeerArgs, runWorkloads, unsupported } from '../lib/protocol.js';
import { CONV, GEMM_SIZE, LENET_BATCH, type WorkloadId } from '../lib/workloads.js';
import { alexnet, lenet5, resnet18 } from './tfjs-models.js';
import { initTfjsWasm } from './tfjs-wasm-threads.js';

const args = parsePeerArgs(process.argv.slice(2));
const backend = args.options.backend ?? 'cpu';
let threads = 1;
const notes: string[] = [];
if (backend === 'wasm') {
  threads = await initTfjsWasm(tf, args.threads);
  if (threads !== args.threads) notes.push(`asked for ${args.threads} threads, tfjs-wasm reports ${threads}`);
} else if (backend === 'cpu') {
  await tf.setBackend('cpu');
  if (args.threads !== 1) notes.push('tfjs-cpu is single-threaded');
} else {
  throw new Error(`tfjs peer: --backend must be cpu or wasm, got '${backend}'`);
}
// tfjs-cpu is ~50× slower than the others: a shorter time budget keeps the run bounded.
const m: MeasureOptions = backend === 'cpu' ? { ...DEFAULT_MEASURE, targetMs: 2000, warmup: 1 } : DEFAULT_MEASURE;

/** Trainable parameters, reported with the model workloads so the architectures can be compared. */
function params(model: tf.LayersModel): string {
  const n = model.trainableWeights.reduce((a, w) => a + w.shape.reduce((x: number, y) => x * (y ?? 1), 1), 0);
  return `${n.toLocaleString('en-US')} parameters`;
}

/** Runs `f` and waits for its result, so lazy or asynchronous kernels are included in the time. */
function sync(f: () => tf.Tensor | tf.Tensor[]): void {
  tf.tidy(() => {
    const out = f();
    for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
  });
}

// tfjs-wasm has no kernel for the weight gradient of a convolution; name the kernel in the note.
function trainingSupported(): void {
  if (backend === 'wasm' && !tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    unsupported('tfjs-backend-wasm has no Conv2DBackpropFilter kernel (cannot train convolutions)');
  }
}

async function run(w: WorkloadId): Promise<{ ms: number; reps: number; note?: string }> {
  switch (w) {
    case 'W1': {
      const x = tf.randomNormal([CONV.n, CONV.h, CONV.w, CONV.cIn]);
      const filter = tf.randomNormal([CONV.k, CONV.k, CONV.cIn, CONV.cOut]);
      const bias = tf.randomNormal([CONV.cOut]);
      return timed(() => sync(() => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, bias, strides: 1, pad: 'same' })), m);
    }
    case 'W2': {
      trainingSupported();
      // tfjs-cpu's Conv2DBackpropFilter is a plain loop that takes minutes at N=8 (about 100 s
      // at N=1 on a busy 2-core machine): time N=1 and scale by 8, since every pass is linear in N.
      const n = backend === 'cpu' ? 1 : CONV.n;
      const x = tf.randomNormal([n, CONV.h, CONV.w, CONV.cIn]) as tf.Tensor4D;
      const filter = tf.randomNormal([CONV.k, CONV.k, CONV.cIn, CONV.cOut]) as tf.Tensor4D;
      const bias = tf.randomNormal([CONV.cOut]);
      const dy = tf.randomNormal([n, CONV.h, CONV.w, CONV.cOut]);
      const grads = tf.grads((a: tf.Tensor, f: tf.Tensor, b: tf.Tensor) => tf.add(tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'), b));
      const r = await timed(() => sync(() => grads([x, filter, bias], dy)), m);
      if (n === CONV.n) return r;
      const scale = CONV.n / n;
      return { ms: r.ms * scale, reps: r.reps, note: `timed at N=${n} (${r.ms.toFixed(0)} ms) and scaled ×${scale}${r.note ? `; ${r.note}` : ''}` };
    }
    case 'W3': {
      trainingSupported();
      const model = lenet5();
      const opt = tf.train.sgd(0.01);
      const x = tf.randomNormal([LENET_BATCH, 28, 28, 1]);
      const labels = tf.oneHot(tf.tensor1d(Array.from({ length: LENET_BATCH }, (_, i) => (i * 7) % 10), 'int32'), 10);
      const step = () =>
        sync(() => opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true) as tf.Scalar);
      return withNote(await timed(step, m), params(model));
    }
    case 'W4':
    case 'W5': {
      const model = w === 'W4' ? resnet18() : alexnet();
      const x = tf.randomNormal([1, 224, 224, 3]);
      return withNote(await timed(() => sync(() => model.predict(x) as tf.Tensor), m), params(model));
    }
    case 'W6': {
      const a = tf.randomNormal([GEMM_SIZE, GEMM_SIZE]);
      const b = tf.randomNormal([GEMM_SIZE, GEMM_SIZE]);
      return timed(() => sync(() => tf.matMul(a, b)), m);
    }
    case 'W8':
      return unsupported('not measured on tfjs: the wasm backend cannot train convolutions and the CPU one takes minutes per ResNet-20 step');
  }
}

emitMeta({ engine: `tfjs ${tf.version.tfjs} (${tf.getBackend()} backend)`, threads, notes });
await runWorkloads(args.workloads, run);
process.exit(0); // tfjs-wasm's worker threads would keep the process alive
