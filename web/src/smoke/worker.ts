// The browser check's worker: runs the case (web/src/smoke/case.ts) and posts the outcome.
import { runSmokeCase } from './case.js';

try {
  postMessage({ ok: true, result: await runSmokeCase() });
} catch (e) {
  postMessage({ ok: false, error: String(e instanceof Error && e.stack ? e.stack : e) });
}
