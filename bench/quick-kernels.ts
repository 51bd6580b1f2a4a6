// Quick kernel figures for the wasm backend (not the peer comparison, which is `npm run bench`):
// W6 sgemm 1024³, W1 conv2d forward (N=8, 64→64, 56×56, 3×3, pad 1) and its two backward passes,
// and W3 LeNet-5 training steps (batch 64), each at 1 and 2 threads, best of several runs.
// Usage: npx tsx bench/quick-kernels.ts [--reps 7]
import { F, getBackend, models, optim, randn, setBackend, setNumThreads } from '../src/index.js';
import { activeBackend, type CpuStorage } from '../src/kernels/backend.js';
import type { ConvParams } from '../src/kernels/kernels.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';

const reps = Number(process.argv[process.argv.indexOf('--reps') + 1]) || 7;
setBackend('wasm');
const be = activeBackend() as WasmBackend;
const K = be.arrayKernels;
const alloc = (n: number): Float32Array => (be.alloc(n) as CpuStorage).data;

// Best wall time of n runs (ms) and the CPU time of that same run (all threads of the process):
// on a shared machine the wall time says what a user waits, the CPU time what the kernel costs.
function best(fn: () => void, n = reps): { wall: number; cpu: number } {
  fn(); // warm up: tier-up and memory growth happen outside the timing
  let wall = Infinity, cpu = Infinity;
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    const t = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (t < wall) {
      wall = t;
      cpu = (c.user + c.system) / 1000;
    }
  }
  return { wall, cpu };
}

// "ms  GFLOP/s (per CPU-second: GFLOP/s per busy core)"
function rate(t: { wall: number; cpu: number }, flop: number): string {
  const perCore = (flop / t.cpu / 1e6).toFixed(1); // the CPU time already sums all threads
  return `${t.wall.toFixed(1).padStart(7)} ms  ${(flop / t.wall / 1e6).toFixed(1).padStart(6)} GFLOP/s  ` +
    `(CPU ${t.cpu.toFixed(1)} ms: ${perCore} GFLOP/s per busy core)`;
}

function filled(n: number): Float32Array {
  const s = alloc(n);
  for (let i = 0; i < n; i++) s[i] = Math.sin(i * 0.37);
  return s;
}

const rows: string[] = [];
for (const threads of [1, 2]) {
  setNumThreads(threads);
  const N = 1024;
  const A = filled(N * N), B = filled(N * N), C = alloc(N * N);
  // Worker threads boot asynchronously: let the pool come up before timing (at most 5 s).
  const lastThreads = (be as { lastThreads?: () => number }).lastThreads;
  for (let t = 0; threads > 1 && lastThreads && t < 100 && lastThreads() < threads; t++) {
    K.gemm(A, B, C, { m: 256, n: 256, k: 256, transA: false, transB: false, accumulate: false });
    await new Promise((r) => setTimeout(r, 50));
  }
  const tg = best(() => K.gemm(A, B, C, { m: N, n: N, k: N, transA: false, transB: false, accumulate: false }));
  rows.push(`W6 sgemm 1024³            ${threads}t ${rate(tg, 2 * N ** 3)}`);

  const p: ConvParams = {
    batch: 8, inChannels: 64, outChannels: 64, groups: 1, inSize: [56, 56], outSize: [56, 56],
    kernelSize: [3, 3], stride: [1, 1], padBegin: [1, 1], dilation: [1, 1],
  };
  const flops = 2 * 8 * 64 * 64 * 9 * 56 * 56;
  const x = filled(8 * 64 * 56 * 56), w = filled(64 * 64 * 9), b = filled(64), y = alloc(8 * 64 * 56 * 56);
  const gx = alloc(x.length), gw = alloc(w.length);
  const tf = best(() => K.convForward(x, w, b, y, p));
  const ti = best(() => K.convBackwardInput(y, w, gx, p));
  const tw = best(() => K.convBackwardWeight(x, y, gw, p));
  rows.push(`W1 conv fwd 64→64 56²     ${threads}t ${rate(tf, flops)}`);
  rows.push(`   conv bwd input         ${threads}t ${rate(ti, flops)}`);
  rows.push(`   conv bwd weight        ${threads}t ${rate(tw, flops)}`);

  const model = models.lenet5();
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const xb = randn([64, 1, 28, 28]);
  const target = Int32Array.from({ length: 64 }, (_, i) => i % 10);
  const trainStep = () => {
    opt.zeroGrad();
    const loss = F.crossEntropy(model.forward(xb), target);
    loss.backward();
    opt.step();
  };
  const steps = 20;
  const tl = best(() => { for (let i = 0; i < steps; i++) trainStep(); }, 3);
  const ms = tl.wall / steps, cpuMs = tl.cpu / steps;
  rows.push(`W3 LeNet-5 train b64      ${threads}t ${ms.toFixed(2).padStart(7)} ms/step  ${(64 / ms * 1000).toFixed(0)} images/s  ` +
    `(CPU ${cpuMs.toFixed(2)} ms/step: ${(64 / cpuMs * 1000).toFixed(0)} images per CPU-second)`);
}
console.log(`backend ${getBackend()}, reps ${reps}\n${rows.join('\n')}`);
