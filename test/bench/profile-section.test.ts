// BENCHMARKS.md's per-kernel profile survives a new `npm run bench` and is replaced by a new profile.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { profileOf, withProfile } from '../../bench/lib/report.js';

test('the profile section is appended once, replaced in place, and read back without its markers', () => {
  const doc = withProfile('# Benchmarks\n\nfigures\n', '## Where the time goes\nold');
  assert.equal(profileOf(doc), '## Where the time goes\nold');
  const again = withProfile(`${doc}\ntrailing\n`, '## Where the time goes\nnew');
  assert.equal(profileOf(again), '## Where the time goes\nnew');
  assert.equal(again.match(/Where the time goes/g)?.length, 1);
  assert.match(again, /^# Benchmarks\n\nfigures\n[\s\S]*new[\s\S]*trailing\n$/);
  assert.equal(profileOf('# Benchmarks\n'), '');
});
