// The 3×3 convolutions of a ResNet-20 training step (W8, batch 128) pass by pass on the wasm
// backend: CPU time (all threads of the process) per call, best of several runs, the path each
// took, and GFLOP/s by the direct-FLOP count. To compare builds on a busy machine, run two
// checkouts' copies of this script alternately. Usage: npx tsx bench/resnet20-convs.ts [--reps 5] [--threads 1]
// [--only s2] (the shapes whose name contains it)
import { setBackend } from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import type { ConvParams } from '../src/kernels/kernels.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { awaitWorkers } from './lib/await-workers.js';
import { filledArray } from './lib/wasm-arrays.js';

const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const reps = flag('--reps', 5), threads = flag('--threads', 1), batch = flag('--batch', 128);
// --wall: wall-clock time instead (CPU time adds up the threads, so thread scaling needs the wall clock).
const wall = process.argv.includes('--wall');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]! : '';
setBackend('wasm');
const be = activeBackend() as WasmBackend;
const K = be.arrayKernels;
const filled = (n: number) => filledArray(be, n);
{
  const x = filled(1 << 20);
  await awaitWorkers(be, threads, () => K.unary('relu', x, x, 0)); // before any timing (lib/await-workers.ts)
}

// Lowest CPU (or wall) time of the runs (ms): on a shared machine the least disturbed run.
function best(fn: () => void): number {
  fn();
  let least = Infinity;
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage(), t0 = performance.now();
    fn();
    const c = process.cpuUsage(c0);
    least = Math.min(least, wall ? performance.now() - t0 : (c.user + c.system) / 1000);
  }
  return least;
}

const shapes: [string, number, number, number, number][] = [
  // name, cin, cout, input size, stride
  ['16→16 32²', 16, 16, 32, 1], ['32→32 16²', 32, 32, 16, 1], ['64→64 8²', 64, 64, 8, 1],
  ['3→16 32²', 3, 16, 32, 1], ['16→32 32² s2', 16, 32, 32, 2], ['32→64 16² s2', 32, 64, 16, 2],
];
const path = (before: Map<string, number>) => {
  const now = be.convPathCounts();
  return [...now].filter(([k, v]) => v !== (before.get(k) ?? 0)).map(([k]) => k.split(' ')[1]).join('+');
};
console.log(`batch ${batch}, ${threads} thread(s), best ${wall ? 'wall-clock' : 'CPU'} time of ${reps}`);
for (const [name, cin, cout, size, stride] of shapes.filter(([name]) => name.includes(only))) {
  const out = size / stride;
  const p: ConvParams = {
    batch, inChannels: cin, outChannels: cout, groups: 1, inSize: [size, size], outSize: [out, out],
    kernelSize: [3, 3], stride: [stride, stride], padBegin: [1, 1], dilation: [1, 1],
  };
  const flops = 2 * batch * cin * cout * 9 * out * out;
  const x = filled(batch * cin * size * size), w = filled(cout * cin * 9), y = filled(batch * cout * out * out);
  const gx = filled(x.length), gw = filled(w.length);
  const passes: [string, () => void][] = [
    ['fwd', () => K.convForward(x, w, null, y, p)],
    ['bwd-in', () => K.convBackwardInput(y, w, gx, p)],
    ['bwd-w', () => K.convBackwardWeight(x, y, gw, p)],
  ];
  for (const [pass, fn] of passes) {
    const before = new Map(be.convPathCounts());
    const ms = best(fn);
    console.log(`${name.padEnd(14)} ${pass.padEnd(7)} ${ms.toFixed(2).padStart(7)} ms ` +
      `${(flops / ms / 1e6).toFixed(1).padStart(6)} GFLOP/s  ${path(before)}`);
  }
}
