// The main job (`npm run main`): LeNet-5 on the embedded Fashion-MNIST subset (5,400 train /
// 600 validation / 1,000 test); prints test accuracy and a confusion matrix, saves the best model
// to runs/lenet5-fashion.safetensors and the curves to runs/lenet5-fashion-curves.svg.
// Options (for quick runs and tests): --epochs N --train-images N --test-images N --out DIR --budget SECONDS
// The budget (default 150 s since the process started) keeps the job under 3 minutes on a slow or
// busy machine: it stops starting epochs that would not fit, and says so.
import { parseArgs } from 'node:util';
import { balancedSubset, loadFashionMnist } from '../src/index.js';
import { runRecipe } from './fashion-recipe.js';

const { values } = parseArgs({ options: {
  epochs: { type: 'string', default: '6' }, 'train-images': { type: 'string' }, 'test-images': { type: 'string' },
  out: { type: 'string', default: 'runs' }, budget: { type: 'string', default: '150' }, lr: { type: 'string', default: '0.002' },
  'batch-size': { type: 'string', default: '32' }, seed: { type: 'string', default: '0' }, quiet: { type: 'boolean', default: false },
} });
let train = await loadFashionMnist({ split: 'train' });
let test = await loadFashionMnist({ split: 'test' });
if (values['train-images']) train = balancedSubset(train, Math.floor(Number(values['train-images']) / train.numClasses));
if (values['test-images']) test = balancedSubset(test, Math.floor(Number(values['test-images']) / test.numClasses));
const r = await runRecipe({
  train, test, epochs: Number(values.epochs), lr: Number(values.lr), batchSize: Number(values['batch-size']),
  seed: Number(values.seed), outDir: values.out!, name: 'lenet5-fashion', timeBudget: Number(values.budget),
  progress: values.quiet ? 'none' : 'auto',
});
if (!values['train-images'] && r.testAccuracy < 0.8) {
  console.error(`test accuracy ${(100 * r.testAccuracy).toFixed(2)}% is below the 80% target`);
  process.exitCode = 1;
}
