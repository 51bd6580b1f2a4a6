// The benchmark's rounds: each peer's figure is the best 'ok' median over the rounds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestOfRounds, type PeerRun } from '../../bench/lib/runner.js';

const run = (peer: string, threads: number, results: PeerRun['results']): PeerRun => ({ peer, threads, meta: null, results });

test('bestOfRounds keeps the fastest ok median per peer, thread count and workload', () => {
  const merged = bestOfRounds([
    run('striate', 1, [{ workload: 'W4', status: 'ok', ms: 70 }, { workload: 'W5', status: 'timeout' }]),
    run('tfjs-wasm', 1, [{ workload: 'W4', status: 'ok', ms: 80 }]),
    run('striate', 2, [{ workload: 'W4', status: 'ok', ms: 50 }]),
    run('striate', 1, [{ workload: 'W4', status: 'ok', ms: 65 }, { workload: 'W5', status: 'ok', ms: 30 }]),
    run('tfjs-wasm', 1, [{ workload: 'W4', status: 'ok', ms: 90 }, { workload: 'W6', status: 'unsupported' }]),
  ]);
  const get = (peer: string, threads: number) => merged.find((r) => r.peer === peer && r.threads === threads)!;
  assert.equal(merged.length, 3);
  assert.deepEqual(get('striate', 1).results.map((r) => [r.workload, r.status, r.ms]), [['W4', 'ok', 65], ['W5', 'ok', 30]]);
  assert.deepEqual(get('tfjs-wasm', 1).results.map((r) => [r.workload, r.ms]), [['W4', 80], ['W6', undefined]]);
  assert.equal(get('striate', 2).results[0]!.ms, 50);
});
