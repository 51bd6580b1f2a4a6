// The batch-1 forward convolutions of W4 (ResNet-18) and W5 (AlexNet) at 1 and at 2 threads, in
// one process, alternating the thread count call by call: best wall time of each (a busy machine
// slows some calls; the best is the least disturbed), the 2-thread speed-up and the path taken.
// Weights on storages, as layers run them (prepared once, kept across calls).
// --serial runs the 2-thread split's parts one after the other on the calling thread: the work
// that two threads would share (ideally the 1-thread work), timed like the 1-thread figure, which
// other processes on the cores disturb far less than a 2-thread wall time.
// --back-to-back: each timed call right after an untimed one at the same thread count, so the
// worker is still polling when it starts, as in a network whose previous kernel ran on both threads
// (without it the worker sleeps through the 1-thread call before, and each 2-thread call waits
// ~35–100 µs for it to wake).
// --cold: a 64 MB sweep before each timed call (at the call's thread count; not with --epilogue),
// so that its weights and inputs come from memory, as in a network where the layers before evicted them.
// --pools: then the max pools of W4 and W5 (without argmax, as inference runs them, and with it) the same way.
// --networks: then the whole W4 and W5 forwards (every kernel, as `npm run bench` runs them) the same way.
// --epilogue: instead, each conv + residual + ReLU as three kernel calls (conv, add, relu) against
// one (the conv's epilogue), and conv + ReLU as two against one, the four alternating call by
// call, at 1 and at 2 threads.
// Usage: npx tsx bench/batch1-convs.ts [--reps 15] [--only W4] [--serial] [--back-to-back] [--cold] [--epilogue] [--pools] [--networks]
import * as st from '../src/index.js';
import { setBackend, setNumThreads } from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import type { ConvParams, PoolParams } from '../src/kernels/kernels.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { ThreadPool } from '../src/kernels/wasm/thread-pool.js';
import { awaitWorkers } from './lib/await-workers.js';
import { filledStorage } from './lib/wasm-arrays.js';

const flag = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const reps = Number(flag('--reps', '15')), only = flag('--only', ''), backToBack = process.argv.includes('--back-to-back');
const serial = process.argv.includes('--serial'), epilogue = process.argv.includes('--epilogue');
setBackend('wasm');
const be = activeBackend() as WasmBackend;
const sweep = process.argv.includes('--cold') ? filledStorage(be, 16 << 20) : null;
{
  // Workers ready before any timing (lib/await-workers.ts), then --serial's patch.
  const x = filledStorage(be, 1 << 20).data;
  const ran = await awaitWorkers(be, 2, () => be.arrayKernels.unary('relu', x, x, 0));
  if (ran < 2) console.log(`2 threads asked, ${ran} ready: the 2-thread figures are 1-thread ones`);
}
if (serial) {
  const run = ThreadPool.prototype.run;
  ThreadPool.prototype.run = function (id: number, params: number, nt: number, wanted = nt, workersFromFront = false) {
    run.call(this, id, params, 1, wanted, workersFromFront);
  };
}

