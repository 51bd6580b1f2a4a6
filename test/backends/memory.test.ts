// The wasm backend's memory: size classes, reuse of freed blocks, views that follow growth, and
// memory that stays flat when a synchronous loop keeps allocating and dropping tensors or replays
// a recorded forward at changing thread counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as st from '../../src/index.js';
import { activeBackend } from '../../src/kernels/backend.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';
import { sizeClass, WasmHeap, type Block } from '../../src/kernels/wasm/memory.js';
import { wasm } from './harness.js';

test('size classes are 64-byte multiples with at most 25% slack above 256 bytes', () => {
  for (const bytes of [1, 63, 64, 65, 200, 257, 1000, 4097, 1e6, 3.3e7]) {
    const c = sizeClass(bytes);
    assert.ok(c >= bytes && c % 64 === 0, `class ${c} for ${bytes}`);
    if (bytes > 256) assert.ok(c <= bytes * 1.25 + 64, `class ${c} too loose for ${bytes}`);
  }
});

test('storage is zeroed, and its view follows the memory when it grows', () => {
  const s = wasm.alloc(1000);
  assert.ok(s.data.every((v) => v === 0));
  s.data[999] = 7;
  const before = wasm.heap.capacity;
  const big = wasm.alloc(before / 4 + 1e6); // forces growth
  assert.ok(wasm.heap.capacity > before);
  assert.equal(s.data.length, 1000);
  assert.equal(s.data[999], 7);
  assert.equal(big.data.length, before / 4 + 1e6);
});

test('memory stays flat while a synchronous loop allocates and drops tensors', () => {
  const step = () => {
    for (let i = 0; i < 20; i++) wasm.alloc(250_000 + i * 1000).data[0] = i;
  };
  // Memory settles once forced collections run (every 128 MB of storage: ~7 steps of 20 MB).
  for (let i = 0; i < 100; i++) step();
  const settled = wasm.heap.capacity;
  // 300 more steps allocate 6 GB: far beyond any memory unless blocks are reused.
  for (let i = 0; i < 300; i++) step();
  assert.ok(wasm.heap.capacity <= settled * 2, `memory grew from ${settled} to ${wasm.heap.capacity} bytes`);
});

test('models trained one after another reuse the memory of those dropped before them', () => {
  // A heap of its own, with a reclaimer that finds every block dropped so far (as gc() would).
  let dead: Block[] = [];
  const heap: WasmHeap = new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: 65536 }), false, 0, {
    registry: new FinalizationRegistry<Block>(() => {}),
    collect: () => { for (const b of dead) heap.release(b.ptr, b.cls); dead = []; },
  });
  // Model k's steps each drop 32 MB in blocks of one size of its own (8 MB, 4 MB, ... 256 KB),
  // which no model before it asked for: exact-class reuse alone gave each model fresh memory.
  const train = (k: number, steps: number) => {
    const bytes = 2 ** (23 - k);
    for (let s = 0; s < steps; s++) {
      for (let i = 0; i < 2 ** (k + 2); i++) dead.push({ ptr: heap.alloc(bytes), cls: sizeClass(bytes) });
    }
  };
  train(0, 20);
  const first = heap.capacity;
  for (let k = 1; k < 6; k++) train(k, 20);
  // Six models' worth of fresh memory came to 6 × first (955 MB); the spare ranges keep it at 2.4 × (391 MB).
  assert.ok(heap.capacity <= 3 * first, `memory grew from ${first} to ${heap.capacity} bytes`);
  assert.ok(heap.counts.collections >= 6 * 20 * 32 / 128 - 6, 'each model ran several collection intervals');
});

test('blocks cut from spare ranges never overlap a live block', () => {
  let dead: Block[] = [];
  const heap: WasmHeap = new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: 65536 }), false, 0, {
    registry: new FinalizationRegistry<Block>(() => {}),
    collect: () => { for (const b of dead) heap.release(b.ptr, b.cls); dead = []; },
  });
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const live: Block[] = [];
  // Phases of different sizes (a new model every 400 allocations); some blocks live on a while.
  for (let i = 0; i < 4000; i++) {
    const scale = 2 ** (12 + ((i / 400) | 0) % 7);
    const bytes = Math.ceil(scale * (1 + 3 * rand()));
    const b = { ptr: heap.alloc(bytes), cls: sizeClass(bytes) };
    assert.equal(b.ptr % 64, 0);
    live.push(b);
    while (live.length > 50 || (live.length > 0 && rand() < 0.3)) dead.push(live.splice((rand() * live.length) | 0, 1)[0]!);
    const sorted = [...live].sort((x, y) => x.ptr - y.ptr);
    for (let j = 1; j < sorted.length; j++) assert.ok(sorted[j - 1]!.ptr + sorted[j - 1]!.cls <= sorted[j]!.ptr, `blocks overlap at step ${i}`);
  }
});

