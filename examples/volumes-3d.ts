// A 3D CNN learns to tell blobs, rods and plates apart in noisy volumes.
//   npx tsx examples/volumes-3d.ts            (900 training volumes of 16³, 8 epochs)
import { manualSeed, models } from '../src/index.js';
import { makeVolumes } from './lib/synthetic.js';
import { isMain, trainAndTest, type TrainResult } from './lib/run.js';

export interface VolumeOptions { trainCount: number; testCount: number; epochs: number; size?: number; seed?: number; quiet?: boolean }

export async function trainVolumes({ trainCount, testCount, epochs, size = 12, seed = 0, quiet = true }: VolumeOptions): Promise<TrainResult> {
  manualSeed(seed);
  const train = makeVolumes({ count: trainCount, size, seed: seed + 1 });
  const test = makeVolumes({ count: testCount, size, seed: seed + 2 });
  const model = models.volumeCnn({ numClasses: 3, inChannels: 1, width: 4 });
  return trainAndTest(model, train, test, { epochs, seed, quiet, batchSize: 16, lr: 1e-2 });
}

if (isMain(import.meta.url)) {
  const { accuracy } = await trainVolumes({ trainCount: 900, testCount: 300, epochs: 8, size: 16, quiet: false });
  console.log(`3D CNN on generated volumes: test accuracy ${(100 * accuracy).toFixed(1)}%`);
}
