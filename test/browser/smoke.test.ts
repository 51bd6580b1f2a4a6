// Browser smoke test: bundles the package (web/build.ts), serves web/ on 127.0.0.1 with the
// headers that make a page cross-origin isolated, opens web/smoke.html in Debian's chromium via
// playwright-core, and checks the conv2d forward and backward the page computed (in a module
// worker, on every backend the bundle loaded) against the same computation in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import * as st from '../../src/index.js';
import { buildWeb } from '../../web/build.js';
import { runSmokeCase, type SmokeResult, type SmokeRun } from '../../web/smoke-case.js';
import { launchChromium, NO_CHROMIUM, serveStatic } from './chromium.js';

const WEB = fileURLToPath(new URL('../../web/', import.meta.url));

interface Outcome {
  ok: boolean;
  where: 'worker' | 'page';
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  result?: SmokeResult;
  error?: string;
}

/** Runs the page in chromium and returns what it reported, plus its console output. */
async function runPage(url: string, log: string[]): Promise<Outcome> {
  const browser = await launchChromium();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    await page.goto(url, { timeout: 30_000 });
    await page.waitForFunction(() => (window as { smokeOutcome?: unknown }).smokeOutcome !== undefined, null, { timeout: 90_000 });
    return (await page.evaluate(() => (window as unknown as { smokeOutcome: unknown }).smokeOutcome)) as Outcome;
  } finally {
    await browser.close();
  }
}

// API.md: wasm must agree with ref within rtol 1e-4, atol 1e-5·max|ref|.
function assertClose(got: number[], want: number[], what: string): void {
  assert.equal(got.length, want.length, `${what}: ${got.length} values, expected ${want.length}`);
  const atol = 1e-5 * want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= atol + 1e-4 * Math.abs(want[i]))) {
      assert.fail(`${what}[${i}]: browser ${got[i]}, Node ref ${want[i]} (|diff| ${err.toExponential(2)} > atol ${atol.toExponential(2)} + rtol 1e-4)`);
    }
  }
}

test('browser smoke: conv2d forward + backward in chromium (module worker, cross-origin isolated) matches Node', {
  timeout: 240_000,
  skip: NO_CHROMIUM,
}, async (t) => {
  const built = await buildWeb();
  const node = runSmokeCase(st);
  const nodeRef = node.runs.find((r) => r.backend === 'ref');
  assert.ok(nodeRef, 'Node: the ref backend is always available');

  const server = await serveStatic(WEB);
  const log: string[] = [];
  let outcome: Outcome;
  try {
    outcome = await runPage(`${server.url}smoke.html`, log);
  } finally {
    await server.close();
  }
  const context = `\npage console:\n${log.join('\n') || '(empty)'}`;
  assert.ok(outcome.ok, `the page failed in its ${outcome.where}: ${outcome.error}${context}`);
  assert.equal(outcome.crossOriginIsolated, true, `the page should be cross-origin isolated (COOP/COEP headers)${context}`);
  assert.equal(outcome.where, 'worker', 'an isolated page runs the engine in a module worker');
  const r = outcome.result!;
  t.diagnostic(`browser: default backend ${r.defaultBackend}; ran ${r.runs.map((x: SmokeRun) => `${x.backend} with ${x.threads} thread(s)`).join(', ')}`);
  t.diagnostic(`Node: default backend ${node.defaultBackend}; available ${node.availableBackends.join(', ')}; wasm next to the bundle: ${built.wasmFiles.join(', ') || 'none'}`);

  // The same default as in Node (unless STRIATE_BACKEND chose Node's, which a browser cannot see).
  if (process.env.STRIATE_BACKEND === undefined) {
    assert.equal(r.defaultBackend, node.defaultBackend, `the bundle's default backend should be Node's (${node.defaultBackend})`);
  }
  if (built.wasmFiles.length > 0 && node.availableBackends.includes('wasm')) {
    assert.ok(r.availableBackends.includes('wasm'), `the bundle should load its wasm kernels from next to it (available: ${r.availableBackends.join(', ')})${context}`);
  }
  const wasm = r.runs.find((x: SmokeRun) => x.backend === 'wasm');
  if (wasm && outcome.hardwareConcurrency > 1) {
    assert.ok(wasm.threads > 1, `in an isolated worker the wasm backend should use threads (${outcome.hardwareConcurrency} cores), got ${wasm.threads}`);
  }
  for (const run of r.runs) {
    assertClose(run.y, nodeRef.y, `${run.backend} forward`);
    assertClose(run.gx, nodeRef.gx, `${run.backend} grad input`);
    assertClose(run.gw, nodeRef.gw, `${run.backend} grad weight`);
    assertClose(run.gb, nodeRef.gb, `${run.backend} grad bias`);
  }
});
