// The thread pool's failure report: a part that traps in a worker is run again on the calling
// thread, so the error says what went wrong there (a worker cannot hand its exception over); and
// its claims: every part runs once, workers taking theirs from the back unless told otherwise.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CTRL_INTS, ThreadPool, workerFactory } from '../../src/kernels/wasm/thread-pool.js';

const u32 = (n: number): number[] => {
  const out: number[] = [];
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n);
  return out;
};
const section = (id: number, body: number[]) => [id, ...u32(body.length), ...body];
const name = (s: string) => [...u32(s.length), ...[...s].map((c) => c.charCodeAt(0))];

// A function body's end: spin 20,000 times on local 4, then end.
const SPIN_AND_END = [
  0x02, 0x40, 0x03, 0x40, // block, loop
  0x20, 4, 0x41, 0xa0, 0x9c, 0x01, 0x4e, 0x0d, 1, // br_if out when i >= 20000
  0x20, 4, 0x41, 1, 0x6a, 0x21, 4, 0x0c, 0, // i += 1, again
  0x0b, 0x0b, 0x0b,
];

// A module importing env.memory (shared, 1 page) and exporting task(params, part, parts, slot) = body.
function taskModule(body: number[]): Uint8Array<ArrayBuffer> {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x03, 1, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('task'), 0x00, 0]),
    ...section(10, [1, ...u32(body.length), ...body]),
  ]);
}

// task(params, part, parts, slot): traps (unreachable) on a worker (slot ≠ 0); on the calling
// thread it only spins a while, so that the worker wakes and claims parts.
function trapOnWorkers(): Uint8Array<ArrayBuffer> {
  const body = [
    1, 1, 0x7f, // one i32 local (index 4)
    0x20, 3, 0x04, 0x40, 0x00, 0x0b, // if slot: unreachable
    ...SPIN_AND_END,
  ];
  return taskModule(body);
}

// task(params, part, parts, slot): writes slot + 1 at params + 4·part, adds 1 at params + 1024 +
// 4·part, then spins a while (so that the worker wakes and claims parts).
function recordParts(): Uint8Array<ArrayBuffer> {
  const at = [0x20, 0, 0x20, 1, 0x41, 2, 0x74, 0x6a]; // params + (part << 2)
  const body = [
    1, 1, 0x7f, // one i32 local (index 4)
    ...at, 0x20, 3, 0x41, 1, 0x6a, 0x36, 2, 0, // i32.store slot + 1
    ...at, ...at, 0x28, 2, 0x80, 0x08, 0x41, 1, 0x6a, 0x36, 2, 0x80, 0x08, // count += 1 at offset 1024
    ...SPIN_AND_END,
  ];
  return taskModule(body);
}

// A 2-thread pool over one task, `code`, on a fresh 1-page shared memory, once its worker is ready
// (workers start on the first plan and take part once ready); null where there are no worker threads.
async function readyPool(code: Uint8Array<ArrayBuffer>): Promise<{ pool: ThreadPool; memory: WebAssembly.Memory } | null> {
  const Worker = await workerFactory();
  if (!Worker) return null;
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const module = new WebAssembly.Module(code);
  const task = (new WebAssembly.Instance(module, { env: { memory } }).exports as { task: (p: number, a: number, b: number, s: number) => void }).task;
  new Int32Array(memory.buffer, 0, CTRL_INTS).fill(0);
  const pool = new ThreadPool(memory, module, 0, ['task'], [task], Worker, 2);
  for (let i = 0; i < 500 && pool.plan(true) < 2; i++) await new Promise((r) => setTimeout(r, 10));
  if (pool.plan(true) < 2) pool.shutdown();
  assert.equal(pool.plan(true), 2, 'the worker never became ready');
  return { pool, memory };
}

test('every part runs once; workers claim from the back, the calling thread from the front', async (t) => {
  const ready = await readyPool(recordParts());
  if (!ready) return t.skip('no worker threads here');
  const { pool, memory } = ready;
  const params = 4096, parts = 40;
  const slots = new Int32Array(memory.buffer, params, parts), counts = new Int32Array(memory.buffer, params + 1024, parts);
  try {
    for (const workersFromFront of [false, true]) {
      // Until the worker took part, as it must within a few runs (see the test below).
      for (let i = 0; i < 200 && !slots.includes(2); i++) {
        slots.fill(0);
        counts.fill(0);
        pool.run(0, params, 2, parts, workersFromFront);
        assert.deepEqual([...counts], new Array(parts).fill(1), 'every part runs exactly once');
      }
      assert.ok(slots.includes(2), 'the worker never took part');
      if (!workersFromFront) {
        const first = slots.indexOf(2);
        assert.deepEqual([...slots], [...new Array(first).fill(1), ...new Array(parts - first).fill(2)],
          'the calling thread ran a front run of parts, the worker the rest');
      }
      slots.fill(0);
    }
  } finally {
    pool.shutdown();
  }
});

test("two tasks in one dispatch: each part of each runs once, the second's parts at both ends", async (t) => {
  const ready = await readyPool(recordParts());
  if (!ready) return t.skip('no worker threads here');
  const { pool, memory } = ready;
  // The same task on two parameter blocks: 30 parts of a amid 7 of b (4 ahead of a's, 3 after).
  const a = { id: 0, params: 4096, parts: 30 }, b = { id: 0, params: 8192, parts: 7 };
  const view = (job: typeof a, offset: number) => new Int32Array(memory.buffer, job.params + offset, job.parts);
  try {
    let order: number[] = [];
    for (let i = 0; i < 200 && !order.includes(2); i++) {
      for (const job of [a, b]) { view(job, 0).fill(0); view(job, 1024).fill(0); }
      assert.equal(pool.runTogether(a, b, 2), true, 'one dispatch');
      for (const job of [a, b]) assert.deepEqual([...view(job, 1024)], new Array(job.parts).fill(1), 'every part runs exactly once');
      order = [...view(b, 0).slice(0, 4), ...view(a, 0), ...view(b, 0).slice(4)];
    }
    assert.ok(order.includes(2), 'the worker never took part');
    const first = order.indexOf(2);
    assert.deepEqual(order, [...new Array(first).fill(1), ...new Array(order.length - first).fill(2)],
      "in the order b's head, a, b's rest: the calling thread ran a front run, the worker the rest");
    // On one thread, or with more parts than a dispatch holds: one after the other, each whole.
    for (const [nt, big] of [[1, a], [2, { ...a, parts: 250 }]] as const) {
      for (const job of [big, b]) view(job, 1024).fill(0);
      assert.equal(pool.runTogether(big, b, nt), false, `one after the other (${nt} threads, ${big.parts} parts)`);
      for (const job of [big, b]) assert.deepEqual([...view(job, 1024)], new Array(job.parts).fill(1), `every part runs once (${nt} threads, ${big.parts} parts)`);
    }
  } finally {
    pool.shutdown();
  }
});

test('a part that fails in a worker is run again on the calling thread, and the error says how it went', async (t) => {
  const ready = await readyPool(trapOnWorkers());
  if (!ready) return t.skip('no worker threads here');
  const { pool } = ready;
  try {
    // A worker asleep on a busy machine may wake after the calling thread has claimed every part
    // (the run then succeeds): run again until a worker took part, as it must within a few runs.
    let error: unknown = null;
    for (let i = 0; i < 200 && !error; i++) {
      try { pool.run(0, 0, 2, 255); } catch (e) { error = e; }
    }
    assert.match(String((error as Error | null)?.message),
      /task failed in a worker thread \(part \d+ of 255\), and ran without error on the calling thread/);
  } finally {
    pool.shutdown();
  }
});
