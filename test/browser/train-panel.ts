// What both playground tests check of a training run in panel 4 (on the CPU and on WebGPU).
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

/**
 * Starts training with the panel's current settings, waits for the test report, and checks at
 * least 100 steps with a falling loss (the last 10 batch losses' mean below 0.8× the first 10's).
 */
export async function trainWithFallingLoss(page: Page, timeout: number): Promise<{ steps: number; first: number; last: number }> {
  await page.getByTestId('train-start').click();
  await page.getByTestId('test-accuracy').waitFor({ timeout });
  const losses = await page.evaluate(() => (window as unknown as { trainLosses: number[] }).trainLosses.slice());
  assert.ok(losses.length >= 100, `${losses.length} steps, expected at least 100`);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const [first, last] = [mean(losses.slice(0, 10)), mean(losses.slice(-10))];
  assert.ok(last < first * 0.8, `the loss should fall: first 10 steps ${first.toFixed(3)}, last 10 ${last.toFixed(3)}`);
  return { steps: losses.length, first, last };
}
