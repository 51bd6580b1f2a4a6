// The training examples learn for real: each trains on small generated (or embedded) data and
// must reach the accuracy stated here on held-out data. Sizes are chosen so each test takes
// seconds to tens of seconds on the reference backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trainHyperspectral } from '../../examples/hyperspectral.js';
import { trainSignals } from '../../examples/signals-1d.js';
import { trainVolumes } from '../../examples/volumes-3d.js';

test('1D CNN on noisy sine/square/sawtooth/chirp signals: ≥ 80% test accuracy (chance 25%)', async () => {
  const { accuracy } = await trainSignals({ trainCount: 600, testCount: 200, epochs: 8 });
  assert.ok(accuracy >= 0.8, `accuracy ${accuracy}`);
});

test('hyperspectral CNN on a generated 24×24×16 scene, 3×3 patches: ≥ 85% test accuracy (chance 25%)', async () => {
  const { accuracy } = await trainHyperspectral({ size: 24, bands: 16, epochs: 4 });
  assert.ok(accuracy >= 0.85, `accuracy ${accuracy}`);
});

test('3D CNN on noisy 12³ volumes of blobs, rods and plates: ≥ 80% test accuracy (chance 33%)', async () => {
  const { accuracy } = await trainVolumes({ trainCount: 300, testCount: 120, epochs: 6 });
  assert.ok(accuracy >= 0.8, `accuracy ${accuracy}`);
});
