// A process that uses the wasm backend exits cleanly even when a collection finds dead storages
// as it exits: the registry's cleanup, posted as a task, would otherwise run while Node tears the
// environment down, where it aborts the process (src/kernels/reclaimer.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const index = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

// The child's own 'exit' listener comes first (registered before striate loads): it drops fresh
// storages and collects, as a test file's last moments may.
const child = `
import v8 from 'node:v8';
import vm from 'node:vm';
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
let striate;
process.on('exit', () => {
  for (let i = 0; i < 200; i++) striate.zeros([1000]);
  gc();
});
striate = await import(${JSON.stringify(index)});
if (striate.getBackend() !== 'wasm') throw new Error('backend ' + striate.getBackend());
striate.zeros([10]);
`;

test('a process exits cleanly when its storages die as it exits', () => {
  for (let run = 0; run < 3; run++) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], { encoding: 'utf8', env: { ...process.env, STRIATE_BACKEND: 'wasm' } });
    assert.equal(r.signal, null, `run ${run}: killed by ${r.signal}\n${r.stderr.slice(0, 2000)}`);
    assert.equal(r.status, 0, `run ${run}: exit ${r.status}\n${r.stderr.slice(0, 2000)}`);
  }
});
