// BENCHMARKS.md is written by two scripts, each into its own marked section: a new `npm run bench`
// keeps the profile and the hand-written sections, a new profile keeps the bench's tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROFILE_SECTION, RUN_SECTION, withSection } from '../../bench/lib/report.js';

test('each section is appended once, then replaced in place; everything outside it is kept', () => {
  let doc = withSection('', RUN_SECTION, '# Benchmarks\n\nold figures');
  doc = withSection(`${doc}\n## By hand\nkept\n`, PROFILE_SECTION, '## Where the time goes\nold');
  doc = withSection(`${doc}\ntrailing\n`, RUN_SECTION, '# Benchmarks\n\nnew figures');
  doc = withSection(doc, PROFILE_SECTION, '## Where the time goes\nnew');
  assert.equal(doc.match(/# Benchmarks/g)?.length, 1);
  assert.equal(doc.match(/Where the time goes/g)?.length, 1);
  assert.doesNotMatch(doc, /old/);
  assert.match(doc, /^<!-- bench[^\n]*-->\n# Benchmarks\n\nnew figures\n<!-- \/bench -->\n[\s\S]*## By hand\nkept\n[\s\S]*<!-- profile[^\n]*-->\n## Where the time goes\nnew\n<!-- \/profile -->\n\ntrailing\n$/);
});
