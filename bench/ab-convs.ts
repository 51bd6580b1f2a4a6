// A conv pass of this checkout against another checkout's (built), alternating call by call in one
// process: each call's time beside the other's, so that both see the same moment of a noisy
// machine. Separate processes run alternately differed by up to 1.8× between rounds on this VM;
// the median of the per-pair ratios here moved by ~1% between runs. Each checkout loads its own
// wasm module and memory. CPU time at 1 thread, wall time at more.
//   npx tsx bench/ab-convs.ts --base ../other-checkout [--threads 1] [--reps 30] [--pass bwd-w | fwd | bwd-in] [--only 16→16]
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as here from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import type { ConvParams } from '../src/kernels/kernels.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { awaitWorkers } from './lib/await-workers.js';
import { filledStorage } from './lib/wasm-arrays.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const baseDir = arg('--base', ''), threads = Number(arg('--threads', '1')), reps = Number(arg('--reps', '30'));
const pass = arg('--pass', 'bwd-w'), only = arg('--only', '');
if (!baseDir) throw new Error('--base <checkout> is required');
if (!['bwd-w', 'fwd', 'bwd-in'].includes(pass)) throw new Error(`--pass must be bwd-w, fwd or bwd-in, not '${pass}'`);
if (!(Number.isInteger(threads) && threads >= 1 && Number.isInteger(reps) && reps >= 1)) throw new Error('--threads and --reps must be positive integers');
const root = isAbsolute(baseDir) ? baseDir : resolve(process.cwd(), baseDir);
const load = (path: string) => import(pathToFileURL(join(root, path)).href);
const there = await load('src/index.js');
const thereBackend = (await load('src/kernels/backend.js')).activeBackend as () => WasmBackend;
there.setBackend('wasm');
here.setBackend('wasm');
const bes = [thereBackend(), activeBackend() as WasmBackend];
for (const be of bes) {
  const x = be.alloc(1 << 20).data;
  await awaitWorkers(be, threads, () => be.arrayKernels.unary('relu', x, x, 0));
}

// W8's 3×3 convs (batch 128), and W2's and two ResNet-18-like ones at batch 8 and 1.
// name, cin, cout, input size, stride, batch
const shapes: [string, number, number, number, number, number][] = [
  ['16→16 32²', 16, 16, 32, 1, 128], ['32→32 16²', 32, 32, 16, 1, 128], ['64→64 8²', 64, 64, 8, 1, 128],
  ['16→32 32² s2', 16, 32, 32, 2, 128], ['32→64 16² s2', 32, 64, 16, 2, 128],
  ['64→64 56² b8', 64, 64, 56, 1, 8], ['128→128 28² b8', 128, 128, 28, 1, 8], ['64→64 56² b1', 64, 64, 56, 1, 1],
];
const median = (t: number[]) => [...t].sort((a, b) => a - b)[t.length >> 1]!;
console.log(`${pass}, ${threads} thread(s), ${reps} pairs: base ms (min / median) | this checkout | median of this ÷ base`);
for (const [name, cin, cout, size, stride, batch] of shapes.filter(([n]) => n.includes(only))) {
  const out = size / stride;
  const p: ConvParams = {
    batch, inChannels: cin, outChannels: cout, groups: 1, inSize: [size, size], outSize: [out, out],
    kernelSize: [3, 3], stride: [stride, stride], padBegin: [1, 1], dilation: [1, 1],
  };
  const fns = bes.map((be) => {
    const f = (n: number) => filledStorage(be, n).data, K = be.arrayKernels;
    const x = f(batch * cin * size * size), y = f(batch * cout * out * out), w = f(cout * cin * 9);
    if (pass === 'fwd') return () => K.convForward(x, w, null, y, p);
    if (pass === 'bwd-in') return () => K.convBackwardInput(y, w, x, p);
    return () => K.convBackwardWeight(x, y, w, p);
  });
  const times: number[][] = [[], []];
  for (let i = 0; i < reps + 2; i++) {
    for (let k = 0; k < 2; k++) {
      const c0 = process.cpuUsage(), t0 = performance.now();
      fns[k]!();
      const c = process.cpuUsage(c0), ms = threads > 1 ? performance.now() - t0 : (c.user + c.system) / 1000;
      if (i >= 2) times[k]!.push(ms);
    }
  }
  const [a, b] = times as [number[], number[]];
  const cell = (t: number[]) => `${Math.min(...t).toFixed(2)} / ${median(t).toFixed(2)}`;
  console.log(`${name.padEnd(16)} ${cell(a)} | ${cell(b)} | ${median(b.map((t, i) => t / a[i]!)).toFixed(3)}`);
}
process.exit(0);
