// Every single-op ONNX operator test of every op striate supports must pass (all data sets,
// all attribute variants); see node-suite.ts. The README's table comes from
// `npx tsx scripts/onnx-node-table.ts`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runNodeTest, supportedNodeTests } from './node-suite.js';

// Identity's tests on optional and sequence values: striate's values are tensors only.
const NOT_TENSORS = ['test_identity_opt', 'test_identity_sequence'];

const byOp = supportedNodeTests();

test('the supported ops have ONNX operator tests, and only the known ones are not on tensors', () => {
  assert.ok(byOp.size >= 30, `only ${byOp.size} ops found`);
  const notTensor = [...byOp.values()].flat().filter((t) => t.notTensor).map((t) => t.name);
  assert.deepEqual(notTensor, NOT_TENSORS);
});

for (const [op, tests] of byOp) {
  test(`ONNX operator tests of ${op}: all ${tests.filter((t) => !t.notTensor).length} pass`, async () => {
    const failures: string[] = [];
    for (const t of tests.filter((x) => !x.notTensor)) {
      const why = await runNodeTest(t);
      if (why !== null) failures.push(`${t.name}: ${why}`);
    }
    assert.deepEqual(failures, []);
  });
}
