// A persistent pool of worker threads sharing the module and the memory. A dispatch writes the
// task into a control block in shared memory, bumps a generation counter and wakes the workers
// with Atomics.notify; the calling thread takes share 0, then waits for the others with
// Atomics.wait. Both sides poll briefly before sleeping. Each share is claimed with a compare-and-swap before it runs, and the calling
// thread runs any share no worker has claimed by the time its own is done: a worker that is slow
// to wake (or misses a wake-up: intermittent stalls were seen in long runs) costs time, never a
// deadlock, and no share ever runs twice. Workers start lazily, never keep a Node process alive, and only workers that
// have signalled readiness are counted, so a dispatch never waits for a thread still booting.
import { isNode } from './loader.js';

// Control block (Int32 slots): 0 generation, 1 finished-share counter (for waiting), 2 task,
// 3 params pointer, 4 threads, 5 shutdown, 6 error, 7 unused, then per thread id: ready flags,
// the generation whose share was claimed, and the generation whose share finished.
const MAX_WORKERS = 63;
const READY = 8;
const CLAIM = READY + 64;
const FIN = CLAIM + 64;
export const CTRL_INTS = FIN + 64;

// Claims the share whose claim slot is `slot` for generation `gen`; false if another thread has.
// Self-contained: its source text is also compiled into the workers.
function claim(I: Int32Array, slot: number, gen: number): boolean {
  const v = Atomics.load(I, slot);
  return v !== gen && Atomics.compareExchange(I, slot, v, gen) === v;
}

// Polls of a shared word before sleeping on it (~20–50 µs): waking a sleeping thread costs
// ~35 µs on this VM, more than a whole 1-MFLOP task, and parallel ops often come back to back.
const SPIN = 20000;

export type TaskFn = (params: number, tid: number, nt: number) => void;

// Runs in each worker; the same source serves worker_threads (eval, CommonJS) and Web Workers.
const WORKER_SOURCE = `
const claim = (${claim.toString()});
function start(d) {
  const inst = new WebAssembly.Instance(d.module, { env: { memory: d.memory } });
  const I = new Int32Array(d.memory.buffer, d.ctrl, ${CTRL_INTS});
  const fns = d.names.map((n) => inst.exports[n]);
  let gen = Atomics.load(I, 0);
  Atomics.store(I, ${READY} + d.tid, 1);
  for (;;) {
    for (let i = 0; i < ${SPIN} && Atomics.load(I, 0) === gen; i++);
    Atomics.wait(I, 0, gen);
    gen = Atomics.load(I, 0);
    if (Atomics.load(I, 5) !== 0) return;
    const nt = Atomics.load(I, 4);
    if (d.tid < nt && claim(I, ${CLAIM} + d.tid, gen)) {
      try { fns[Atomics.load(I, 2)](Atomics.load(I, 3) >>> 0, d.tid, nt); } catch (e) { Atomics.store(I, 6, 1); }
      Atomics.store(I, ${FIN} + d.tid, gen);
      Atomics.add(I, 1, 1);
      Atomics.notify(I, 1);
    }
  }
}
if (typeof require === 'function') {
  start(require('node:worker_threads').workerData);
} else {
  self.onmessage = (e) => start(e.data);
}
`;

interface WorkerLike {
  unref?(): void;
  terminate(): unknown;
}

type WorkerCtor = new (source: string, data: unknown) => WorkerLike;

/** How to start a worker here, or null (no threads): node:worker_threads or a Blob-URL Worker. */
export async function workerFactory(): Promise<WorkerCtor | null> {
  if (isNode) {
    const wt = await import('node:worker_threads');
    return class {
      private readonly w: import('node:worker_threads').Worker;
      constructor(source: string, data: unknown) {
        // No execArgv: the worker runs plain JavaScript and needs no loaders (tsx) of the parent.
        this.w = new wt.Worker(source, { eval: true, workerData: data, execArgv: [] });
        this.w.unref();
      }
      terminate() { return this.w.terminate(); }
    } as unknown as WorkerCtor;
  }
  const g = globalThis as { Worker?: new (url: string) => { postMessage(d: unknown): void; terminate(): void } };
  if (typeof g.Worker !== 'function' || typeof Blob !== 'function') return null;
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const W = g.Worker;
  return class {
    private readonly w = new W(url);
    constructor(_source: string, data: unknown) { this.w.postMessage(data); }
    terminate() { this.w.terminate(); }
  } as unknown as WorkerCtor;
}

