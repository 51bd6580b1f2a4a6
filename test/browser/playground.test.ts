// End-to-end tests of the playground (web/): builds it with Vite into a temporary folder, serves
// it with the cross-origin isolation headers, and drives each panel in Debian's chromium. Each
// panel saves a screenshot to web/screenshots/ (git-ignored) for a person to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { encodePng } from '../../src/image/codec.js';
import { loadSafetensorsInto, models, modelToSafetensors, nn } from '../../src/index.js';
import { playgroundConfig } from '../../web/vite.config.js';
import type { EngineInfo } from '../../web/src/worker/engine-info.js';
import { launchChromium, NO_CHROMIUM, serveStatic } from './chromium.js';
import { trainWithFallingLoss } from './train-panel.js';

const SCREENSHOTS = fileURLToPath(new URL('../../web/screenshots/', import.meta.url));

/** Console errors and uncaught exceptions of a page, collected as they happen. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`[console.error] ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`[pageerror] ${e.message}`));
  return errors;
}

async function openPanel(page: Page, url: string, id: string): Promise<void> {
  await page.goto(`${url}#${id}`, { timeout: 30_000 });
  await page.locator(`#panel-${id}`).waitFor({ state: 'visible', timeout: 30_000 });
}

const text = (page: Page, testid: string) => page.getByTestId(testid).innerText({ timeout: 60_000 });
const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

/** A matrix table's numbers, row by row. */
async function tableNumbers(page: Page, testid: string): Promise<number[][]> {
  return page.getByTestId(testid).evaluate((t) => Array.from(t.querySelectorAll('tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => Number(td.textContent))));
}

/** A canvas's RGBA pixels. */
async function canvasPixels(page: Page, testid: string): Promise<number[]> {
  return page.getByTestId(testid).evaluate((c) => {
    const cv = c as HTMLCanvasElement;
    return Array.from(cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data);
  });
}

/** Waits until the result canvas holds something other than `before`. */
async function nextOutput(page: Page, before: number[] | null): Promise<number[]> {
  for (let i = 0; i < 300; i++) {
    if (await page.getByTestId('filter-output').count()) {
      const now = await canvasPixels(page, 'filter-output');
      if (!before || now.length !== before.length || now.some((v, j) => v !== before[j])) return now;
    }
    await page.waitForTimeout(100);
  }
  throw new Error('the kernels panel did not produce a new result within 30 s');
}

test('playground: every panel in chromium, cross-origin isolated', { timeout: 600_000, skip: NO_CHROMIUM }, async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'striate-playground-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  await build({ ...playgroundConfig(out), configFile: false });
  const server = await serveStatic(out);
  const browser = await launchChromium();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.setViewportSize({ width: 1200, height: 900 });
  const errors = watchErrors(page);
  const noErrors = (what: string) => assert.deepEqual(errors.splice(0), [], `${what}: the page logged errors`);
  try {
    await t.test('the engine runs in a worker with 2 threads under COOP/COEP', async () => {
      await openPanel(page, server.url, 'dense');
      await page.waitForFunction(() => (window as { engineInfo?: unknown }).engineInfo !== undefined, null, { timeout: 60_000 });
      const info = await page.evaluate(() => (window as unknown as { engineInfo: EngineInfo }).engineInfo);
      assert.equal(info.crossOriginIsolated, true);
      assert.equal(info.backend, 'wasm');
      // This chromium runs without --enable-unsafe-webgpu: no adapter, so training falls back to wasm.
      assert.deepEqual([info.device, info.gpu, info.gpuMissing], ['cpu', null, 'WebGPU gave no adapter']);
      assert.match(info.label, /^wasm, \d+ threads?$/);
      assert.match(await text(page, 'engine-device'), /training and inference on the CPU \(WebGPU gave no adapter\)/);
      assert.equal(await page.getByTestId('device-choice').isDisabled(), true);
      assert.equal(info.threads, Math.min(2, info.hardwareConcurrency) >= 2 ? info.threads : 1);
      assert.ok(info.hardwareConcurrency < 2 || info.threads >= 2, `threads: ${info.threads} on ${info.hardwareConcurrency} cores`);
      const ready = await page.evaluate(() => Math.round(performance.now()));
      const load = await page.evaluate(() => Math.round((performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd));
      t.diagnostic(`worker: ${info.backend}, ${info.threads} threads, ${info.hardwareConcurrency} cores; page loaded in ${load} ms, engine ready by ${ready} ms (timings only reported, never asserted)`);
    });

    await t.test('panel 1: dense against convolution weights', async () => {
      await openPanel(page, server.url, 'dense');
      await page.getByTestId('conv-count').getByText('weights').first().waitFor({ timeout: 60_000 });
      assert.match(await text(page, 'dense-count'), /150,528,000 weights/);
      assert.match(await text(page, 'conv-count'), /1,728 weights/);
      assert.match(await text(page, 'conv-count'), /output \[1, 64, 224, 224\], 86,704,128 multiply-adds/);
      await shot(page, '1-dense');
      // Keyboard: the arrow keys move between the tabs.
      await page.locator('#tab-dense').focus();
      await page.keyboard.press('ArrowRight');
      await page.locator('#panel-kernels').waitFor({ state: 'visible', timeout: 10_000 });
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-kernels');
      noErrors('panel 1');
    });

    await t.test('panel 2: kernels on the sample; bad files and kernels get messages', async () => {
      await openPanel(page, server.url, 'kernels');
      const edge = await nextOutput(page, null);
      const input = await canvasPixels(page, 'filter-input');
      await page.getByTestId('kernel-name').selectOption('identity');
      const identity = await nextOutput(page, edge);
      assert.deepEqual(identity, input, 'identity leaves the image unchanged');
      assert.ok(edge.some((v, i) => v !== identity[i]), 'edge differs from identity');
      await page.getByTestId('kernel-name').selectOption('edge');
      await nextOutput(page, identity);
      await shot(page, '2-kernels');

      await page.getByTestId('kernel-text').fill('0 -1 0\n-1 x 0\n0 -1 0');
      await page.getByTestId('kernels-message').filter({ hasText: /entry \[1\]\[1\] is "x", expected a finite number/ }).waitFor({ timeout: 30_000 });
      await page.getByTestId('kernels-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
      await page.getByTestId('kernels-message').getByText('notes.txt is not an image').waitFor({ timeout: 10_000 });
      const big = encodePng({ width: 1200, height: 800, channels: 1, pixels: new Uint8Array(1200 * 800).map((_, i) => (i % 1200) % 256) });
      await page.getByTestId('kernels-file').setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: Buffer.from(big) });
      await page.getByTestId('kernels-note').getByText('big.png: downscaled from 1200×800 to 512×341 pixels').waitFor({ timeout: 20_000 });
      // Paste and drag and drop deliver files too.
      await page.evaluate(async () => {
        const blob = await (await fetch('./samples/test-card.png')).blob();
        const dt = new DataTransfer();
        dt.items.add(new File([blob], 'pasted.png', { type: 'image/png' }));
        document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt }));
      });
      await page.getByTestId('kernels-note').getByText('pasted.png: 192×192 pixels').waitFor({ timeout: 20_000 });
      await page.evaluate(async () => {
        const blob = await (await fetch('./samples/sneaker.png')).blob();
        const dt = new DataTransfer();
        dt.items.add(new File([blob], 'dropped.png', { type: 'image/png' }));
        document.querySelector('#panel-kernels .drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      });
      await page.getByTestId('kernels-note').getByText('dropped.png: 140×140 pixels').waitFor({ timeout: 20_000 });
      noErrors('panel 2');
    });

    await t.test('panel 3: the lecture\'s Z and the multi-channel r', async () => {
      await openPanel(page, server.url, 'steps');
      await page.getByTestId('conv-output').waitFor({ timeout: 60_000 });
      assert.deepEqual(await tableNumbers(page, 'conv-output'), [[12, 12, 17], [10, 17, 19], [9, 6, 14]]);
      assert.match(await text(page, 'steps-formula'), /= 3$/);
      assert.match(await text(page, 'multi-formula'), /r = \(q − k \+ 2p\)\/s \+ 1 = \(5 − 3 \+ 2·1\)\/2 \+ 1 = 3/);
      assert.equal((await tableNumbers(page, 'multi-A')).length, 9);
      assert.equal((await tableNumbers(page, 'multi-A'))[0]!.length, 27);
      await shot(page, '3-steps');
      // A stride that does not fit: the message names the formula, the page keeps working.
      await page.locator('#steps-k').fill('5');
      await page.locator('#steps-s').fill('3');
      await page.locator('#steps-q').fill('2');
      await page.getByTestId('steps-message').filter({ hasText: /r = / }).waitFor({ timeout: 30_000 });
      noErrors('panel 3');
    });

    await t.test('panel 4: 120 steps of LeNet-5, the loss falls; pause, stop, download and load', async () => {
      await openPanel(page, server.url, 'train');
      // The small ResNet trains too (a few steps on a few images).
      await page.locator('#train-architecture').selectOption('resnet8');
      await page.locator('#train-epochs').fill('1');
      await page.locator('#train-nmax').fill('8');
      await page.locator('#train-images').fill('256');
      await page.getByTestId('train-start').click();
      await page.getByTestId('test-accuracy').waitFor({ timeout: 120_000 });
      assert.equal(await page.evaluate(() => (window as unknown as { trainLosses: number[] }).trainLosses.length), 8);
      await page.locator('#train-architecture').selectOption('lenet5');
      await page.locator('#train-images').fill('5000');
      await page.locator('#train-nmax').fill('120');
      const { steps, first, last } = await trainWithFallingLoss(page, 180_000);
      assert.equal(await page.getByTestId('confusion').locator('td').count(), 100);
      assert.ok(await page.getByTestId('misclassified').locator('canvas').count() > 0);
      t.diagnostic(`training: ${steps} steps, batch loss ${first.toFixed(3)} → ${last.toFixed(3)}; ${await text(page, 'test-accuracy')}`);
      await shot(page, '4-train');

      // Download the model, check it in Node, load it back.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('model-download').click()]);
      const saved = join(out, 'model.safetensors');
      await download.saveAs(saved);
      assert.equal(download.suggestedFilename(), 'striate-lenet5.safetensors');
      loadSafetensorsInto(models.lenet5(), readFileSync(saved), saved);
      await page.getByTestId('model-file').setInputFiles(saved);
      await page.getByTestId('train-message').getByText('loaded model.safetensors (lenet5)').waitFor({ timeout: 30_000 });
      // Files of other architectures: named in the message.
      const fcn = models.fcn({ numClasses: 10, inChannels: 1 });
      await page.getByTestId('model-file').setInputFiles({ name: 'fcn.safetensors', mimeType: 'application/octet-stream',
        buffer: Buffer.from(modelToSafetensors(fcn, { architecture: { name: 'fcn' } })) });
      await page.getByTestId('train-message').getByText('fcn.safetensors holds a "fcn" model').waitFor({ timeout: 10_000 });
      // A file without an architecture (zoo models record theirs; a hand-built module does not).
      const bare = new nn.Sequential(new nn.Linear(4, 2));
      await page.getByTestId('model-file').setInputFiles({ name: 'bare.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(modelToSafetensors(bare)) });
      await page.getByTestId('train-message').getByText('load bare.safetensors: the file does not fit this model').waitFor({ timeout: 10_000 });

      // Pause holds the steps; stop ends the run with its reason.
      await page.locator('#train-epochs').fill('3');
      await page.locator('#train-nmax').fill('0');
      await page.getByTestId('train-start').click();
      await page.waitForFunction(() => (window as unknown as { trainLosses: number[] }).trainLosses.length >= 5, null, { timeout: 60_000 });
      await page.getByTestId('train-pause').click();
      await page.waitForTimeout(1500); // the step in flight when pause was pressed still reports
      const held = await page.evaluate(() => (window as unknown as { trainLosses: number[] }).trainLosses.length);
      await page.waitForTimeout(800);
      assert.equal(await page.evaluate(() => (window as unknown as { trainLosses: number[] }).trainLosses.length), held, 'no steps while paused');
      await page.getByTestId('train-pause').click();
      await page.getByTestId('train-stop').click();
      await page.getByTestId('train-status').getByText('stopped on the page').waitFor({ timeout: 60_000 });
      noErrors('panel 4');
    });

    await t.test('panel 5: a drawn and an uploaded image get probabilities that sum to 1; feature maps render', async () => {
      await openPanel(page, server.url, 'inside');
      const box = (await page.getByTestId('drawpad').boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.2);
      await page.mouse.down();
      for (const [fx, fy] of [[0.3, 0.8], [0.7, 0.8], [0.7, 0.2], [0.3, 0.2]]) await page.mouse.move(box.x + box.width * fx!, box.y + box.height * fy!, { steps: 8 });
      await page.mouse.up();
      const probabilities = async () => {
        await page.getByTestId('probabilities').waitFor({ timeout: 30_000 });
        return page.getByTestId('probabilities').evaluate((el) => Array.from(el.querySelectorAll('[data-p]')).map((s) => Number(s.getAttribute('data-p'))));
      };
      const drawn = await probabilities();
      assert.equal(drawn.length, 10);
      assert.ok(Math.abs(drawn.reduce((a, b) => a + b, 0) - 1) < 1e-5, `probabilities sum to ${drawn.reduce((a, b) => a + b, 0)}`);
      // LeNet-5 has two convolutions: 6 maps of 28×28 and 16 of 10×10, not all blank.
      await page.getByTestId('first-filters').locator('canvas').first().waitFor({ timeout: 30_000 });
      assert.equal(await page.getByTestId('feature-maps').locator('canvas').count(), 6 + 16);
      const lit = await page.getByTestId('feature-maps').evaluate((el) => Array.from(el.querySelectorAll('canvas')).filter((c) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        return d.some((v, i) => i % 4 !== 3 && v > 0);
      }).length);
      assert.ok(lit > 0, 'some feature maps show something');
      assert.equal(await page.getByTestId('first-filters').locator('canvas').count(), 6);
      await shot(page, '5-inside');
      await page.getByTestId('inside-file').setInputFiles(fileURLToPath(new URL('../../web/public/samples/sneaker.png', import.meta.url)));
      await page.waitForFunction(() => document.querySelector('[data-testid="predictions"]')?.getAttribute('data-runs') === '2', null, { timeout: 30_000 });
      const uploaded = await probabilities();
      assert.ok(Math.abs(uploaded.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      await page.getByTestId('inside-file').setInputFiles({ name: 'data.bin', mimeType: 'application/octet-stream', buffer: Buffer.from([1, 2, 3]) });
      await page.getByTestId('inside-message').getByText('data.bin is not an image').waitFor({ timeout: 10_000 });
      noErrors('panel 5');
    });

    await t.test('panel 6: zoo summaries and the self-study answers', async () => {
      await openPanel(page, server.url, 'zoo');
      await page.getByTestId('zoo-totals').getByText('61,706 parameters').waitFor({ timeout: 60_000 });
      assert.equal(await text(page, 'answer-params'), '19');
      assert.match(await text(page, 'self-study'), /k = 3: p = 1/);
      assert.match(await text(page, 'self-study'), /no Linear layer/);
      await page.getByTestId('zoo-alexnet').click();
      await page.getByTestId('zoo-totals').getByText('61,100,840 parameters').waitFor({ timeout: 120_000 });
      assert.match(await text(page, 'zoo-summary'), /features\.0\s+Conv2d\s+\[1, 64, 55, 55\]\s+23,296/);
      await shot(page, '6-zoo');
      noErrors('panel 6');
    });

    await t.test('without COOP/COEP the worker runs on one thread', async () => {
      const plain = await serveStatic(out, { isolate: false });
      try {
        await page.goto(`${plain.url}#steps`, { timeout: 30_000 });
        await page.waitForFunction(() => (window as { engineInfo?: unknown }).engineInfo !== undefined, null, { timeout: 60_000 });
        const info = await page.evaluate(() => (window as unknown as { engineInfo: { threads: number; crossOriginIsolated: boolean } }).engineInfo);
        assert.deepEqual([info.crossOriginIsolated, info.threads], [false, 1]);
        assert.deepEqual(await tableNumbers(page, 'conv-output'), [[12, 12, 17], [10, 17, 19], [9, 6, 14]]);
        noErrors('not isolated');
      } finally {
        await plain.close();
      }
    });
  } finally {
    await browser.close();
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
});
