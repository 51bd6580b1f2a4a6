// `npm run docs`: the API reference generates from the doc comments with no warning (every type a
// public function mentions is itself exported and documented).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('typedoc builds the API reference of striate and striate/image without warnings', () => {
  const out = mkdtempSync(join(tmpdir(), 'striate-docs-'));
  const typedoc = join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');
  const r = spawnSync(process.execPath, [typedoc, '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  for (const page of ['index.html', 'functions/index.F.conv2d.html', 'functions/image.filterImage.html']) {
    assert.ok(existsSync(join(out, page)), `${page} missing`);
  }
});
