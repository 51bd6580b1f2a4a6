// npm run fuzz [-- cases [seed]]: every reader with 10,000 (or `cases`) seeded fast-check cases;
// prints cases tried, accepted, refused with FormatError/LimitError, and failures (anything else,
// or a case slower than SLOW_MS), then exits 1 if any reader failed.
import { fuzzReader, READERS, SLOW_MS } from '../test/fuzz/readers.js';

const cases = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? 20261204);
if (!Number.isSafeInteger(cases) || cases < 1 || !Number.isSafeInteger(seed)) {
  console.error('usage: npm run fuzz -- [cases ≥ 1] [seed]');
  process.exit(2);
}
console.log(`fuzzing ${READERS.length} readers, ${cases} cases each, seed ${seed} (a case over ${SLOW_MS} ms fails)`);
console.log(`${'reader'.padEnd(64)} ${'tried'.padStart(7)} ${'accepted'.padStart(9)} ${'refused'.padStart(8)} ${'failures'.padStart(9)} ${'seconds'.padStart(8)}`);
let failed = 0;
for (const reader of READERS) {
  const r = fuzzReader(reader, cases, seed);
  failed += r.failures.length;
  console.log(`${r.reader.padEnd(64)} ${String(r.tried).padStart(7)} ${String(r.accepted).padStart(9)} ${String(r.refused).padStart(8)} ${String(r.failures.length).padStart(9)} ${r.seconds.toFixed(1).padStart(8)}`);
  for (const f of r.failures.slice(0, 3)) console.log(`  input ${f.input}\n  ${f.error.replace(/\n/g, '\n  ')}`);
}
console.log(failed === 0 ? 'no failures' : `${failed} failures`);
process.exit(failed === 0 ? 0 : 1);
