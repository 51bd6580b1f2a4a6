// What one core and two can read: a plain WebAssembly v128 load loop (lib/stream-loop.ts) over a
// buffer the size of AlexNet's dense weights (234 MB), each thread summing its contiguous share, timed from a common start to the last thread's end. The
// ceiling the batch-1 dense layers (memory-bound matrix-vector products) can reach; compare with
// a native reference, e.g. torch.ones(58_500_000).sum() in /usr/bin/python3 at 1 and 2 threads.
// Usage: npx tsx bench/stream-bandwidth.ts [--mb 234] [--reps 15]
import { Worker } from 'node:worker_threads';
import { streamLoop, streamLoopModule } from './lib/stream-loop.js';

// The second thread, as plain JavaScript (a worker cannot load this TypeScript file). sync (Int32):
// [0] the round the main thread posts (-1: stop), [1] the rounds the worker has finished.
const WORKER = `
const { workerData: { module, memory, sync, bytes } } = require('node:worker_threads');
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const s = new Int32Array(sync);
for (let round = 1; ; round++) {
  Atomics.wait(s, 0, round - 1);
  if (Atomics.load(s, 0) < 0) break;
  ex.sum(bytes / 2, bytes);
  Atomics.store(s, 1, round);
  Atomics.notify(s, 1);
}`;

async function main(): Promise<void> {
  const arg = (n: string, d: number) => { const i = process.argv.indexOf(n); return i >= 0 ? Number(process.argv[i + 1]) : d; };
  const bytes = Math.floor(arg('--mb', 234) * 1e6 / 128) * 128, reps = arg('--reps', 15);
  const module = await streamLoopModule(true);
  const pages = Math.ceil(bytes / 65536) + 1;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  new Float32Array(memory.buffer, 0, bytes / 4).fill(1); // touch every page once
  const sync = new SharedArrayBuffer(8), s = new Int32Array(sync);
  const ex = streamLoop(module, memory);
  const worker = new Worker(WORKER, { eval: true, workerData: { module, memory, sync, bytes } });
  await new Promise((r) => setTimeout(r, 300));
  let round = 0;
  const time = (nt: number): number => {
    const t0 = performance.now();
    if (nt === 2) {
      Atomics.store(s, 0, ++round);
      Atomics.notify(s, 0);
      ex.sum(0, bytes / 2);
      while (Atomics.load(s, 1) < round) Atomics.wait(s, 1, round - 1);
    } else ex.sum(0, bytes);
    return performance.now() - t0;
  };
  for (const nt of [1, 2, 1, 2]) {
    const t = Array.from({ length: reps }, () => time(nt)).sort((a, b) => a - b);
    const gbs = (ms: number) => (bytes / ms / 1e6).toFixed(1);
    console.log(`${nt} thread(s), ${(bytes / 1e6).toFixed(0)} MB: best ${t[0]!.toFixed(2)} ms = ${gbs(t[0]!)} GB/s, ` +
      `median ${t[reps >> 1]!.toFixed(2)} ms = ${gbs(t[reps >> 1]!)} GB/s`);
  }
  Atomics.store(s, 0, -1);
  Atomics.notify(s, 0);
  await worker.terminate();
}

await main();
