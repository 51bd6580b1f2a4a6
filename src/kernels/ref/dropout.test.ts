import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropoutMask, dropThreshold, threefry2x32 } from './dropout.js';

test('threefry2x32-20 gives the known answers of Random123 (kat_vectors)', () => {
  // [key0, key1, counter0, counter1] → [out0, out1]
  const hex = (v: [number, number]) => v.map((x) => x.toString(16).padStart(8, '0'));
  assert.deepEqual(hex(threefry2x32(0, 0, 0, 0)), ['6b200159', '99ba4efe']);
  assert.deepEqual(hex(threefry2x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff)), ['1cb996fc', 'bb002be7']);
  assert.deepEqual(hex(threefry2x32(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3)), ['c4923a9c', '483df7a0']);
});

test('dropout masks keep about 1 − p of the elements, scaled, and depend only on the key', () => {
  const out = new Float32Array(20001);
  const p = { size: out.length, key: [7, 9] as [number, number], threshold: dropThreshold(0.3), scale: 1 / 0.7 };
  dropoutMask(out, p);
  const kept = out.filter((v) => v !== 0);
  assert.ok(kept.every((v) => v === Math.fround(1 / 0.7)));
  assert.ok(Math.abs(kept.length / out.length - 0.7) < 0.015, `kept ${kept.length}`);
  const again = new Float32Array(out.length);
  dropoutMask(again, p);
  assert.deepEqual(again, out);
  dropoutMask(again, { ...p, key: [7, 10] });
  assert.notDeepEqual(again, out);
});
