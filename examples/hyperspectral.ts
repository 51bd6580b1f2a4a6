// A hyperspectral classifier (3D convolutions over the spectral bands, then 2D) learns the
// materials of a generated scene from 3×3 patches around each pixel.
//   npx tsx examples/hyperspectral.ts         (a 48×48 scene, 24 bands, half the pixels for training)
import { manualSeed, models, randomSplit } from '../src/index.js';
import { cubePatches, makeHyperspectralCube } from './lib/synthetic.js';
import { isMain, trainAndTest, type TrainResult } from './lib/run.js';

export interface HyperspectralRunOptions { size: number; bands: number; epochs: number; trainFraction?: number; seed?: number; quiet?: boolean }

export async function trainHyperspectral({ size, bands, epochs, trainFraction = 0.5, seed = 0, quiet = true }: HyperspectralRunOptions): Promise<TrainResult> {
  manualSeed(seed);
  const patches = cubePatches(makeHyperspectralCube({ size, bands, classes: 4, seed: seed + 1 }), 3);
  // randomSplit's second part is the given fraction: the training pixels here.
  const [test, train] = randomSplit(patches, trainFraction, { seed });
  const model = models.hyperspectralCnn({ numClasses: 4, inChannels: bands, width: 4 });
  return trainAndTest(model, train, test, { epochs, seed, quiet });
}

if (isMain(import.meta.url)) {
  const { accuracy } = await trainHyperspectral({ size: 48, bands: 24, epochs: 8, quiet: false });
  console.log(`hyperspectral CNN on a generated scene: test accuracy ${(100 * accuracy).toFixed(1)}%`);
}
