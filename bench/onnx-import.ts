// An imported ONNX ResNet-18 or AlexNet against the zoo's own model and onnxruntime-node on the
// same file (batch 1, 3×224×224, inference, median of bench/lib/measure.ts's repetitions):
//   /usr/bin/python3 bench/export_onnx.py --out .cache/bench/onnx
//   npx tsx bench/onnx-import.ts .cache/bench/onnx/w4-resnet18.onnx [threads]
//   npx tsx bench/onnx-import.ts .cache/bench/onnx/w5-alexnet.onnx [threads]
import * as ort from 'onnxruntime-node';
import { getBackend, loadOnnx, models, noGrad, randn, setNumThreads } from '../src/index.js';
import { measure } from './lib/measure.js';

const file = process.argv[2] ?? '.cache/bench/onnx/w4-resnet18.onnx';
const threads = Number(process.argv[3] ?? 1);
setNumThreads(threads);
const x = randn([1, 3, 224, 224], { seed: 1 });
const imported = (await loadOnnx(file)).eval();
const arch = file.includes('alexnet') ? 'alexnet' : 'resnet18';
const zoo = models[arch]().eval();
const session = await ort.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
const feed = { [session.inputNames[0]!]: new ort.Tensor('float32', x.toArray(), [1, 3, 224, 224]) };
const rows: [string, number][] = [
  [`striate ${getBackend()}, loadOnnx(${file.split('/').pop()})`, (await measure(() => noGrad(() => imported.forward(x)))).medianMs],
  [`striate ${getBackend()}, models.${arch}()`, (await measure(() => noGrad(() => zoo.forward(x)))).medianMs],
  ['onnxruntime-node (CPU), same file', (await measure(() => session.run(feed))).medianMs],
];
console.log(`${arch} inference, batch 1, 3×224×224, ${threads} thread(s)`);
for (const [name, ms] of rows) console.log(`| ${name} | ${ms.toFixed(1)} ms |`);
