// Every reader fuzzed with 1,000 seeded cases in npm test (npm run fuzz runs 10,000 or more each).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzzReader, READERS } from './readers.js';

for (const reader of READERS) {
  test(`fuzz ${reader.name}: 1,000 cases end in a result or FormatError/LimitError`, () => {
    const r = fuzzReader(reader, 1000, 20261204);
    assert.equal(r.tried, 1000);
    assert.ok(r.refused > 0, 'the cases include files the reader must refuse');
    assert.deepEqual(r.failures.slice(0, 3), [], `${r.failures.length} failures`);
  });
}

test('the fuzz harness reports exceptions that are not ours, and slow cases', () => {
  const broken = { ...READERS[0]!, read: (b: Uint8Array | string) => { if (b.length % 2) throw new TypeError('bug'); } };
  const r = fuzzReader(broken, 50, 1);
  assert.ok(r.failures.length > 0 && r.failures.every((f) => /TypeError: bug/.test(f.error)));
  assert.equal(r.tried, 50);
});
