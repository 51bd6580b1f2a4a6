// A 1D CNN learns to tell noisy sine, square, sawtooth and chirp signals apart.
//   npx tsx examples/signals-1d.ts            (2,000 training signals, 10 epochs)
import { manualSeed, models } from '../src/index.js';
import { makeSignals } from './lib/synthetic.js';
import { isMain, trainAndTest, type TrainResult } from './lib/run.js';

export interface SignalOptions { trainCount: number; testCount: number; epochs: number; length?: number; seed?: number; quiet?: boolean }

export async function trainSignals({ trainCount, testCount, epochs, length = 64, seed = 0, quiet = true }: SignalOptions): Promise<TrainResult> {
  manualSeed(seed);
  const train = makeSignals({ count: trainCount, length, seed: seed + 1 });
  const test = makeSignals({ count: testCount, length, seed: seed + 2 });
  const model = models.signalCnn({ numClasses: 4, inChannels: 1, width: 8 });
  return trainAndTest(model, train, test, { epochs, seed, quiet });
}

if (isMain(import.meta.url)) {
  const { accuracy } = await trainSignals({ trainCount: 2000, testCount: 500, epochs: 10, quiet: false });
  console.log(`1D CNN on generated signals: test accuracy ${(100 * accuracy).toFixed(1)}%`);
}
