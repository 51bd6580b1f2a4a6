// README.md cannot rot: every ```ts block is run as written, on its own, as a user would run it
// (importing 'striate', which resolves to the built package, from a scratch working directory).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = import.meta.resolve('tsx');

/** The ```ts blocks of a markdown text, with the line each starts on. */
function tsBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```ts') continue;
    const start = i + 1;
    while (++i < lines.length && lines[i]!.trim() !== '```');
    blocks.push({ line: start + 1, code: lines.slice(start, i).join('\n') });
  }
  return blocks;
}

const blocks = tsBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));

test('README.md has TypeScript blocks to check', () => {
  assert.ok(blocks.length >= 5, `found ${blocks.length}`);
});

// Inside the package, so that `import 'striate'` resolves through package.json's exports to dist/.
const dir = join(ROOT, '.cache', 'readme');
mkdirSync(dir, { recursive: true });
for (const [i, b] of blocks.entries()) {
  test(`README block ${i + 1} (line ${b.line}) runs as written`, () => {
    const file = join(dir, `block-${i + 1}.ts`);
    writeFileSync(file, b.code);
    const cwd = mkdtempSync(join(tmpdir(), 'striate-readme-'));
    // The blocks document the default (fastest) backend, whatever backend this suite runs on.
    const env = { ...process.env, STRIATE_BACKEND: undefined, FORCE_COLOR: '0' };
    const r = spawnSync(process.execPath, ['--import', TSX, file], { cwd, env, encoding: 'utf8', timeout: 240_000 });
    assert.equal(r.status, 0, `block at README.md:${b.line} failed (exit ${r.status}):\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /WebAssembly kernels unavailable/, 'the block ran on the slow reference backend');
  });
}
