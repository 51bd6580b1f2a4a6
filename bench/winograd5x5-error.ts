// The rounding error of the wasm backend's 5×5 stride-1 forward on N(0, 1) data (inputs after a
// ReLU with --relu), against the reference kernel: the worst element's |wasm − ref| ÷ the
// conformance tolerance (1e-5·max|ref| + 1e-4·|ref|, test/backends/harness.ts), and the path that
// ran. Winograd F(2×2, 5×5)'s error grows with the input channels (its GEMMs' K), as F(4×4, 3×3)'s
// does (conv-paths.ts); past 256 channels the im2col GEMM runs instead.
// Usage: npx tsx bench/winograd5x5-error.ts [--relu]
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
const rng = new Rng(7);
const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());

// cin, cout, size (padding 2: "same"), batch
const shapes: [number, number, number, number][] = [
  [16, 32, 27, 1], [64, 192, 27, 1], [128, 128, 27, 1], [256, 64, 13, 1], [257, 64, 13, 1],
];
for (const [cin, cout, size, batch] of shapes) {
  const p: ConvParams = {
    batch, inChannels: cin, outChannels: cout, groups: 1, inSize: [size, size], outSize: [size, size],
    kernelSize: [5, 5], stride: [1, 1], padBegin: [2, 2], dilation: [1, 1],
  };
  const x = normal(batch * cin * size * size).map((v) => (relu ? Math.max(0, v) : v)), w = normal(cout * cin * 25);
  const want = new Float32Array(batch * cout * size * size);
  refKernels.convForward(x, w, null, want, p);
  const y = new Float32Array(want.length);
  const path = pathsRun(be, () => be.arrayKernels.convForward(x, w, null, y, p));
  const worst = errorOverTolerance(y, want);
  console.log(`${cin}→${cout} ${size}²`.padEnd(14) + ` batch ${batch}: max error ÷ tolerance ${worst.toFixed(3)}  (${path.join('+')})`);
}
