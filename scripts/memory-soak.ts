// Memory soak: trains LeNet-5 (or, with --inference, runs its forward pass in eval mode without
// gradients) for many steps on one fixed random batch and checks that the
// process's resident memory stays flat (users never dispose anything, so the library must not
// leak). RSS is sampled after forced GCs every 100 steps from the warm-up step on and printed
// every 1,000. Single samples wander by several per cent (the C allocator keeps freed holes), so
// the two figures compared are medians: the warm-up figure over the 1,000 steps after warm-up,
// the end figure over the last 1,000 steps. Exits 1 if the end figure is more than 5% above the
// warm-up figure, or the wasm backend's WebAssembly memory grew more than 5% after warm-up.
// With --device webgpu the model trains on the GPU and the bytes of GPU buffers the caching
// allocator holds are checked the same way (the loss is read back, asynchronously, at samples only).
//
//   npm run memory-soak                      # 10,000 steps, batch 16, the default backend
//   npm run memory-soak -- --inference       # 10,000 inference calls
//   npm run memory-soak -- --device webgpu   # 10,000 training steps on the GPU
//   STRIATE_BACKEND=ref npx tsx scripts/memory-soak.ts --steps 3000 --warmup 500 --window 500
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { F, getBackend, manualSeed, models, noGrad, optim, randn, type Tensor } from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import { webGpuBackend } from '../src/kernels/webgpu/index.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`memory-soak: --${name} needs a positive number, got '${process.argv[i + 1] ?? ''}'`);
    process.exit(2);
  }
  return v;
}

const steps = option('steps', 10_000);
const warmup = option('warmup', 1000);
const window = option('window', 1000);
const sampleEvery = option('sample-every', 100);
const printEvery = option('print-every', 1000);
const tolerance = option('tolerance', 0.05);
const batch = option('batch', 16);
const inference = process.argv.includes('--inference');
const device = process.argv.includes('--device') ? process.argv[process.argv.indexOf('--device') + 1] : 'cpu';
if (device !== 'cpu' && device !== 'webgpu') {
  console.error(`memory-soak: --device must be cpu or webgpu, got '${device ?? ''}'`);
  process.exit(2);
}
const gpu = device === 'webgpu' ? await webGpuBackend() : null;
if (device === 'webgpu' && !gpu) {
  console.error('memory-soak: --device webgpu, but this machine has no WebGPU adapter');
  process.exit(2);
}
if (warmup + window > steps) {
  console.error(`memory-soak: --warmup (${warmup}) + --window (${window}) must not exceed --steps (${steps})`);
  process.exit(2);
}

// Forced collections before each sample, so the figures show what is retained, not what the
// collector has not got round to yet. The pauses let the work V8 does off the main thread
// (freeing ArrayBuffer backing stores, finalizers) finish. --expose-gc cannot be passed through
// tsx, hence the flag.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (opts?: { type: 'major'; execution: 'sync' }) => void;
async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    gc({ type: 'major', execution: 'sync' });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage();
}

manualSeed(0);
const model = models.lenet5().to(device);
const x = randn([batch, 1, 28, 28]).to(device);
const labels = Array.from({ length: batch }, (_, i) => i % 10);
const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
interface Sample { step: number; rss: number; wasm: number; gpu: number }
// Bytes of WebAssembly memory the wasm backend has reserved (0 on the reference backend).
const wasmBytes = (): number => {
  const b = activeBackend() as { heap?: { capacity: number } };
  return b.heap?.capacity ?? 0;
};
const samples: Sample[] = [];
const start = performance.now();
if (inference) model.eval();
const on = gpu ? gpu.describe() : `backend ${getBackend()}`;
console.log(`memory-soak: LeNet-5 ${inference ? 'inference' : 'training'}, batch ${batch}, ${steps} steps, ${on}, Node ${process.version}`);
console.log(`   step      loss   rss MB  heap MB  external MB  wasm MB  ${gpu ? ' gpu MB  ' : ''}steps/s`);

