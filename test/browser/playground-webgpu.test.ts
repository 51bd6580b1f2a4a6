// The playground on WebGPU: headless chromium with a WebGPU adapter (SwiftShader, Vulkan on the
// CPU, where there is no GPU) trains LeNet-5 in panel 4 and runs panel 5's inference and feature
// maps on the GPU, and the page says which device runs; the CPU/GPU choice moves the model back.
// (Without --enable-unsafe-webgpu the same chromium gives no adapter: playground.test.ts checks
// the fallback to wasm there.) Screenshots go to web/screenshots/ (git-ignored).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { playgroundConfig } from '../../web/vite.config.js';
import type { EngineInfo } from '../../web/src/worker/engine-info.js';
import { launchChromium, NO_CHROMIUM, serveStatic } from './chromium.js';
import { trainWithFallingLoss } from './train-panel.js';

const SCREENSHOTS = fileURLToPath(new URL('../../web/screenshots/', import.meta.url));
const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
const engineInfo = (page: Page) => page.evaluate(() => (window as unknown as { engineInfo: EngineInfo }).engineInfo);

test('playground on WebGPU: panel 4 trains on the GPU, panel 5 infers there; the page names the device', { timeout: 600_000, skip: NO_CHROMIUM }, async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'striate-playground-gpu-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  await build({ ...playgroundConfig(out), configFile: false });
  const server = await serveStatic(out);
  const browser = await launchChromium({ webgpu: true });
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.setViewportSize({ width: 1200, height: 900 });
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`[console.error] ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`[pageerror] ${e.message}`));
  try {
    await page.goto(`${server.url}#train`, { timeout: 30_000 });
    await page.waitForFunction(() => (window as { engineInfo?: unknown }).engineInfo !== undefined, null, { timeout: 60_000 });
    const info = await engineInfo(page);
    assert.equal(info.device, 'webgpu', `the worker should pick the GPU (no GPU: ${info.gpuMissing})`);
    assert.match(info.label, /^WebGPU \(.+\)$/);
    assert.match(await page.getByTestId('engine-device').innerText(), /training and inference on WebGPU \(/);
    assert.equal(await page.getByTestId('device-choice').inputValue(), 'webgpu');
    t.diagnostic(`device: ${info.label}; other panels: ${info.backend}, ${info.threads} threads`);

    // Panel 4: at least 100 steps of LeNet-5 on the GPU; the loss falls. Batches of 8: SwiftShader
    // runs the kernels on the CPU, where a step's time grows with the batch.
    await page.locator('#train-batch').fill('8');
    await page.locator('#train-images').fill('5000');
    await page.locator('#train-nmax').fill('120');
    await page.locator('#train-epochs').fill('1');
    const { steps, first, last } = await trainWithFallingLoss(page, 400_000);
    const report = await page.getByTestId('test-accuracy').innerText();
    assert.match(report, /on the GPU \(WebGPU\)/);
    assert.equal(await page.getByTestId('confusion').locator('td').count(), 100);
    t.diagnostic(`WebGPU training: ${steps} steps, batch loss ${first.toFixed(3)} → ${last.toFixed(3)}; ${report}`);
    await shot(page, '4-train-webgpu');

    // Panel 5: the trained model infers on the GPU; probabilities sum to 1, feature maps render.
    const predictions = async (runs: number) => {
      await page.waitForFunction((n) => document.querySelector('[data-testid="predictions"]')?.getAttribute('data-runs') === String(n), runs, { timeout: 60_000 });
      const p = await page.getByTestId('probabilities').evaluate((el) => Array.from(el.querySelectorAll('[data-p]')).map((s) => Number(s.getAttribute('data-p'))));
      assert.equal(p.length, 10);
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5, `probabilities sum to ${p.reduce((a, b) => a + b, 0)}`);
      return p;
    };
    await page.goto(`${server.url}#inside`, { timeout: 30_000 });
    await page.getByTestId('inside-file').setInputFiles(fileURLToPath(new URL('../../web/public/samples/sneaker.png', import.meta.url)));
    const onGpu = await predictions(1);
    assert.equal(await page.getByTestId('feature-maps').locator('canvas').count(), 6 + 16);
    await page.getByTestId('first-filters').locator('canvas').first().waitFor({ timeout: 30_000 });
    await shot(page, '5-inside-webgpu');

    // The choice moves the model to the CPU: the same image gets the same probabilities.
    await page.getByTestId('device-choice').selectOption('cpu');
    await page.waitForFunction(() => (window as unknown as { engineInfo: EngineInfo }).engineInfo.device === 'cpu', null, { timeout: 30_000 });
    const after = await engineInfo(page);
    assert.match(after.label, /^wasm, \d+ threads?$/);
    t.diagnostic(`GPU buffers held by the allocator after training and inference: ${((after.gpuBytesHeld ?? 0) / 2 ** 20).toFixed(1)} MiB (reported only)`);
    await page.getByTestId('inside-file').setInputFiles(fileURLToPath(new URL('../../web/public/samples/sneaker.png', import.meta.url)));
    const onCpu = await predictions(2);
    onCpu.forEach((p, i) => assert.ok(Math.abs(p - onGpu[i]!) < 1e-4, `class ${i}: CPU ${p}, GPU ${onGpu[i]}`));
    assert.deepEqual(errors, [], 'the page logged errors');
  } finally {
    await browser.close();
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
});
