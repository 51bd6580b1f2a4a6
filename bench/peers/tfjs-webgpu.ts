// TensorFlow.js's WebGPU backend (@tensorflow/tfjs-backend-webgpu) as the GPU benchmark's peer,
// on Dawn's navigator.gpu in Node (the npm package `webgpu`): bench/gpu-bench.ts's workloads,
// timed the same way (warm up, then the median over rounds of K iterations and one read-back).
// NHWC, tfjs' own layout. Bundled and run beside gpu-bench on the GPU machine (BENCHMARKS.md).
// Usage: npx tsx bench/peers/tfjs-webgpu.ts [--quick] [--tiny] [--workloads W1,W3,W4,W5,W6,W8]
//   --tiny: batch 2 and 256³ matrices, to check the harness on a slow software adapter (SwiftShader)
import type * as TF from '@tensorflow/tfjs';
import { create, globals } from 'webgpu';

const quick = process.argv.includes('--quick');
const tiny = process.argv.includes('--tiny');
const listed = process.argv[process.argv.indexOf('--workloads') + 1];
const wanted = new Set((process.argv.includes('--workloads') && listed ? listed : 'W1,W3,W4,W5,W6,W8').split(','));

// tfjs-webgpu registers its backend on import where globalThis.navigator.gpu exists.
Object.assign(globalThis, globals);
Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true });
const tf = await import('@tensorflow/tfjs');
await import('@tensorflow/tfjs-backend-webgpu');
const { alexnet, lenet5, resnet18, resnet20 } = await import('./tfjs-models.js');
if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs-webgpu: the webgpu backend did not initialise (no adapter?)');
await tf.ready();
console.log(`tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}`);

/** Median ms per iteration of `iter` (its last result read back once per round). */
async function time(iter: () => TF.Tensor, k: number, rounds = quick || tiny ? 2 : 5): Promise<number> {
  const run = async (n: number) => {
    let last: TF.Tensor | null = null;
    for (let i = 0; i < n; i++) {
      last?.dispose();
      last = tf.tidy(iter);
    }
    await last!.data();
    last!.dispose();
  };
  await run(1); // compile and warm up
  const per: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    await run(k);
    per.push((performance.now() - t0) / k);
  }
  per.sort((a, b) => a - b);
  return per[Math.floor(per.length / 2)]!;
}

const row = (name: string, ms: number, extra: string) =>
  console.log(`tfjs-webgpu ${name.padEnd(36)} ${ms.toFixed(3).padStart(9)} ms  ${extra}`);
const batch = (n: number) => (tiny ? Math.min(n, 2) : n);
const reps = (k: number) => (tiny ? 2 : k);

for (const n of wanted.has('W6') ? (tiny ? [256] : [1024, 4096]) : []) {
  const a = tf.randomNormal([n, n]), b = tf.randomNormal([n, n]);
  const ms = await time(() => tf.matMul(a, b), reps(n >= 4096 ? 5 : 20));
  row(`W6 sgemm ${n}³`, ms, `${(2 * n ** 3 / ms / 1e9).toFixed(2)} TFLOP/s`);
}

if (wanted.has('W1')) {
  const n = batch(8);
  const x = tf.randomNormal([n, 56, 56, 64]) as TF.Tensor4D, w = tf.randomNormal([3, 3, 64, 64]) as TF.Tensor4D;
  const ms = await time(() => tf.conv2d(x, w, 1, 'same'), reps(20));
  row(`W1 conv2d fwd ${n}×64→64 56² 3×3`, ms, `${(2 * n * 64 * 64 * 9 * 56 * 56 / ms / 1e9).toFixed(2)} TFLOP/s`);
}

// Training steps, SGD with momentum 0.9 as the striate side: W3 LeNet-5 b64, W8 ResNet-20 b128.
async function trainStep(name: string, loss: (x: TF.Tensor, y: TF.Tensor) => TF.Scalar, input: number[], k: number): Promise<void> {
  const opt = tf.train.momentum(0.01, 0.9);
  const x = tf.randomNormal(input);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: input[0]! }, (_, i) => i % 10), 'int32'), 10);
  const ms = await time(() => opt.minimize(() => loss(x, y), true)!, reps(k));
  row(name, ms, `${(input[0]! / ms * 1000).toFixed(0)} images/s`);
}
if (wanted.has('W3')) {
  const model = lenet5();
  const b = batch(64);
  await trainStep(`W3 LeNet-5 train step b${b}`, (x, y) => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as TF.Tensor) as TF.Scalar, [b, 28, 28, 1], 20);
}
if (wanted.has('W8')) {
  const model = resnet20();
  const b = batch(128);
  await trainStep(`W8 ResNet-20 train step b${b}`, (x, y) => tf.losses.softmaxCrossEntropy(y, model.forward(x as TF.Tensor4D)) as TF.Scalar, [b, 32, 32, 3], 5);
}

for (const [w, name, make] of [['W4', 'W4 ResNet-18', resnet18], ['W5', 'W5 AlexNet', alexnet]] as const) {
  if (!wanted.has(w)) continue;
  const model = make();
  for (const b of tiny ? [1] : [1, 64]) {
    const x = tf.randomNormal([b, 224, 224, 3]);
    const ms = await time(() => model.predict(x) as TF.Tensor, reps(b === 1 ? 20 : 5));
    row(`${name} inference b${b}`, ms, `${(b / ms * 1000).toFixed(0)} images/s`);
  }
}
process.exit(0); // Dawn's device would keep the process alive
