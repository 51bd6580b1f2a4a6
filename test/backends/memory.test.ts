// The wasm backend's memory: size classes, reuse of freed blocks, views that follow growth, and
// memory that stays flat when a synchronous loop keeps allocating and dropping tensors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sizeClass } from '../../src/kernels/wasm/memory.js';
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
  for (let i = 0; i < 20; i++) step();
  const settled = wasm.heap.capacity;
  // 200 more steps allocate 4 GB in total: far beyond any memory unless blocks are reused.
  for (let i = 0; i < 200; i++) step();
  assert.ok(wasm.heap.capacity <= settled * 2, `memory grew from ${settled} to ${wasm.heap.capacity} bytes`);
});
