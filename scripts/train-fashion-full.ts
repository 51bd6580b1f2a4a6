// LeNet-5 on the full Fashion-MNIST (54,000 train / 6,000 validation / 10,000 test).
// Usage: npx tsx scripts/train-fashion-full.ts [--data-dir DIR] [--epochs 40] [--lr 0.002] [--batch-size 64] [--augment 2] [--threads N]
// (STRIATE_BACKEND=wasm|ref chooses the backend)
import { parseArgs } from 'node:util';
import { loadFashionMnist, setNumThreads } from '../src/index.js';
import { runRecipe } from './fashion-recipe.js';

const { values } = parseArgs({ options: {
  'data-dir': { type: 'string' }, epochs: { type: 'string', default: '40' }, augment: { type: 'string', default: '2' }, lr: { type: 'string', default: '0.002' },
  'batch-size': { type: 'string', default: '64' }, seed: { type: 'string', default: '0' }, out: { type: 'string', default: 'runs' },
  threads: { type: 'string' },
} });
if (values.threads) setNumThreads(Number(values.threads));
const src = values['data-dir'] ? { dataDir: values['data-dir'] } : { source: 'full' as const };
const r = await runRecipe({
  train: await loadFashionMnist({ split: 'train', ...src }),
  test: await loadFashionMnist({ split: 'test', ...src }),
  epochs: Number(values.epochs), lr: Number(values.lr), batchSize: Number(values['batch-size']), seed: Number(values.seed),
  outDir: values.out!, name: 'fashion-full', progress: 'lines', augment: Number(values.augment),
});
if (r.testAccuracy < 0.91) {
  console.error(`test accuracy ${(100 * r.testAccuracy).toFixed(2)}% is below the 91% target`);
  process.exitCode = 1;
}
