// Quick kernel figures for the wasm backend (not the peer comparison, which is `npm run bench`):
// W6 sgemm 1024³, W1 conv2d forward (N=8, 64→64, 56×56, 3×3, pad 1) and its two backward passes,
// and W3 LeNet-5 training steps (batch 64), each at 1 and 2 threads, best of several runs.
// Usage: npx tsx bench/quick-kernels.ts [--reps 7]
import { F, getBackend, models, optim, randn, setBackend, setNumThreads } from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import type { ConvParams } from '../src/kernels/kernels.js';

const reps = Number(process.argv[process.argv.indexOf('--reps') + 1]) || 7;
setBackend('wasm');
const be = activeBackend();
const K = be.kernels;

function best(fn: () => void, n = reps): number {
  fn(); // warm up: tier-up and memory growth happen outside the timing
  let t = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}

function filled(n: number): Float32Array {
  const s = be.alloc(n).data;
  for (let i = 0; i < n; i++) s[i] = Math.sin(i * 0.37);
  return s;
}

const rows: string[] = [];
for (const threads of [1, 2]) {
  setNumThreads(threads);
  const N = 1024;
  const A = filled(N * N), B = filled(N * N), C = be.alloc(N * N).data;
  const tg = best(() => K.gemm(A, B, C, { m: N, n: N, k: N, transA: false, transB: false, accumulate: false }));
  rows.push(`W6 sgemm 1024³            ${threads}t  ${tg.toFixed(1).padStart(7)} ms  ${(2 * N ** 3 / tg / 1e6).toFixed(1)} GFLOP/s`);

  const p: ConvParams = {
    batch: 8, inChannels: 64, outChannels: 64, groups: 1, inSize: [56, 56], outSize: [56, 56],
    kernelSize: [3, 3], stride: [1, 1], padBegin: [1, 1], dilation: [1, 1],
  };
  const flops = 2 * 8 * 64 * 64 * 9 * 56 * 56;
  const x = filled(8 * 64 * 56 * 56), w = filled(64 * 64 * 9), b = filled(64), y = be.alloc(8 * 64 * 56 * 56).data;
  const gx = be.alloc(x.length).data, gw = be.alloc(w.length).data;
  const tf = best(() => K.convForward(x, w, b, y, p));
  const ti = best(() => K.convBackwardInput(y, w, gx, p));
  const tw = best(() => K.convBackwardWeight(x, y, gw, p));
  rows.push(`W1 conv fwd 64→64 56²     ${threads}t  ${tf.toFixed(1).padStart(7)} ms  ${(flops / tf / 1e6).toFixed(1)} GFLOP/s`);
  rows.push(`   conv bwd input         ${threads}t  ${ti.toFixed(1).padStart(7)} ms  ${(flops / ti / 1e6).toFixed(1)} GFLOP/s`);
  rows.push(`   conv bwd weight        ${threads}t  ${tw.toFixed(1).padStart(7)} ms  ${(flops / tw / 1e6).toFixed(1)} GFLOP/s`);

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
  const tl = best(() => { for (let i = 0; i < steps; i++) trainStep(); }, 3) / steps;
  rows.push(`W3 LeNet-5 train b64      ${threads}t  ${tl.toFixed(2).padStart(7)} ms  ${(64 / tl * 1000).toFixed(0)} images/s`);
}
console.log(`backend ${getBackend()}, reps ${reps}\n${rows.join('\n')}`);