// name, cin, cout, input size, kernel, stride, padding, calls per image.
const shapes: [string, number, number, number, number, number, number, number][] = [
  ['W4 3×3 64→64 56²', 64, 64, 56, 3, 1, 1, 4],
  ['W4 3×3 128→128 28²', 128, 128, 28, 3, 1, 1, 3],
  ['W4 3×3 256→256 14²', 256, 256, 14, 3, 1, 1, 3],
  ['W4 3×3 512→512 7²', 512, 512, 7, 3, 1, 1, 3],
  ['W4 3×3 s2 64→128', 64, 128, 56, 3, 2, 1, 1],
  ['W4 3×3 s2 128→256', 128, 256, 28, 3, 2, 1, 1],
  ['W4 3×3 s2 256→512', 256, 512, 14, 3, 2, 1, 1],
  ['W4 1×1 s2 64→128', 64, 128, 56, 1, 2, 0, 1],
  ['W4 1×1 s2 128→256', 128, 256, 28, 1, 2, 0, 1],
  ['W4 1×1 s2 256→512', 256, 512, 14, 1, 2, 0, 1],
  ['W4 7×7 s2 3→64', 3, 64, 224, 7, 2, 3, 1],
  ['W5 11×11 s4 3→64', 3, 64, 224, 11, 4, 2, 1],
  ['W5 5×5 64→192 27²', 64, 192, 27, 5, 1, 2, 1],
  ['W5 3×3 192→384 13²', 192, 384, 13, 3, 1, 1, 1],
  ['W5 3×3 384→256 13²', 384, 256, 13, 3, 1, 1, 1],
  ['W5 3×3 256→256 13²', 256, 256, 13, 3, 1, 1, 1],
];
const path = (before: Map<string, number>) => {
  const now = be.convPathCounts();
  return [...now].filter(([k, v]) => v !== (before.get(k) ?? 0)).map(([k]) => k.split(' ')[1]).join('+');
};
// Best wall time of `run` at 1 thread and at 2 (alternating), after a warm-up call at each, and
// how many timed 2-thread calls ran on one thread (a conv's last dispatch, be.lastThreads()).
function bestAtOneAndTwo(run: () => void): [number, number, number] {
  const least: [number, number, number] = [Infinity, Infinity, 0];
  for (let t = 1; t <= 2; t++) { setNumThreads(t); run(); run(); }
  for (let i = 0; i < reps; i++) {
    for (let t = 0; t < 2; t++) {
      setNumThreads(t + 1);
      if (backToBack) run();
      if (sweep) be.arrayKernels.unary('relu', sweep.data, sweep.data, 0);
      const t0 = performance.now();
      run();
      least[t] = Math.min(least[t]!, performance.now() - t0);
      if (t === 1 && be.lastThreads() < 2) least[2]++;
    }
  }
  return least;
}
// Best wall time of each of `runs` at 1 thread and at 2, all four alternating call by call.
function bestOfEach(runs: (() => void)[]): number[][] {
  const least = runs.map(() => [Infinity, Infinity]);
  for (let t = 1; t <= 2; t++) { setNumThreads(t); for (const run of runs) { run(); run(); } }
  for (let i = 0; i < reps; i++) {
    for (let t = 0; t < 2; t++) {
      setNumThreads(t + 1);
      runs.forEach((run, j) => {
        const t0 = performance.now();
        run();
        least[j]![t] = Math.min(least[j]![t]!, performance.now() - t0);
      });
    }
  }
  return least;
}
const sum = [0, 0];
const second = serial ? "2 threads' split run serially" : '2 threads';
console.log(`best wall time of ${reps}, 1 thread and ${second} alternating; Σ weighs each shape by its calls per image`);
for (const [name, cin, cout, size, k, stride, pad, calls] of shapes) {
  if (only && !name.startsWith(only)) continue;
  const out = Math.floor((size + 2 * pad - k) / stride) + 1;
  const p: ConvParams = {
    batch: 1, inChannels: cin, outChannels: cout, groups: 1, inSize: [size, size], outSize: [out, out],
    kernelSize: [k, k], stride: [stride, stride], padBegin: [pad, pad], dilation: [1, 1],
  };
  const flops = 2 * cin * cout * k * k * out * out;
  const xs = filledStorage(be, cin * size * size), ws = filledStorage(be, cout * cin * k * k);
  const ys = filledStorage(be, cout * out * out);
  const run = () => be.kernels.convForward(xs, ws, null, ys, p);
  if (epilogue) {
    const rs = filledStorage(be, cout * out * out), all = { shape: [cout * out * out], aStrides: [1], bStrides: [1] };
    const [apart, fused, reluApart, reluFused] = bestOfEach([() => {
      run();
      be.kernels.binary('add', ys, rs, ys, all);
      be.kernels.unary('relu', ys, ys, 0);
    }, () => be.kernels.convForward(xs, ws, null, ys, p, rs, true), () => {
      run();
      be.kernels.unary('relu', ys, ys, 0);
    }, () => be.kernels.convForward(xs, ws, null, ys, p, null, true)]);
    const ms = (v: number[]) => `${v[0]!.toFixed(2).padStart(6)} / ${v[1]!.toFixed(2).padStart(6)}`;
    console.log(`${name.padEnd(22)} conv, add, relu ${ms(apart!)} ms; with its epilogue ${ms(fused!)} ms (1 / 2 threads)`);
    console.log(`${''.padEnd(22)} conv, relu      ${ms(reluApart!)} ms; with its epilogue ${ms(reluFused!)} ms`);
    continue;
  }
  const before = new Map(be.convPathCounts());
  run();
  const taken = path(before);
  const least = bestAtOneAndTwo(run);
  sum[0] += calls * least[0]!; sum[1] += calls * least[1]!;
  console.log(`${name.padEnd(22)} ${least[0]!.toFixed(2).padStart(6)} / ${least[1]!.toFixed(2).padStart(6)} ms ` +
    `(${(flops / least[0]! / 1e6).toFixed(0).padStart(3)} / ${(flops / least[1]! / 1e6).toFixed(0).padStart(3)} GFLOP/s) ` +
    `×${(least[0]! / least[1]!).toFixed(2)}  ${taken}${least[2] && !serial ? ` (${least[2]} of ${reps} on 1 thread)` : ''}`);
}
if (!epilogue) console.log(`Σ ${sum[0]!.toFixed(1)} / ${sum[1]!.toFixed(1)} ms ×${(sum[0]! / sum[1]!).toFixed(2)}`);
if (process.argv.includes('--pools')) {
  // name, channels, input size, kernel, stride, padding.
  const pools: [string, number, number, number, number, number][] = [
    ['W4 pool 3×3 s2 64×112²', 64, 112, 3, 2, 1], ['W5 pool 3×3 s2 64×55²', 64, 55, 3, 2, 0],
    ['W5 pool 3×3 s2 192×27²', 192, 27, 3, 2, 0], ['W5 pool 3×3 s2 256×13²', 256, 13, 3, 2, 0],
  ];
  for (const [name, channels, size, k, stride, pad] of pools) {
    if (only && !name.startsWith(only)) continue;
    const out = Math.floor((size + 2 * pad - k) / stride) + 1;
    const p: PoolParams = {
      batch: 1, channels, inSize: [size, size], outSize: [out, out], kernelSize: [k, k], stride: [stride, stride],
      padBegin: [pad, pad], dilation: [1, 1], countIncludePad: true,
    };
    const xs = filledStorage(be, channels * size * size), ys = filledStorage(be, channels * out * out);
    const argmax = be.allocUninitialized(channels * out * out);
    for (const [what, arg] of [['', null], [' argmax', argmax]] as const) {
      const [one, two] = bestAtOneAndTwo(() => be.kernels.maxPoolForward(xs, ys, arg, p));
      console.log(`${(name + what).padEnd(30)} ${(one * 1e3).toFixed(0).padStart(5)} / ${(two * 1e3).toFixed(0).padStart(5)} µs ` +
        `×${(one / two).toFixed(2)}`);
    }
  }
}
if (process.argv.includes('--networks')) {
  for (const [name, model] of [['W4 ResNet-18', st.models.resnet18()], ['W5 AlexNet', st.models.alexnet()]] as const) {
    model.eval();
    const x = st.randn([1, 3, 224, 224], { seed: 6 });
    const [one, two] = bestAtOneAndTwo(() => st.noGrad(() => model.forward(x)));
    console.log(`${name.padEnd(22)} ${one.toFixed(1).padStart(6)} / ${two.toFixed(1).padStart(6)} ms ×${(one / two).toFixed(2)}`);
  }
}
