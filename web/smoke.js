// Page side of the smoke test: runs the case in a module worker when cross-origin isolated
// (shared memory and Atomics.wait are allowed there, so the wasm backend may use threads), else
// on the page itself. The outcome lands in window.smokeOutcome for the test (and on screen).
const status = document.getElementById('status');

function finish(outcome) {
  window.smokeOutcome = { ...outcome, hardwareConcurrency: navigator.hardwareConcurrency };
  status.textContent = outcome.ok
    ? `ok in ${outcome.where}: ` + outcome.result.runs.map((r) => `${r.backend} (${r.threads} thread(s))`).join(', ') +
      `; default backend ${outcome.result.defaultBackend}`
    : `failed in ${outcome.where}: ${outcome.error}`;
}

if (self.crossOriginIsolated) {
  const worker = new Worker(new URL('./smoke-worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (e) => finish({ ...e.data, where: 'worker', crossOriginIsolated: true });
  worker.onerror = (e) => finish({ ok: false, where: 'worker', crossOriginIsolated: true, error: `worker error: ${e.message || 'module failed to load'}` });
} else {
  try {
    const st = await import('./dist/striate.js');
    const { runSmokeCase } = await import('./dist/smoke-case.js');
    finish({ ok: true, where: 'page', crossOriginIsolated: false, result: runSmokeCase(st) });
  } catch (e) {
    finish({ ok: false, where: 'page', crossOriginIsolated: false, error: String(e && e.stack ? e.stack : e) });
  }
}
