// exportOnnx checked in an engine striate did not write: every zoo model (or those named) is
// exported and run in onnxruntime-node at two batch sizes; its outputs must agree with striate's
// within rtol 1e-4 (atol 1e-5·max|striate|). onnxruntime-node lives in bench/node_modules
// (`npm run bench` installs it, or `cd bench && npm ci`), so this is not part of `npm test`:
//   npx tsx bench/onnx-export-check.ts [model ...]
import * as ort from 'onnxruntime-node';
import { exportOnnx, noGrad, randn } from '../src/index.js';
import { ZOO } from '../src/models/zoo.js';

// The ImageNet ResNets at 64 × 64 (their adaptive pool is then global); AlexNet and VGG at 224.
const SPATIAL: Record<string, number[]> = { resnet18: [64, 64], resnet34: [64, 64], resnet50: [64, 64] };
const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(ZOO);
let failures = 0;
for (const name of names) {
  const entry = ZOO[name];
  if (!entry) throw new Error(`unknown zoo model ${name}`);
  const model = entry.build({}).eval();
  const sample = [entry.inChannels, ...(SPATIAL[name] ?? entry.spatial)];
  const session = await ort.InferenceSession.create(exportOnnx(model, randn([1, ...sample], { seed: 1 })));
  let worst = 0;
  for (const batch of [1, 3]) {
    const x = randn([batch, ...sample], { seed: batch });
    const want = noGrad(() => model.forward(x)).toArray();
    const got = (await session.run({ input: new ort.Tensor('float32', x.toArray(), x.shape.slice()) })).output!.data as Float32Array;
    const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    if (got.length !== want.length) throw new Error(`${name}: onnxruntime gave ${got.length} outputs, striate ${want.length}`);
    // The error relative to the bound rtol·|want| + atol: ≤ 1 passes.
    want.forEach((w, i) => { worst = Math.max(worst, Math.abs(got[i]! - w) / (1e-4 * Math.abs(w) + 1e-5 * scale)); });
  }
  const ok = worst <= 1;
  if (!ok) failures++;
  console.log(`${ok ? 'agree ' : 'DIFFER'} ${name}: worst error ${worst.toFixed(3)} of the rtol 1e-4 bound (batches 1 and 3)`);
}
process.exit(failures > 0 ? 1 : 0);
