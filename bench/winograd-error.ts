// The rounding error of the wasm backend's 3×3 weight gradient on N(0, 1) data, against the
// reference kernel: the worst element's |wasm − ref| ÷ the conformance tolerance (1e-5·max|ref| +
// 1e-4·|ref|, test/backends/harness.ts), and the path that ran. The sums run over batch × tiles,
// so the shapes are full-sized: ResNet-20's at batch 128 (stride 1, and its stride-2 16→32 and
// 32→64: winograd-s2's adjoint), ResNet-18-like ones at batch 1–8. To
// compare paths, run two checkouts' copies. --relu: x = max(0, N(0, 1)), as after a ReLU.
// --input: the input gradient instead (its sums run over the output channels).
// Usage: npx tsx bench/winograd-error.ts [--only s2] [--relu] [--input]
import { setBackend, setNumThreads } from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import type { ConvParams } from '../src/kernels/kernels.js';
import { refKernels } from '../src/kernels/ref/index.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { Rng } from '../src/tensor/rng.js';
import { errorOverTolerance, pathsRun } from './lib/conv-error.js';

const i = process.argv.indexOf('--only');
const only = i >= 0 ? process.argv[i + 1]! : '', relu = process.argv.includes('--relu');
const input = process.argv.includes('--input');
setBackend('wasm');
setNumThreads(1);
const be = activeBackend() as WasmBackend;
const rng = new Rng(7);
const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());

// name, cin, cout, size, batch, stride (padding 1: outputs size ÷ stride)
const shapes: [string, number, number, number, number, number][] = [
  ['16→16 32²', 16, 16, 32, 128, 1], ['32→32 16²', 32, 32, 16, 128, 1], ['64→64 8²', 64, 64, 8, 128, 1],
  ['64→64 56²', 64, 64, 56, 1, 1], ['64→64 56²', 64, 64, 56, 8, 1], ['128→128 28²', 128, 128, 28, 8, 1],
  ['256→256 14²', 256, 256, 14, 8, 1], ['256→256 14²', 256, 256, 14, 1, 1],
  ['16→32 32² s2', 16, 32, 32, 128, 2], ['32→64 16² s2', 32, 64, 16, 128, 2], ['64→128 56² s2', 64, 128, 56, 8, 2],
  ['256→512 14² s2', 256, 512, 14, 1, 2],
];
for (const [name, cin, cout, size, batch, stride] of shapes) {
  if (only && !name.includes(only)) continue;
  const out = size / stride;
  const p: ConvParams = {
    batch, inChannels: cin, outChannels: cout, groups: 1, inSize: [size, size], outSize: [out, out],
    kernelSize: [3, 3], stride: [stride, stride], padBegin: [1, 1], dilation: [1, 1],
  };
  const x = normal(batch * cin * size * size).map((v) => (relu ? Math.max(0, v) : v)), gy = normal(batch * cout * out * out);
  const w = input ? normal(cout * cin * 9) : null;
  const want = new Float32Array(w ? x.length : cout * cin * 9);
  if (w) refKernels.convBackwardInput(gy, w, want, p);
  else refKernels.convBackwardWeight(x, gy, want, p);
  const got = new Float32Array(want.length);
  const path = pathsRun(be, () => (w ? be.arrayKernels.convBackwardInput(gy, w, got, p) : be.arrayKernels.convBackwardWeight(x, gy, got, p)));
  const worst = errorOverTolerance(got, want);
  console.log(`${name.padEnd(12)} batch ${String(batch).padStart(3)}: max error ÷ tolerance ${worst.toFixed(3)}  (${path.join('+')})`);
}
