// Prints README.md's table of ONNX operator tests per supported op (libonnx-testdata's node/).
//   npx tsx scripts/onnx-node-table.ts
import { runNodeTest, supportedNodeTests } from '../test/onnx/node-suite.js';

const rows: string[] = ['| op | tests passed / present | not on tensors |', '|---|---|---|'];
for (const [op, tests] of [...supportedNodeTests()].sort(([a], [b]) => a.localeCompare(b))) {
  let passed = 0;
  for (const t of tests) if ((await runNodeTest(t)) === null) passed++;
  const other = tests.filter((t) => t.notTensor).map((t) => t.name).join(', ');
  rows.push(`| ${op} | ${passed} / ${tests.length - (other ? other.split(', ').length : 0)} | ${other} |`);
}
console.log(rows.join('\n'));
