// The browser check (web/smoke.html, a page of the Vite build): built with the playground's config,
// served on 127.0.0.1 with the headers that make a page cross-origin isolated and opened in Debian's
// chromium with WebGPU allowed (SwiftShader where there is no GPU). The page's module worker runs a
// conv2d forward and backward on every backend it has (wasm on threads; WebGPU) and the numbers
// must equal Node's ref backend within the kernel conformance tolerance (test/backends/harness.ts).
// The package bundle (web/dist/striate.js, `--mode library`) is imported on the same page too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { availableBackends, getBackend } from '../../src/index.js';
import { runSmokeCase, type SmokeRun } from '../../web/src/smoke/case.js';
import type { SmokeOutcome } from '../../web/src/smoke/page.js';
import { libraryConfig, playgroundConfig } from '../../web/vite.config.js';
import { assertClose } from '../backends/harness.js';
import { launchChromium, NO_CHROMIUM, serveStatic } from './chromium.js';

const SCREENSHOTS = fileURLToPath(new URL('../../web/screenshots/', import.meta.url));

test('browser check: conv2d forward + backward in chromium (worker, threads, WebGPU) equals Node', {
  timeout: 300_000,
  skip: NO_CHROMIUM,
}, async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'striate-smoke-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  await build({ ...playgroundConfig(out), configFile: false });
  await build({ ...libraryConfig(join(out, 'lib')), configFile: false });
  const node = await runSmokeCase();
  const nodeRef = node.runs.find((r) => r.backend === 'ref');
  assert.ok(nodeRef, 'Node: the ref backend is always available');

  const server = await serveStatic(out);
  const browser = await launchChromium({ webgpu: true });
  const log: string[] = [];
  let outcome: SmokeOutcome;
  let bundle: { backend: string; backends: string[]; y: number[] };
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    await page.goto(`${server.url}smoke.html`, { timeout: 30_000 });
    await page.waitForFunction(() => (window as { smokeOutcome?: unknown }).smokeOutcome !== undefined, null, { timeout: 180_000 });
    outcome = await page.evaluate(() => (window as unknown as { smokeOutcome: SmokeOutcome }).smokeOutcome);
    // The package bundle on the page's main thread (one thread there): the forward pass.
    // (A string: tsx would wrap the helpers of a function in __name calls the page does not have.)
    bundle = await page.evaluate(`(async () => {
      const st = await import(location.origin + '/lib/striate.js');
      const values = (n, phase) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.731 + phase) * Math.cos(i * 0.117));
      const x = st.tensor(values(2 * 8 * 20 * 20, 0.1), [2, 8, 20, 20]);
      const w = st.tensor(values(16 * 8 * 3 * 3, 0.7).map((v) => v * 0.3), [16, 8, 3, 3]);
      const b = st.tensor(values(16, 1.3), [16]);
      return { backend: st.getBackend(), backends: st.availableBackends(), y: Array.from(st.F.conv2d(x, w, b, { padding: 1 }).toArray()) };
    })()`);
    await page.screenshot({ path: join(SCREENSHOTS, 'smoke.png'), fullPage: true });
  } finally {
    await browser.close();
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
  const context = `\npage console:\n${log.join('\n') || '(empty)'}`;
  assert.ok(outcome.ok, `the page failed in its ${outcome.where}: ${outcome.error}${context}`);
  assert.equal(outcome.crossOriginIsolated, true, `the page should be cross-origin isolated (COOP/COEP headers)${context}`);
  assert.equal(outcome.where, 'worker', 'an isolated page runs the engine in a module worker');
  const r = outcome.result!;
  t.diagnostic(`browser: default backend ${r.defaultBackend}; ran ${r.runs.map((x: SmokeRun) => `${x.backend} (${x.where})`).join(', ')}`);
  t.diagnostic(`Node: default backend ${node.defaultBackend}; compared with Node's ref`);

  // The same default as in Node (unless STRIATE_BACKEND chose Node's, which a browser cannot see).
  if (process.env.STRIATE_BACKEND === undefined) {
    assert.equal(r.defaultBackend, getBackend(), `the page's default backend should be Node's (${getBackend()})`);
  }
  if (availableBackends().includes('wasm')) {
    assert.ok(r.availableBackends.includes('wasm'), `the page should load the wasm kernels (available: ${r.availableBackends.join(', ')})${context}`);
  }
  const wasm = r.runs.find((x) => x.backend === 'wasm');
  if (wasm && outcome.hardwareConcurrency > 1) {
    assert.ok(wasm.threads > 1, `in an isolated worker the wasm backend should use threads (${outcome.hardwareConcurrency} cores), got ${wasm.threads}`);
  }
  // Debian's chromium gives a SwiftShader adapter with --enable-unsafe-webgpu (issue 11's check).
  assert.ok(r.runs.some((x) => x.backend === 'webgpu'), `no WebGPU run in chromium: ${r.webgpuMissing}${context}`);
  // The bundle chooses as the page's engine does (and so as Node's, checked above when not forced).
  assert.equal(bundle.backend, r.defaultBackend, `web/dist/striate.js: the default backend should be the page's (${r.defaultBackend}; available: ${bundle.backends.join(', ')})`);
  assertClose(Float32Array.from(bundle.y), Float32Array.from(nodeRef.y), 'web/dist/striate.js forward');
  for (const run of r.runs) {
    assertClose(Float32Array.from(run.y), Float32Array.from(nodeRef.y), `${run.backend} forward`);
    assertClose(Float32Array.from(run.gx), Float32Array.from(nodeRef.gx), `${run.backend} grad input`);
    assertClose(Float32Array.from(run.gw), Float32Array.from(nodeRef.gw), `${run.backend} grad weight`);
    assertClose(Float32Array.from(run.gb), Float32Array.from(nodeRef.gb), `${run.backend} grad bias`);
  }
});
