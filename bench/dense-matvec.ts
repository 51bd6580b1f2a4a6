// The batch-1 dense layers alone: AlexNet's three fully connected layers (9216→4096, 4096→4096,
// 4096→1000: 234 MB of f32 weights in PyTorch's [out, in] layout) as the wasm backend's gemm
// (m = 1, B = W transposed in place) at 1 and 2 threads, interleaved round by round with the
// plain load loop (lib/stream-loop.ts) reading the same weights on one thread: best, first
// quartile and median per set of three layers, in ms and weight bytes read per second, and the
// 1-thread gemm's share of the loop's rate. 'packed': the same products on storages, through the
// backend's weight cache (dense-weights.ts: W's copy packed as one stream, made on the second
// product); 'in place': gemmDots on W as it is. For the 2-thread ceiling see stream-bandwidth.ts.
// Usage: npx tsx bench/dense-matvec.ts [--rounds 20]
import { setBackend, setNumThreads } from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { streamLoop, streamLoopModule } from './lib/stream-loop.js';

const i = process.argv.indexOf('--rounds');
const rounds = i >= 0 ? Number(process.argv[i + 1]) : 20;
setBackend('wasm');
const be = activeBackend() as WasmBackend;
// Storages, viewed at each call: a view taken before the memory grows would be copied in.
const layers = [[9216, 4096], [4096, 4096], [4096, 1000]].map(([k, n]) =>
  ({ k: k!, n: n!, a: be.alloc(k!), w: be.alloc(n! * k!), c: be.alloc(n!) }));
for (const { a, w } of layers) {
  a.data.fill(1);
  w.data.fill(0.5); // every page touched
}
const bytes = layers.reduce((s, l) => s + l.n * l.k * 4, 0);
const loop = streamLoop(await streamLoopModule(be.heap.shared), be.heap.memory);

const gemm = (nt: number) => () => {
  setNumThreads(nt);
  for (const { a, w, c, k, n } of layers) be.arrayKernels.gemm(a.data, w.data, c.data, { m: 1, n, k, transA: false, transB: true, accumulate: false });
};
const packed = (nt: number) => () => {
  setNumThreads(nt);
  for (const { a, w, c, k, n } of layers) be.kernels.gemm(a, w, c, { m: 1, n, k, transA: false, transB: true, accumulate: false });
};
const stream = () => { for (const { w } of layers) loop.sum(w.data.byteOffset, w.data.byteOffset + w.data.byteLength); };
const runs: [string, () => void][] = [['load loop, 1 thread', stream], ['gemm in place, 1 thread', gemm(1)],
  ['gemm packed, 1 thread', packed(1)], ['gemm in place, 2 threads', gemm(2)], ['gemm packed, 2 threads', packed(2)]];
const spin = (ms: number) => { const end = performance.now() + ms; while (performance.now() < end); };
for (let t = 0; t < 30; t++) { gemm(2)(); packed(2)(); spin(10); } // the worker boots; pages settle; W is packed
const times = runs.map(() => [] as number[]);
for (let r = 0; r < rounds; r++) {
  runs.forEach(([, f], j) => {
    const t0 = performance.now();
    f();
    times[j]!.push(performance.now() - t0);
  });
}
const gbs = (ms: number) => (bytes / ms / 1e6).toFixed(1);
const best = times.map((t) => t.sort((a, b) => a - b)[0]!);
runs.forEach(([name], j) => {
  const t = times[j]!, at = (q: number) => t[Math.floor(q * (t.length - 1))]!;
  console.log(`${name}: best ${at(0).toFixed(2)} ms (${gbs(at(0))} GB/s), q25 ${at(0.25).toFixed(2)} (${gbs(at(0.25))}), ` +
    `median ${at(0.5).toFixed(2)} (${gbs(at(0.5))}) over ${(bytes / 1e6).toFixed(0)} MB of weights, ${rounds} rounds`);
});
console.log(`gemm at 1 thread: in place ${(100 * best[0]! / best[1]!).toFixed(0)}%, packed ${(100 * best[0]! / best[2]!).toFixed(0)}% of the load loop's best rate`);