for (let step = 1; step <= steps; step++) {
  let loss: Tensor;
  if (inference) {
    loss = noGrad(() => F.crossEntropy(model.forward(x), labels));
  } else {
    opt.zeroGrad();
    loss = F.crossEntropy(model.forward(x), labels);
    loss.backward();
    opt.step();
  }
  const sampled = step >= warmup && (step === warmup || step % sampleEvery === 0 || step === steps);
  // On the CPU every loss is checked; on a GPU only the sampled ones are read back.
  const value = gpu ? (sampled ? await loss.itemAsync() : 0) : loss.item();
  if (!Number.isFinite(value)) {
    console.error(`memory-soak: loss became ${value} at step ${step}`);
    process.exit(1);
  }
  if (sampled) {
    const m = await settledMemory();
    samples.push({ step, rss: m.rss, wasm: wasmBytes(), gpu: gpu?.bytesHeld() ?? 0 });
    if (step === warmup || step % printEvery === 0 || step === steps) {
      const rate = step / ((performance.now() - start) / 1000);
      console.log(
        `${String(step).padStart(7)} ${value.toFixed(5).padStart(9)} ${mb(m.rss).padStart(8)} ` +
          `${mb(m.heapUsed).padStart(8)} ${mb(m.external).padStart(12)} ${mb(wasmBytes()).padStart(8)} ` +
          `${gpu ? `${mb(gpu.bytesHeld()).padStart(7)}  ` : ''}${rate.toFixed(1).padStart(8)}`,
      );
    }
  }
}

function median(from: number, to: number, of: 'rss' | 'gpu' = 'rss'): number {
  const v = samples.filter((s) => s.step >= from && s.step <= to).map((s) => s[of]).sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
}
const base = median(warmup, warmup + window);
const end = median(steps - window, steps);
const drift = (end - base) / base;
const rss = samples.map((s) => s.rss);
const seconds = (performance.now() - start) / 1000;
console.log(
  `memory-soak: RSS median ${mb(base)} MB over steps ${warmup}–${warmup + window} (warm-up), ` +
    `${mb(end)} MB over steps ${steps - window}–${steps} (end): drift ${(drift * 100).toFixed(2)}%; ` +
    `${samples.length} samples from ${mb(Math.min(...rss))} to ${mb(Math.max(...rss))} MB; ` +
    `${seconds.toFixed(0)} s, ${(steps / seconds).toFixed(1)} steps/s`,
);
const wasmStart = samples[0]!.wasm;
const wasmEnd = samples[samples.length - 1]!.wasm;
if (wasmStart > 0) console.log(`memory-soak: WebAssembly memory ${mb(wasmStart)} MB after warm-up, ${mb(wasmEnd)} MB at the end`);
// A leak shows as growth. RSS that falls (the allocator or V8 handing pages back to the system)
// is reported but is not a failure.
const wasmGrowth = wasmStart > 0 ? (wasmEnd - wasmStart) / wasmStart : 0;
let gpuGrowth = 0;
if (gpu) {
  const gpuBase = median(warmup, warmup + window, 'gpu');
  const gpuEnd = median(steps - window, steps, 'gpu');
  const held = samples.map((s) => s.gpu);
  gpuGrowth = (gpuEnd - gpuBase) / gpuBase;
  console.log(`memory-soak: GPU buffers held by the allocator, median ${mb(gpuBase)} MB after warm-up, ${mb(gpuEnd)} MB at the end ` +
    `(samples from ${mb(Math.min(...held))} to ${mb(Math.max(...held))} MB)`);
}
if (drift > tolerance || wasmGrowth > tolerance || gpuGrowth > tolerance) {
  console.error(`memory-soak: FAIL, memory grew more than ${(tolerance * 100).toFixed(1)}% after warm-up`);
  process.exit(1);
}
const note = drift < -tolerance ? ` (RSS fell by ${(-drift * 100).toFixed(1)}%: memory handed back, not a leak)` : '';
console.log(`memory-soak: OK, no growth beyond ${(tolerance * 100).toFixed(1)}% after warm-up${note}`);
