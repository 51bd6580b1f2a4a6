// Fine-tunes a ResNet-18 exported from PyTorch to ONNX on a new task: the imported graph, cut
// before its classifier, is the backbone; a new nn.Linear is the head; fit trains both.
//   /usr/bin/python3 scripts/onnx/torchvision_export.py .cache/onnx-torchvision resnet18:64
//   npx tsx examples/onnx-finetune.ts .cache/onnx-torchvision/resnet18-eval.onnx
import { ArrayDataset, loadOnnx, manualSeed, nn, OnnxModel, type Tensor } from '../src/index.js';
import { isMain, trainAndTest, type TrainResult } from './lib/run.js';
import { Rng } from '../src/tensor/rng.js';

/** The imported backbone and a new head. Batch-norm statistics stay as imported (frozen), as fine-tuning usually does. */
class FineTuned extends nn.Module {
  constructor(readonly backbone: OnnxModel, readonly head: nn.Linear) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return this.head.forward(this.backbone.forward(x));
  }

  override train(on = true): this {
    super.train(on);
    this.backbone.eval();
    return this;
  }
}

/** Images with a bright patch in one of `classes` corners, on noise; 3 channels, size × size. */
export function cornerImages(count: number, size: number, classes: number, seed: number): ArrayDataset {
  const rng = new Rng(seed);
  const plane = size * size;
  const data = new Float32Array(count * 3 * plane);
  const labels = new Int32Array(count);
  const half = size / 2;
  for (let i = 0; i < count; i++) {
    const label = i % classes;
    labels[i] = label;
    const [r0, c0] = [label >> 1 ? half : 0, label & 1 ? half : 0];
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < plane; p++) {
        const [r, q] = [Math.floor(p / size), p % size];
        const inPatch = r >= r0 && r < r0 + half && q >= c0 && q < c0 + half;
        data[(i * 3 + c) * plane + p] = (inPatch ? 1 : 0) + 0.5 * rng.normal();
      }
    }
  }
  return new ArrayDataset(data, [3, size, size], labels, classes);
}

export interface FineTuneOptions { path: string; classes?: number; size?: number; trainCount: number; testCount: number; epochs: number; quiet?: boolean }

export async function fineTuneOnnx({ path, classes = 4, size = 32, trainCount, testCount, epochs, quiet = true }: FineTuneOptions): Promise<TrainResult> {
  manualSeed(0);
  // The features are what the last Gemm (the classifier) reads.
  const full = await loadOnnx(path);
  const classifier = [...full.nodes].reverse().find((n) => n.opType === 'Gemm');
  if (!classifier) throw new Error(`${path}: no Gemm node to replace`);
  const backbone = await loadOnnx(path, { outputs: [classifier.inputs[0]!] });
  const featureCount = full.stateDict()[classifier.inputs[1]!]!.shape[1]!;
  const model = new FineTuned(backbone, new nn.Linear(featureCount, classes));
  return trainAndTest(model, cornerImages(trainCount, size, classes, 1), cornerImages(testCount, size, classes, 2),
    { epochs, lr: 1e-3, batchSize: 16, quiet });
}

if (isMain(import.meta.url)) {
  const path = process.argv[2] ?? '.cache/onnx-torchvision/resnet18-eval.onnx';
  const { accuracy } = await fineTuneOnnx({ path, trainCount: 256, testCount: 64, epochs: 3, quiet: false });
  console.log(`ResNet-18 from ONNX, fine-tuned with a new head: test accuracy ${(100 * accuracy).toFixed(1)}%`);
}
