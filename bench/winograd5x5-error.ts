// The rounding error of the wasm backend's 5×5 stride-1 forward on N(0, 1) data (inputs after a
// ReLU with --relu), against the reference kernel: the worst element's |wasm − ref| ÷ the
// conformance tolerance (1e-5·max|ref| + 1e-4·|ref|, test/backends/harness.ts), and the path that
// ran. Winograd F(2×2, 5×5)'s error grows with the input channels (its GEMMs' K), as F(4×4, 3×3)'s
// does (conv-paths.ts); past 256 channels the im2col GEMM runs instead.
// F(3×3, 5×5) (winograd7) takes the shapes of 4 to 64 input channels. The worst over a few seeds:
// one draw's worst element varies by ±20%.
// Usage: npx tsx bench/winograd5x5-error.ts [--relu] [--seeds 3]
import { setBackend, setNumThreads } from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import type { ConvParams } from '../src/kernels/kernels.js';
import { refKernels } from '../src/kernels/ref/index.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { Rng } from '../src/tensor/rng.js';
import { errorOverTolerance, pathsRun } from './lib/conv-error.js';

const relu = process.argv.includes('--relu');
setBackend('wasm');
setNumThreads(1);
const be = activeBackend() as WasmBackend;
const s = process.argv.indexOf('--seeds'), seeds = s >= 0 ? Number(process.argv[s + 1]) : 3;

// cin, cout, size (padding 2: "same"), batch; from 4 input channels (LeNet-5's conv2: 6 → 16).
const shapes: [number, number, number, number][] = [
  [4, 16, 12, 1], [4, 16, 14, 8], [6, 16, 14, 8], [8, 24, 20, 4], [12, 16, 14, 8], [16, 32, 27, 1], [64, 192, 27, 1], [128, 128, 27, 1], [192, 64, 27, 1], [256, 64, 27, 1], [256, 64, 13, 1], [257, 64, 13, 1],
];
for (const [cin, cout, size, batch] of shapes) {
  const p: ConvParams = {
    batch, inChannels: cin, outChannels: cout, groups: 1, inSize: [size, size], outSize: [size, size],
    kernelSize: [5, 5], stride: [1, 1], padBegin: [2, 2], dilation: [1, 1],
  };
  let worst = 0, path: string[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const rng = new Rng(seed);
    const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
    const x = normal(batch * cin * size * size).map((v) => (relu ? Math.max(0, v) : v)), w = normal(cout * cin * 25);
    const want = new Float32Array(batch * cout * size * size);
    refKernels.convForward(x, w, null, want, p);
    const y = new Float32Array(want.length);
    path = pathsRun(be, () => be.arrayKernels.convForward(x, w, null, y, p));
    worst = Math.max(worst, errorOverTolerance(y, want));
  }
  console.log(`${cin}→${cout} ${size}²`.padEnd(14) + ` batch ${batch}: max error ÷ tolerance ${worst.toFixed(3)} over ${seeds} seeds  (${path.join('+')})`);
}
