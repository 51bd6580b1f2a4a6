// Where a batch-1 forward's second thread goes: forwards alternate 1 and 2 threads, every
// thread-pool dispatch is timed, best of all forwards per dispatch. Per layer (a conv's dispatches
// differ with the thread count: 2 threads run more convs in phases), 1 / 2 threads, the 2-thread
// gain and the gap (2 threads − 1 thread ÷ 2); then the 2-thread dispatches summed by kind (the
// task, and a Winograd forward's phase: 0 input, 1 GEMMs, 2 output). --list: 2 threads' dispatches.
// Usage: npx tsx bench/forward-dispatches.ts [--forwards 30] [--model resnet18|alexnet] [--list]
import * as st from '../src/index.js';
import { setBackend } from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import { CONV_WINOGRAD_PHASE } from '../src/kernels/wasm/abi.js';
import { TASK_EXPORTS } from '../src/kernels/wasm/exports.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { ThreadPool } from '../src/kernels/wasm/thread-pool.js';
import { ConvNd } from '../src/nn/conv.js';
import { awaitWorkers } from './lib/await-workers.js';
import { filledStorage } from './lib/wasm-arrays.js';

const flag = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const forwards = Number(flag('--forwards', '30')), which = flag('--model', 'resnet18'), list = process.argv.includes('--list');
setBackend('wasm');
const be = activeBackend() as WasmBackend;
const probe = filledStorage(be, 1 << 20).data;
if (await awaitWorkers(be, 2, () => be.arrayKernels.unary('relu', probe, probe, 0)) < 2) throw new Error('workers not ready');
const model = which === 'alexnet' ? st.models.alexnet() : st.models.resnet18();
model.eval();
const x = st.randn([1, 3, 224, 224], { seed: 6 });

let log: { layer: string; kind: string; us: number }[] = [];
let convs = 0;
const convolve = ConvNd.prototype.convolve;
ConvNd.prototype.convolve = function (...args) {
  convs++;
  return convolve.apply(this, args);
};
const run = ThreadPool.prototype.run;
ThreadPool.prototype.run = function (id, params, nt, wanted, workersFromFront) {
  const memory = (this as unknown as { memory: WebAssembly.Memory }).memory;
  const name = TASK_EXPORTS[id]!;
  const kind = name.endsWith('PhaseTask') ? `${name} ${new Int32Array(memory.buffer, params, CONV_WINOGRAD_PHASE + 1)[CONV_WINOGRAD_PHASE]}` : name;
  const t0 = performance.now();
  run.call(this, id, params, nt, wanted, workersFromFront);
  // Dispatches outside a conv (pools, dense, add) count with the conv before them.
  log.push({ layer: `conv ${convs}`, kind, us: (performance.now() - t0) * 1000 });
};

const best: Map<string, number>[] = [new Map(), new Map()], whole: number[][] = [[], []];
for (let f = 0; f < 2 * (forwards + 5); f++) {
  const t = f % 2;
  st.setNumThreads(t + 1);
  log = [];
  convs = 0;
  const t0 = performance.now();
  st.noGrad(() => model.forward(x));
  const ms = performance.now() - t0;
  if (f < 10) continue;
  whole[t]!.push(ms);
  log.forEach((d, i) => {
    const key = `${d.layer}\t${d.kind}\t${i}`;
    best[t]!.set(key, Math.min(best[t]!.get(key) ?? Infinity, d.us));
  });
}
const q = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.floor(p * (v.length - 1))]!;
console.log(`${which}, ${forwards} forwards at each of 1 and 2 threads, alternating: best ${q(whole[0]!, 0).toFixed(2)} / ` +
  `${q(whole[1]!, 0).toFixed(2)} ms, median ${q(whole[0]!, 0.5).toFixed(2)} / ${q(whole[1]!, 0.5).toFixed(2)}`);
const sumBy = (m: Map<string, number>, field: number) => {
  const out = new Map<string, [number, number]>();
  for (const [key, us] of m) {
    const k = key.split('\t')[field]!, s = out.get(k) ?? [0, 0];
    out.set(k, [s[0] + 1, s[1] + us]);
  }
  return out;
};
const row = (k: string, n: number, a: number, b: number) => console.log(`${k.padEnd(34)} ${String(n).padStart(3)}  ` +
  `${(a / 1000).toFixed(3).padStart(7)} / ${(b / 1000).toFixed(3).padStart(7)} ms  ×${(a / b).toFixed(2)}  gap ${((b - a / 2) / 1000).toFixed(3)}`);
console.log('conv layer (and what follows)      2-thr calls  1 / 2 threads (best per dispatch, summed)');
const layers1 = sumBy(best[0]!, 0), layers2 = sumBy(best[1]!, 0);
let tot = [0, 0, 0];
for (const [k, [n, b]] of layers2) {
  const a = layers1.get(k)?.[1] ?? NaN;
  row(k, n, a, b);
  tot = [tot[0]! + n, tot[1]! + a, tot[2]! + b];
}
row('all dispatches', tot[0]!, tot[1]!, tot[2]!);
console.log('2 threads by kind                  calls  ms');
for (const [k, [n, b]] of sumBy(best[1]!, 1)) console.log(`${k.padEnd(34)} ${String(n).padStart(3)}  ${(b / 1000).toFixed(3).padStart(7)}`);
if (list) {
  for (const [key, us] of best[1]!) console.log(`${key.split('\t').join('  ').padEnd(60)} ${us.toFixed(0).padStart(6)} µs`);
}
