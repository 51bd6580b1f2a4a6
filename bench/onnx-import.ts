// An imported ONNX ResNet-18 against the zoo's own ResNet-18 and onnxruntime-node on the same
// file (batch 1, 3×224×224, inference, median of bench/lib/measure.ts's repetitions):
//   /usr/bin/python3 bench/export_onnx.py --out .cache/bench/onnx
//   npx tsx bench/onnx-import.ts .cache/bench/onnx/w4-resnet18.onnx [threads]
import * as ort from 'onnxruntime-node';
import { getBackend, loadOnnx, models, noGrad, randn, setNumThreads } from '../src/index.js';
import { measure } from './lib/measure.js';

const file = process.argv[2] ?? '.cache/bench/onnx/w4-resnet18.onnx';
const threads = Number(process.argv[3] ?? 1);
setNumThreads(threads);
const x = randn([1, 3, 224, 224], { seed: 1 });
const imported = (await loadOnnx(file)).eval();
const zoo = models.resnet18().eval();
const session = await ort.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
const feed = { [session.inputNames[0]!]: new ort.Tensor('float32', x.toArray(), [1, 3, 224, 224]) };
const rows: [string, number][] = [
  [`striate ${getBackend()}, loadOnnx(${file.split('/').pop()})`, (await measure(() => noGrad(() => imported.forward(x)))).medianMs],
  [`striate ${getBackend()}, models.resnet18()`, (await measure(() => noGrad(() => zoo.forward(x)))).medianMs],
  ['onnxruntime-node (CPU), same file', (await measure(() => session.run(feed))).medianMs],
];
console.log(`ResNet-18 inference, batch 1, 3×224×224, ${threads} thread(s)`);
for (const [name, ms] of rows) console.log(`| ${name} | ${ms.toFixed(1)} ms |`);
