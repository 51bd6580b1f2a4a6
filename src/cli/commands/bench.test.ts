import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runStriate } from '../run-cli.js';

test('striate bench: a quick run of one workload through the harness', async () => {
  const r = await runStriate(['bench', '--quick', '--peers', 'striate', '--workloads', 'W6', '--threads', '1'], { timeoutMs: 300_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /W6: sgemm 1024×1024×1024 \(GFLOP\/s, higher is better\)/);
  assert.match(r.stdout, /threads\s+striate\n\s+1\s+\d+\.\d+/);
});

test('striate bench: --help, and bad lists exit 2 before running anything', async () => {
  const h = await runStriate(['bench', '--help']);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /--workloads <list>\s+comma-separated: W1, W2, W3, W4, W5, W6, W8/);
  const w = await runStriate(['bench', '--workloads', 'W1,W9']);
  assert.equal(w.code, 2);
  assert.match(w.stderr, /option '--workloads <list>' argument 'W1,W9' is invalid\. expected one of W1, W2, W3, W4, W5, W6, W8, got "W9"/);
  const t = await runStriate(['bench', '--threads', '0']);
  assert.equal(t.code, 2);
  assert.match(t.stderr, /expected an integer ≥ 1, got 0/);
});
