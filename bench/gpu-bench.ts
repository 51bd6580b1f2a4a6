// The GPU benchmark: W1, W3–W6 and W8 on the WebGPU device, one prepared command for a machine
// with a GPU (BENCHMARKS.md has the H200 recipe: kit, bundle, then this with PyTorch CUDA beside it).
// Each figure: warm up, then the median over rounds of (K iterations, then one read-back), so the
// queue is kept full as in training and the read-back's cost is spread over K.
// Usage: npx tsx bench/gpu-bench.ts [--quick] [--tiny] [--workloads W1,W3,W4,W5,W6,W8]   (or the esbuild bundle)
//   --tiny: batch 2 and 256³ matrices, to check the harness on a slow software adapter (SwiftShader)
import { F, initWebGPU, models, noGrad, optim, randn, type Tensor } from '../src/index.js';
import { webGpuBackend } from '../src/kernels/webgpu/index.js';

const quick = process.argv.includes('--quick');
const tiny = process.argv.includes('--tiny');
const batch = (n: number) => (tiny ? Math.min(n, 2) : n);
const reps = (k: number) => (tiny ? 2 : k);
const listed = process.argv[process.argv.indexOf('--workloads') + 1];
const wanted = new Set((process.argv.includes('--workloads') && listed ? listed : 'W1,W3,W4,W5,W6,W8').split(','));
const info = await initWebGPU();
if (!info) throw new Error('gpu-bench: no WebGPU adapter');
const be = (await webGpuBackend())!;
const dev = 'webgpu' as const;
console.log(`adapter: ${info.vendor} ${info.architecture} ${info.description}`);

/** Median ms per iteration of `iter` (its last result read back once per round). */
async function time(iter: () => Tensor, k: number, rounds = quick || tiny ? 2 : 5): Promise<number> {
  await iter().sum().itemAsync(); // compile and warm up
  const per: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    let last: Tensor | null = null;
    for (let i = 0; i < k; i++) last = iter();
    await last!.sum().itemAsync();
    per.push((performance.now() - t0) / k);
  }
  per.sort((a, b) => a - b);
  return per[Math.floor(per.length / 2)]!;
}

const rows: string[] = [];
const row = (name: string, ms: number, extra: string) => {
  const line = `${name.padEnd(36)} ${ms.toFixed(3).padStart(9)} ms  ${extra}`;
  rows.push(line);
  console.log(line);
};

// W6: sgemm (matmul of two square matrices).
for (const n of wanted.has('W6') ? (tiny ? [256] : [1024, 4096]) : []) {
  const a = randn([n, n], { seed: 1 }).to(dev), b = randn([n, n], { seed: 2 }).to(dev);
  const ms = await time(() => noGrad(() => a.matmul(b)), reps(n >= 4096 ? 5 : 20));
  row(`W6 sgemm ${n}³`, ms, `${(2 * n ** 3 / ms / 1e9).toFixed(2)} TFLOP/s`);
}

// W1: conv2d forward, N=8, 64→64, 56×56, 3×3, pad 1.
if (wanted.has('W1')) {
  const n = batch(8);
  const x = randn([n, 64, 56, 56], { seed: 3 }).to(dev), w = randn([64, 64, 3, 3], { seed: 4 }).to(dev);
  const ms = await time(() => noGrad(() => F.conv2d(x, w, null, { padding: 1 })), reps(20));
  row(`W1 conv2d fwd ${n}×64→64 56² 3×3`, ms, `${(2 * n * 64 * 64 * 9 * 56 * 56 / ms / 1e9).toFixed(2)} TFLOP/s`);
}

// Training steps: W3 LeNet-5 batch 64, W8 ResNet-20 batch 128 (3×32×32), SGD momentum.
async function trainStep(name: string, model: ReturnType<typeof models.lenet5>, input: number[], k: number): Promise<void> {
  model.to(dev);
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  input = [batch(input[0]!), ...input.slice(1)];
  const x = randn(input, { seed: 5 }).to(dev);
  const y = Int32Array.from({ length: input[0]! }, (_, i) => i % 10);
  const ms = await time(() => {
    opt.zeroGrad();
    const loss = F.crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    return loss.detach();
  }, reps(k));
  row(`${name} b${input[0]}`, ms, `${(input[0]! / ms * 1000).toFixed(0)} images/s`);
}
if (wanted.has('W3')) await trainStep('W3 LeNet-5 train step', models.lenet5(), [64, 1, 28, 28], 20);
if (wanted.has('W8')) await trainStep('W8 ResNet-20 train step', models.resnet20({ numClasses: 10 }) as never, [128, 3, 32, 32], 5);

// Inference: W4 ResNet-18, W5 AlexNet at batch 1 and 64 (224×224).
const inference = [['W4', 'W4 ResNet-18', () => models.resnet18()], ['W5', 'W5 AlexNet', () => models.alexnet()]] as const;
for (const [, name, make] of inference.filter(([w]) => wanted.has(w))) {
  const model = make();
  model.eval();
  model.to(dev);
  for (const b of tiny ? [1] : [1, 64]) {
    const x = randn([b, 3, 224, 224], { seed: 6 }).to(dev);
    const ms = await time(() => noGrad(() => model.forward(x)), reps(b === 1 ? 20 : 5));
    row(`${name} inference b${b}`, ms, `${(b / ms * 1000).toFixed(0)} images/s`);
  }
}
console.log(`${rows.length} workloads; the allocator holds ${(be.bytesHeld() / 2 ** 20).toFixed(0)} MiB`);
