// How this VM's speed drifts within one process: one batch-1 conv (ResNet-18's 128→128 at 28²,
// Winograd F(4×4, 3×3)) called back to back for --seconds seconds at --threads threads, its best
// wall time in each second. Nothing in the process changes between seconds, so a step in the
// series is the host (the other tenants of its cores), not striate: the floor under any A/B made
// of whole runs in separate processes.
// Usage: npx tsx bench/host-drift.ts [--seconds 30] [--threads 2]
import { setBackend, setNumThreads } from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import type { ConvParams } from '../src/kernels/kernels.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { awaitWorkers } from './lib/await-workers.js';
import { filledStorage } from './lib/wasm-arrays.js';

const flag = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const seconds = Number(flag('--seconds', '30')), threads = Number(flag('--threads', '2'));
if (!Number.isInteger(seconds) || seconds < 1 || !Number.isInteger(threads) || threads < 1) {
  console.error(`host-drift: --seconds and --threads take whole numbers ≥ 1, got ${flag('--seconds', '30')} and ${flag('--threads', '2')}`);
  process.exit(2);
}
setBackend('wasm');
const be = activeBackend() as WasmBackend;
{
  const x = filledStorage(be, 1 << 20).data;
  await awaitWorkers(be, threads, () => be.arrayKernels.unary('relu', x, x, 0)); // before any timing (lib/await-workers.ts)
}
setNumThreads(threads);
const [c, size] = [128, 28];
const p: ConvParams = {
  batch: 1, inChannels: c, outChannels: c, groups: 1, inSize: [size, size], outSize: [size, size],
  kernelSize: [3, 3], stride: [1, 1], padBegin: [1, 1], dilation: [1, 1],
};
const xs = filledStorage(be, c * size * size), ws = filledStorage(be, c * c * 9), ys = filledStorage(be, c * size * size);
const run = () => be.kernels.convForward(xs, ws, null, ys, p);
run();
const bests: string[] = [];
for (let s = 0; s < seconds; s++) {
  let best = Infinity;
  for (const end = performance.now() + 1000; performance.now() < end;) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  bests.push((best * 1000).toFixed(0));
}
console.log(`${c}→${c} ${size}² batch 1 at ${threads} thread(s), best µs in each of ${seconds} seconds:\n${bests.join(' ')}`);
