// The browser check's page: runs the case in a module worker when cross-origin isolated (shared
// memory is allowed there, so the wasm backend may use threads), else on this page. The outcome
// lands in window.smokeOutcome for the test, and on screen.
import type { SmokeResult } from './case.js';

export interface SmokeOutcome {
  ok: boolean;
  where: 'worker' | 'page';
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  result?: SmokeResult;
  error?: string;
}

const status = document.getElementById('status')!;

function finish(outcome: Omit<SmokeOutcome, 'hardwareConcurrency'>): void {
  (window as unknown as { smokeOutcome: SmokeOutcome }).smokeOutcome = { ...outcome, hardwareConcurrency: navigator.hardwareConcurrency };
  const r = outcome.result;
  status.textContent = outcome.ok && r
    ? `ok in the ${outcome.where}: ${r.runs.map((x) => `${x.backend} (${x.where})`).join(', ')}; default backend ${r.defaultBackend}` +
      (r.webgpuMissing ? `; no WebGPU run: ${r.webgpuMissing}` : '')
    : `failed in the ${outcome.where}: ${outcome.error}`;
}

if (self.crossOriginIsolated) {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<{ ok: boolean; result?: SmokeResult; error?: string }>) => finish({ ...e.data, where: 'worker', crossOriginIsolated: true });
  worker.onerror = (e) => finish({ ok: false, where: 'worker', crossOriginIsolated: true, error: `worker error: ${e.message || 'module failed to load'}` });
} else {
  import('./case.js').then(async ({ runSmokeCase }) => finish({ ok: true, where: 'page', crossOriginIsolated: false, result: await runSmokeCase() }))
    .catch((e: unknown) => finish({ ok: false, where: 'page', crossOriginIsolated: false, error: String(e instanceof Error && e.stack ? e.stack : e) }));
}
