import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../../src/index.js';
import { assertClose } from './close.js';

test('assertClose: passes within rtol/atol, reports the worst element otherwise', async () => {
  const ref = { shape: [2, 2], data: [1000, -2, 0, 3] };
  await assertClose(tensor([1000.05, -2.0001, 0.009, 3], [2, 2]), ref, 'ok'); // atol = 1e-2
  await assert.rejects(assertClose(tensor([1000, -2, 0.02, 3.5], [2, 2]), ref, 'y'),
    /y: 2 of 4 elements out of tolerance .* worst at \[1, 1\] \(flat 3\): got 3\.5, expected 3/);
  await assert.rejects(assertClose(tensor([1000, NaN, 0, 3], [2, 2]), ref, 'nan'), /worst at \[0, 1\].*got NaN/);
  await assert.rejects(assertClose(tensor([1000, -2, 0, 3], [4]), ref, 'shape'), /shape: shape \[4\], expected \[2, 2\]/);
  await assert.rejects(assertClose(null, ref, 'grad'), /grad: got null/);
});