export class ThreadPool {
  private readonly workers: WorkerLike[] = [];
  private readonly ctrl: Int32Array;
  private threads: number;

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly module: WebAssembly.Module,
    private readonly ctrlPtr: number,
    private readonly names: readonly string[],
    private readonly fns: readonly TaskFn[],
    private Worker: WorkerCtor | null,
    defaultThreads: number,
  ) {
    this.ctrl = new Int32Array(memory.buffer, ctrlPtr, CTRL_INTS);
    this.threads = Worker ? Math.max(1, Math.min(defaultThreads, MAX_WORKERS + 1)) : 1;
  }

  get numThreads(): number {
    return this.threads;
  }

  setNumThreads(n: number): void {
    this.threads = this.Worker ? Math.min(n, MAX_WORKERS + 1) : 1;
  }

  /** Whether more than one thread can ever run here. */
  get threaded(): boolean {
    return this.Worker !== null;
  }

  // Threads usable right now: this one plus the leading run of workers that are ready.
  private available(want: number): number {
    while (this.workers.length < want - 1) {
      const tid = this.workers.length + 1;
      this.workers.push(new this.Worker!(WORKER_SOURCE, {
        module: this.module, memory: this.memory, ctrl: this.ctrlPtr, names: this.names, tid,
      }));
    }
    let nt = 1;
    while (nt < want && Atomics.load(this.ctrl, READY + nt) === 1) nt++;
    return nt;
  }

  /** Threads the next run may use: 1 unless `parallel`; never more than are ready. */
  plan(parallel: boolean): number {
    return parallel && this.threads > 1 && this.Worker ? this.available(this.threads) : 1;
  }

  /** Threads the last run used (diagnostics and tests). */
  lastThreads = 0;
  /** Worker shares the calling thread ran itself because no worker had claimed them in time. */
  stolenShares = 0;

  /** Runs task `id` on `nt` threads (a value from plan) and waits for all of them. */
  run(id: number, params: number, nt: number): void {
    const fn = this.fns[id]!;
    this.lastThreads = nt;
    if (nt === 1) {
      fn(params, 0, 1);
      return;
    }
    const I = this.ctrl;
    Atomics.store(I, 2, id);
    Atomics.store(I, 3, params | 0);
    Atomics.store(I, 4, nt);
    Atomics.store(I, 6, 0);
    const gen = Atomics.add(I, 0, 1) + 1;
    Atomics.notify(I, 0);
    let failed: unknown = null;
    try {
      fn(params, 0, nt);
    } catch (e) {
      failed = e;
    }
    for (let tid = 1; tid < nt; tid++) {
      if (!claim(I, CLAIM + tid, gen)) continue;
      this.stolenShares++;
      try {
        if (!failed) fn(params, tid, nt);
      } catch (e) {
        failed = e;
      }
      Atomics.store(I, FIN + tid, gen);
    }
    // Wait for the shares the workers claimed. The counter is read before the check, so a
    // worker finishing in between changes it and the wait returns at once.
    for (let spins = 0; ; spins++) {
      const d = Atomics.load(I, 1);
      let pending = false;
      for (let tid = 1; tid < nt && !pending; tid++) pending = Atomics.load(I, FIN + tid) !== gen;
      if (!pending) break;
      if (spins >= SPIN) Atomics.wait(I, 1, d, 1000);
    }
    if (failed) throw failed;
    if (Atomics.load(I, 6) !== 0) throw new Error(`wasm backend: ${this.names[id]} failed in a worker thread`);
  }

  /** Stops the workers for good; later runs use this thread only. */
  shutdown(): void {
    if (this.Worker) {
      Atomics.store(this.ctrl, 5, 1);
      Atomics.add(this.ctrl, 0, 1);
      Atomics.notify(this.ctrl, 0);
    }
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
    this.Worker = null;
    this.threads = 1;
  }
}
