// Worker side of the smoke test: imports the browser bundle, runs the case, posts the result.
import * as st from './dist/striate.js';
import { runSmokeCase } from './dist/smoke-case.js';

try {
  postMessage({ ok: true, result: runSmokeCase(st) });
} catch (e) {
  postMessage({ ok: false, error: String(e && e.stack ? e.stack : e) });
}
