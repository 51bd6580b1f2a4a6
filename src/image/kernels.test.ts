import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { IMAGE_KERNELS, parseKernel, readKernelFile } from './kernels.js';

const sum = (k: number[][]): number => k.flat().reduce((a, b) => a + b, 0);

test("the lecture's kernels, exactly", () => {
  assert.deepEqual(IMAGE_KERNELS.ridge!.kernel, [[0, -1, 0], [-1, 4, -1], [0, -1, 0]]);
  assert.deepEqual(IMAGE_KERNELS.edge!.kernel, [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]);
  assert.deepEqual(IMAGE_KERNELS.sharpen!.kernel, [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]);
  assert.equal(IMAGE_KERNELS['gaussian-3']!.kernel[1]![1], 4 / 16);
  assert.equal(IMAGE_KERNELS['gaussian-5']!.kernel[2]![2], 36 / 256);
  assert.equal(IMAGE_KERNELS['gaussian-5']!.kernel[0]![1], 4 / 256);
  // Blurs and sharpen keep the mean brightness; edge detectors and Sobel sum to zero.
  for (const name of ['identity', 'sharpen', 'box-blur', 'gaussian-3', 'gaussian-5']) assert.ok(Math.abs(sum(IMAGE_KERNELS[name]!.kernel) - 1) < 1e-12, name);
  for (const name of ['ridge', 'edge', 'sobel-x', 'sobel-y']) assert.equal(sum(IMAGE_KERNELS[name]!.kernel), 0, name);
});

test('custom kernels from JSON and CSV, with clear errors', () => {
  assert.deepEqual(parseKernel('[[1, 0], [0, -1]]', 'x'), [[1, 0], [0, -1]]);
  assert.deepEqual(parseKernel('{"kernel": [[1, 1]], "scale": 0.5}', 'x'), [[0.5, 0.5]]);
  assert.deepEqual(parseKernel('# blur\n1,2,1\n2 4 2\n1;2;1\n', 'x'), [[1, 2, 1], [2, 4, 2], [1, 2, 1]]);
  assert.throws(() => parseKernel('[[1, 2], [3]]', 'k.json'), /kernel from k\.json: row 1 has 1 values, row 0 has 2/);
  assert.throws(() => parseKernel('1,2\n3,x', 'k.csv'), /entry \[1\]\[1\] is "x", expected a finite number/);
  assert.throws(() => parseKernel('[[1, 2]', 'k.json'), /kernel from k\.json: invalid JSON/);
  assert.throws(() => parseKernel('', 'k.csv'), /expected a non-empty 2D array/);
  const dir = mkdtempSync(join(tmpdir(), 'striate-kernel-'));
  writeFileSync(join(dir, 'k.csv'), '0,1\n1,0\n');
  assert.deepEqual(readKernelFile(join(dir, 'k.csv')), [[0, 1], [1, 0]]);
  assert.throws(() => readKernelFile(join(dir, 'nope.json')), /kernel file not found: .*nope\.json/);
});
