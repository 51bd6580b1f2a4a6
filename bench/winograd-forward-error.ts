// The rounding error of the wasm backend's 3×3 stride-1 forward on N(0, 1) weights and inputs
// (inputs after a ReLU with --relu), against the reference kernel: the worst element's
// |wasm − ref| ÷ the conformance tolerance (1e-5·max|ref| + 1e-4·|ref|, test/backends/harness.ts),
// and the path that ran. F(4×4, 3×3)'s error grows with the input channels (its GEMMs' K;
// conv-paths.ts), so the shapes are the batch-1 layers of ResNet-18 and AlexNet at full size; and
// their stems, stride-1 Winograd convs over their phase planes (polyphase-winograd).
// Usage: npx tsx bench/winograd-forward-error.ts [--relu] [--seeds 3] [--only s2]
import { setBackend, setNumThreads } from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import type { ConvParams } from '../src/kernels/kernels.js';
import { refKernels } from '../src/kernels/ref/index.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { Rng } from '../src/tensor/rng.js';
import { errorOverTolerance, pathsRun } from './lib/conv-error.js';

const relu = process.argv.includes('--relu');
const s = process.argv.indexOf('--seeds'), seeds = s >= 0 ? Number(process.argv[s + 1]) : 3;
setBackend('wasm');
setNumThreads(1);
const be = activeBackend() as WasmBackend;

// cin, cout, size, batch, and kernel, stride, padding (3, 1, 1: "same" when left out)
const shapes: [number, number, number, number, number?, number?, number?][] = [
  [256, 256, 14, 1], [192, 384, 13, 1], [256, 256, 13, 1], [384, 256, 13, 1], [512, 512, 14, 1], [512, 512, 7, 1],
  // F(4×2)'s (batch-1 7² to 12² maps, and 7² at batch 2 and 3)
  [64, 64, 7, 1], [128, 128, 7, 1], [256, 256, 7, 1], [256, 256, 9, 1], [512, 512, 9, 1], [256, 256, 12, 1], [512, 512, 7, 2],
  [512, 512, 7, 3],
  // 3×3 stride 2 (winograd4-s2, winograd-s2): ResNet-18's at batch 1, ResNet-20's (at batch 128 in training) at batch 2,
  // odd sizes
  [64, 128, 56, 1, 3, 2, 1], [128, 256, 28, 1, 3, 2, 1], [256, 512, 14, 1, 3, 2, 1], [16, 32, 32, 2, 3, 2, 1],
  [32, 64, 16, 2, 3, 2, 1], [512, 64, 33, 1, 3, 2, 1], [40, 24, 45, 3, 3, 2, 0],
  // the stems
  [3, 64, 224, 1, 7, 2, 3], [3, 64, 224, 1, 11, 4, 2],
];
const o = process.argv.indexOf('--only'), only = o >= 0 ? process.argv[o + 1]! : '';
for (const [cin, cout, size, batch, k = 3, stride = 1, pad = 1] of shapes) {
  if (!`${k}×${k} s${stride} ${cin}→${cout} ${size}²`.includes(only)) continue;
  const out = Math.floor((size + 2 * pad - k) / stride) + 1;
  const p: ConvParams = {
    batch, inChannels: cin, outChannels: cout, groups: 1, inSize: [size, size], outSize: [out, out],
    kernelSize: [k, k], stride: [stride, stride], padBegin: [pad, pad], dilation: [1, 1],
  };
  // The worst over a few seeds: one draw's worst element varies by ±20%.
  let worst = 0, path: string[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const rng = new Rng(seed);
    const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
    const x = normal(batch * cin * size * size).map((v) => (relu ? Math.max(0, v) : v)), w = normal(cout * cin * k * k);
    const want = new Float32Array(batch * cout * out * out);
    refKernels.convForward(x, w, null, want, p);
    const y = new Float32Array(want.length);
    path = pathsRun(be, () => be.arrayKernels.convForward(x, w, null, y, p));
    worst = Math.max(worst, errorOverTolerance(y, want));
  }
  console.log(`${k}×${k} s${stride} ${cin}→${cout} ${size}²`.padEnd(22) + ` batch ${batch}: max error ÷ tolerance ${worst.toFixed(3)} over ${seeds} seeds  (${path.join('+')})`);
}
