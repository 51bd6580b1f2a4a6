// The golden PyTorch cases (test/golden/) on the WebGPU device, as they run on ref and wasm: the
// suite again in a child process with every fixture tensor created on 'webgpu' (STRIATE_DEVICE).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openTestWebGpu } from '../webgpu-device.js';

const gpu = await openTestWebGpu();

test('the golden PyTorch cases pass on webgpu', { skip: gpu ? false : 'no WebGPU driver (see the message above)' }, () => {
  const dir = join('test', 'golden');
  const files = readdirSync(dir).filter((f) => f.endsWith('.test.ts') && f !== 'close.test.ts').map((f) => join(dir, f));
  // Without NODE_TEST_CONTEXT, which would make the child report to this runner instead of printing TAP.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
    env: { ...env, STRIATE_DEVICE: 'webgpu' }, encoding: 'utf8', timeout: 600_000,
  });
  const out = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 0, out.split('\n').filter((l) => /not ok|error|expected|actual/.test(l)).slice(0, 30).join('\n'));
  const pass = Number(/^# pass (\d+)/m.exec(r.stdout)?.[1]);
  assert.ok(pass >= 100, `only ${pass} golden cases ran`);
  assert.match(r.stdout, /^# fail 0/m);
});
