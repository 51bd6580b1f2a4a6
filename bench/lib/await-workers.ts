// Workers boot asynchronously and a dispatch never waits for one still booting (thread-pool.ts):
// until a worker is ready, a call asked to run on 2 threads runs on the calling thread alone.
// On this VM a worker was ready ~100 ms after the first 2-thread call, so a benchmark that warms
// up with a call or two and starts timing at once times its first shape's "2-thread" calls on
// one thread (bench/batch1-convs.ts: W4's 64→64 56², the first shape, ×1.00 at 2 threads while
// lastThreads() said 1 in all 30 alternating rounds; the worker joined at the 31st).
import type { WasmBackend } from '../../src/kernels/wasm/index.js';

/**
 * Calls `parallelCall` (a task big enough to go parallel) at `threads` threads, pausing between
 * calls, until the pool ran it on that many threads or `maxMs` passed; returns the threads the
 * last call ran on.
 */
export async function awaitWorkers(be: WasmBackend, threads: number, parallelCall: () => void, maxMs = 2000): Promise<number> {
  be.setNumThreads(threads);
  for (const end = performance.now() + maxMs; performance.now() < end;) {
    parallelCall();
    if (be.lastThreads() >= threads) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return be.lastThreads();
}
