// A persistent pool of worker threads sharing the module and the memory. A task is split into
// `parts` (at least one per thread, more where parts are cheap to split) that threads claim one at
// a time from a shared counter: a thread that runs slower (a busy core on a shared machine, a
// worker slow to wake) simply claims fewer, instead of the whole task waiting for its fixed share.
// A dispatch writes the task into a control block in shared memory, bumps a generation counter
// and wakes the workers with Atomics.notify; the calling thread claims parts too, then waits only
// for parts that workers have claimed, so nothing waits for a thread that never woke up. Both
// sides poll briefly before sleeping. Workers start lazily, never keep a Node process alive, and
// only workers that have signalled readiness take part, so a dispatch never waits for a thread
// still booting.
import { PARAM_SLOTS } from './abi.js';
import { isNode } from './loader.js';

// Control block (Int32 slots): 0 generation, 1 finished parts, 2 task, 3 params pointer, 4 parts,
// 5 shutdown, 6 the first part a worker failed + 1 (0: none), 7 threads taking part (each uses the
// scratch slot of its thread id), then per thread id ready flags, then the claim word: the
// generation's low 15 bits, the front of the unclaimed parts (8 bits) and their end (8 bits), all
// in one word that a compare-and-swap advances (its sign bit: workers claim from the front too). A worker that woke late and read an earlier task's fields can therefore never claim
// a part of a later task (it once did, with the part count read separately: a part ran with the
// wrong task's parameters and was counted as the new task's). Slot 4 counts the parts of both
// tasks of a dispatch (see jobPart); the second task's id, params, parts and head follow the claim word.
const MAX_WORKERS = 63;
const READY = 8;
const NEXT = READY + 64;
const SECOND = NEXT + 1;
export const CTRL_INTS = NEXT + 8;

// Polls of a shared word before sleeping on it (~20–50 µs): waking a sleeping thread costs
// ~35 µs on this VM, more than a whole 1-MFLOP task, and parallel ops often come back to back.
const SPIN = 20000;
// A worker out of parts first polls until the other threads finish theirs (up to ~0.5–1 ms), and
// only then starts the SPIN window: a conv's phases come back to back, but the calling thread's
// last part (~0.1 ms of a batch-1 GEMM phase) outlasted SPIN, so the worker slept between phases
// and the next one paid its wake-up (half of W4's 22–24 sleeps a forward: BENCHMARKS.md "ResNet-18
// at batch 1: the JavaScript between the convs").
const TASK_SPIN = 20 * SPIN;

/** Most parts a task may be split into (the claim word's 8 bits). */
export const MAX_PARTS = 255;

// An unclaimed part of generation `gen`, or −1 when none is left: the calling thread claims from
// the front (parts 0, 1, …), workers from the back (the last part, the one before, …) unless the
// claim word's sign bit is set. So a part lands on the same core from one dispatch to the next
// as long as the split does: a conv's part of output channels or tile rows is read by the next
// conv's part of input channels or tile rows from the cache of the core that wrote it (all
// threads claiming from the front, the parts fell to either core in any order). W4 at 2 threads,
// both orders alternating forward by forward in one process, 2 × 80 forwards (10:50 UTC Dec 6,
// load 2.2): best 20.10 / 20.22 ms against 20.57 / 20.48, the batch-1 Winograd input phases
// 0.44 against 0.47 ms a forward, output phases 0.37 against 0.41, the stem 1.65 against 1.71;
// but F(4×4)'s GEMM phases (parts of planes ξ, which the next phase reads across) 4.85–4.87
// against 4.45–4.58: those dispatch with the workers claiming from the front.
// Self-contained: its source text is also compiled into the workers.
function claimPart(I: Int32Array, next: number, gen: number, worker: boolean): number {
  const tag = (gen & 0x7fff) << 16;
  for (;;) {
    const v = Atomics.load(I, next);
    if ((v & 0x7fff0000) !== tag || ((v >> 8) & 0xff) >= (v & 0xff)) return -1;
    const back = worker && v >= 0;
    if (Atomics.compareExchange(I, next, v, back ? v - 1 : v + 256) === v) return back ? (v & 0xff) - 1 : (v >> 8) & 0xff;
  }
}