test('without shared memory (no threads) views survive growth and kernels still agree', async () => {
  const { loadWasmBackend } = await import('../../src/kernels/wasm/index.js');
  const { refKernels } = await import('../../src/kernels/ref/index.js');
  const single = (await loadWasmBackend({ threads: false }))!;
  assert.equal(single.features.threads, false);
  single.setNumThreads(4);
  assert.equal(single.getNumThreads(), 1);
  const a = single.alloc(300 * 200);
  a.data.forEach((_, i, d) => { d[i] = Math.sin(i); });
  const b = new Float32Array(200 * 100).map((_, i) => Math.cos(i));
  const c = single.alloc(300 * 100);
  // A plain-array operand makes the kernel allocate scratch; a big first allocation makes that
  // scratch grow (and so detach) the non-shared memory mid-call.
  // Fill the memory up with power-of-two blocks (exact size classes) so the call must grow it.
  const keep = [];
  while (single.heap.headroom > 65536) keep.push(single.alloc(2 ** Math.floor(Math.log2(single.heap.headroom)) / 4));
  const cap = single.heap.capacity;
  const p = { m: 300, n: 100, k: 200, transA: false, transB: false, accumulate: false };
  single.arrayKernels.gemm(a.data, b, c.data, p);
  assert.ok(single.heap.capacity > cap, 'the call was meant to grow the memory');
  assert.ok(keep.every((k) => k.data.length === k.size));
  const want = new Float32Array(300 * 100);
  refKernels.gemm(a.data, b, want, p);
  assert.deepEqual(Array.from(c.data.subarray(0, 50)), Array.from(want.subarray(0, 50)));
});

test('setNumThreads / getNumThreads on the shared backend', () => {
  const before = wasm.getNumThreads();
  wasm.setNumThreads(1);
  assert.equal(wasm.getNumThreads(), 1);
  wasm.setNumThreads(before);
  assert.equal(wasm.getNumThreads(), before);
});

test('a large GEMM runs on two threads once the worker is up, with the same result', async () => {
  const { refKernels } = await import('../../src/kernels/ref/index.js');
  if (!wasm.features.threads) return;
  wasm.setNumThreads(2);
  const m = 96, n = 256, k = 128;
  const a = wasm.alloc(m * k), b = wasm.alloc(k * n), c = wasm.alloc(m * n);
  a.data.forEach((_, i, d) => { d[i] = Math.sin(i); });
  b.data.forEach((_, i, d) => { d[i] = Math.cos(i); });
  const p = { m, n, k, transA: false, transB: false, accumulate: false };
  // Workers boot asynchronously; until one is ready the kernel runs on this thread alone.
  for (let t = 0; t < 600 && wasm.lastThreads() < 2; t++) {
    wasm.arrayKernels.gemm(a.data, b.data, c.data, p);
    await new Promise((r) => setTimeout(r, 50));
  }
  wasm.arrayKernels.gemm(a.data, b.data, c.data, p);
  assert.equal(wasm.lastThreads(), 2);
  const want = new Float32Array(m * n);
  refKernels.gemm(a.data, b.data, want, p);
  assert.deepEqual(Array.from(c.data), Array.from(want));
});

test('a recorded forward replayed at alternating thread counts gives back the scratch of each plan it replaces', () => {
  st.setBackend('wasm');
  const heap = (activeBackend() as WasmBackend).heap, threads = st.getNumThreads();
  try {
    const model = st.models.resnet20().eval();
    const x = st.randn([2, 3, 32, 32], { seed: 1 });
    const fast = st.nn.recordForward(model, x);
    const want = fast.forward(x).toArray();
    // Each change of thread count captures the calls again (their dispatches are split per thread).
    const replay = (t: number) => { st.setNumThreads(t); return fast.forward(x); };
    replay(2);
    replay(1);
    const before = heap.liveBytes;
    for (let i = 0; i < 20; i++) assert.deepEqual(replay(2 - (i % 2)).toArray(), want);
    // What may stay: the 20 outputs (2 × 10 floats each) until a collection. The replaced plans'
    // scratch had stayed too, until a collection that nothing asked for: 70 MB here; ResNet-18's
    // recorded forward reached the memory's 4 GB limit.
    const grown = heap.liveBytes - before;
    assert.ok(grown <= 20 * sizeClass(2 * 10 * 4), `20 replays kept ${grown} bytes live`);
  } finally {
    st.setNumThreads(threads);
  }
});