// A dispatch's part `part` of task A's `na` parts amid task B's, B's first `head` parts ahead of
// A's and the rest after them: A's part index (≥ 0), or B's as −1 − index. The calling thread
// claims from the front and workers from the back, so each starts on B's parts and the two meet
// in A's: with B's parts the coarse ones (a weight gradient's lanes), the last part either thread
// waits for is one of A's fine ones. Self-contained, as claimPart.
function jobPart(part: number, head: number, na: number): number {
  return part < head ? -1 - part : part < head + na ? part - head : -1 - (part - na);
}

/** A task: runs part `part` of `parts` with the scratch slot `slot` (the running thread's id). */
export type TaskFn = (params: number, part: number, parts: number, slot: number) => void;

/** A task's run: its id, its parameter block and how many parts. */
export interface Job { id: number; params: number; parts: number }

/** A dispatch as capture() saw it: its arguments and copies of its parameter blocks then. */
export interface CapturedDispatch {
  readonly id: number;
  readonly params: number;
  readonly parts: number;
  readonly second: Job | null;
  readonly nt: number;
  readonly workersFromFront: boolean;
  readonly block: Int32Array;
  readonly secondBlock: Int32Array | null;
}

// Runs in each worker; the same source serves worker_threads (eval, CommonJS) and Web Workers.
const WORKER_SOURCE = `
const claimPart = (${claimPart.toString()});
const jobPart = (${jobPart.toString()});
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
    if (d.tid >= Atomics.load(I, 7)) continue;
    const fa = fns[Atomics.load(I, 2)], pa = Atomics.load(I, 3) >>> 0, parts = Atomics.load(I, 4);
    const fb = fns[Atomics.load(I, ${SECOND})], pb = Atomics.load(I, ${SECOND + 1}) >>> 0, nb = Atomics.load(I, ${SECOND + 2});
    const head = Atomics.load(I, ${SECOND + 3}), na = parts - nb;
    for (let part; (part = claimPart(I, ${NEXT}, gen, true)) >= 0;) {
      const j = jobPart(part, head, na);
      try { if (j >= 0) fa(pa, j, na, d.tid); else fb(pb, -1 - j, nb, d.tid); } catch (e) { Atomics.compareExchange(I, 6, 0, part + 1); }
      Atomics.add(I, 1, 1);
      Atomics.notify(I, 1);
    }
    for (let i = 0; i < ${TASK_SPIN} && Atomics.load(I, 1) < parts && Atomics.load(I, 0) === gen; i++);
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

  // The dispatches capture() is collecting, if it is.
  private captured: CapturedDispatch[] | null = null;

  /** Runs fn, whose dispatches run as usual, and returns them for replay(). */
  capture(fn: () => void): CapturedDispatch[] {
    if (this.captured) throw new Error('ThreadPool.capture: already capturing');
    const log: CapturedDispatch[] = this.captured = [];
    try {
      fn();
    } finally {
      this.captured = null;
    }
    return log;
  }

  /**
   * Runs captured dispatches again, each after restoring its parameter blocks: the tasks do what
   * they did, provided that the memory they read (inputs, scratch, prepared weights) is where it was.
   */
  replay(dispatches: readonly CapturedDispatch[]): void {
    for (const d of dispatches) {
      this.block(d.params).set(d.block);
      if (d.second) this.block(d.second.params).set(d.secondBlock!);
      this.dispatch(d.id, d.params, d.parts, d.second, d.nt, d.workersFromFront);
    }
  }

  private block(params: number): Int32Array {
    return new Int32Array(this.memory.buffer, params, PARAM_SLOTS);
  }

  /**
   * Runs task `id` in `parts` parts (≥ 1) on `nt` threads (a value from plan) and waits for all
   * of them. A part's scratch is its thread's slot, so at most nt slots are ever in use. Workers
   * claim parts from the back unless `workersFromFront` (see claimPart).
   */
  run(id: number, params: number, nt: number, wanted = nt, workersFromFront = false): void {
    this.dispatch(id, params, Math.max(1, Math.min(wanted, MAX_PARTS)), null, nt, workersFromFront);
  }

  /**
   * Runs two independent tasks as one dispatch on `nt` threads: a's parts amid b's (see jobPart),
   * so that neither thread waits out the tail of the first before the second starts. b's parts
   * should be the coarser. On one thread, or with more parts than MAX_PARTS in all: one after the
   * other. Returns whether they ran as one dispatch.
   */
  runTogether(a: Job, b: Job, nt: number): boolean {
    if (nt === 1 || a.parts + b.parts > MAX_PARTS) {
      this.run(a.id, a.params, nt, a.parts);
      this.run(b.id, b.params, nt, b.parts);
      return false;
    }
    this.dispatch(a.id, a.params, a.parts, b, nt, false);
    return true;
  }

  // Task A (id, params, na parts) amid b's parts, if any (see jobPart). A is passed as numbers: a
  // run() allocates nothing.
  private dispatch(id: number, params: number, na: number, b: Job | null, nt: number, workersFromFront: boolean): void {
    const nb = b?.parts ?? 0, head = Math.ceil(nb / 2), parts = na + nb;
    this.lastThreads = nt;
    if (this.captured) {
      this.captured.push({
        id, params, parts: na, second: b && { ...b }, nt, workersFromFront, block: this.block(params).slice(),
        secondBlock: b && this.block(b.params).slice(),
      });
    }
    if (nt === 1) {
      for (let part = 0; part < parts; part++) this.runPart(id, params, na, b, head, part);
      return;
    }
    const I = this.ctrl;
    const gen = Atomics.load(I, 0) + 1;
    Atomics.store(I, 1, 0);
    Atomics.store(I, 2, id);
    Atomics.store(I, 3, params | 0);
    Atomics.store(I, 4, parts);
    Atomics.store(I, 6, 0);
    Atomics.store(I, 7, nt);
    Atomics.store(I, SECOND, b?.id ?? id);
    Atomics.store(I, SECOND + 1, (b?.params ?? 0) | 0);
    Atomics.store(I, SECOND + 2, nb);
    Atomics.store(I, SECOND + 3, head);
    Atomics.store(I, NEXT, (workersFromFront ? 1 << 31 : 0) | ((gen & 0x7fff) << 16) | parts);
    Atomics.store(I, 0, gen);
    Atomics.notify(I, 0);
    let failed: unknown = null;
    for (let part; (part = claimPart(I, NEXT, gen, false)) >= 0;) {
      try {
        if (!failed) this.runPart(id, params, na, b, head, part);
      } catch (e) {
        failed = e;
      }
      Atomics.add(I, 1, 1);
    }
    // Every part is claimed: wait for those the workers are running. The counter is read before
    // the check, so a worker finishing in between changes it and the wait returns at once.
    for (let spins = 0; ; spins++) {
      const done = Atomics.load(I, 1);
      if (done >= parts) break;
      if (spins >= SPIN) Atomics.wait(I, 1, done, 1000);
    }
    if (failed) throw failed;
    const failedPart = Atomics.load(I, 6) - 1;
    if (failedPart >= 0) this.workerFailed(id, params, na, b, head, failedPart);
  }

  // Runs the dispatch's part `part` (see jobPart) on this thread (scratch slot 0).
  private runPart(id: number, params: number, na: number, b: Job | null, head: number, part: number): void {
    const j = jobPart(part, head, na);
    if (j >= 0) this.fns[id]!(params, j, na, 0);
    else this.fns[b!.id]!(b!.params, -1 - j, b!.parts, 0);
  }

  // A worker cannot hand its exception over: the part it failed is run again here, whose error
  // (a trap, with its message) names the cause; if it now succeeds, the failure depended on the
  // thread (the output is then unreliable either way, hence the error).
  private workerFailed(id: number, params: number, na: number, b: Job | null, head: number, part: number): never {
    const j = jobPart(part, head, na);
    const [task, index, parts] = j >= 0 ? [id, j, na] : [b!.id, -1 - j, b!.parts];
    const what = `wasm backend: ${this.names[task]} failed in a worker thread (part ${index} of ${parts})`;
    try {
      this.runPart(id, params, na, b, head, part);
    } catch (e) {
      throw new Error(`${what}: ${(e as Error).message}`, { cause: e });
    }
    throw new Error(`${what}, and ran without error on the calling thread`);
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
