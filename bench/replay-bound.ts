// What a recorded inference forward saves, and what it could: per round, a batch-1 forward by
// model.forward, by nn.recordForward's replay, and the bound: the forward's thread-pool
// dispatches alone (task, parameter block), replayed back to back with none of the modules', ops'
// and wrappers' JavaScript between them, alternating in one process. The bound writes into the
// recorded forward's intermediates (freed after it, and reused by the real forwards in the same
// places), so it only times; the output check says whether it computed the real forward's values.
// Direct calls outside the pool (AdaptiveAvgPool2d's averageWindows, a few µs) are not in it:
// their inputs' values there come from the real forward before.
// Usage: npx tsx bench/replay-bound.ts [--threads 2] [--forwards 60] [--model resnet18|alexnet]
import * as st from '../src/index.js';
import { setBackend } from '../src/index.js';
import { activeBackend } from '../src/kernels/backend.js';
import { PARAM_SLOTS } from '../src/kernels/wasm/abi.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { ThreadPool, type Job } from '../src/kernels/wasm/thread-pool.js';

const flag = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const threads = Number(flag('--threads', '2')), forwards = Number(flag('--forwards', '60')), which = flag('--model', 'resnet18');
if (!(threads >= 1) || !(forwards >= 1) || !['resnet18', 'alexnet'].includes(which)) {
  console.error('usage: npx tsx bench/replay-bound.ts [--threads N ≥ 1] [--forwards N ≥ 1] [--model resnet18|alexnet]');
  process.exit(2);
}
setBackend('wasm');
st.setNumThreads(threads);
const be = activeBackend() as WasmBackend;
const model = which === 'alexnet' ? st.models.alexnet() : st.models.resnet18();
model.eval();
const x = st.randn([1, 3, 224, 224], { seed: 6 });
for (let i = 0; i < 15; i++) st.noGrad(() => model.forward(x));

type Dispatch = (id: number, params: number, na: number, b: Job | null, nt: number, workersFromFront: boolean) => void;
interface Recorded { pool: ThreadPool; args: Parameters<Dispatch>; block: Int32Array; second: Int32Array | null }
const proto = ThreadPool.prototype as unknown as { dispatch: Dispatch };
const dispatch = proto.dispatch;
const recorded: Recorded[] = [];
proto.dispatch = function (this: ThreadPool, ...args) {
  const [, params, , b] = args;
  const copy = (at: number) => be.heap.i32(at, PARAM_SLOTS).slice();
  recorded.push({ pool: this, args: [...args], block: copy(params), second: b ? copy(b.params) : null });
  dispatch.apply(this, args);
};
const y = st.noGrad(() => model.forward(x));
proto.dispatch = dispatch;
const replay = () => {
  for (const { pool, args, block, second } of recorded) {
    be.heap.i32(args[1], PARAM_SLOTS).set(block);
    if (second) be.heap.i32(args[3]!.params, PARAM_SLOTS).set(second);
    dispatch.apply(pool, args);
  }
};

const fast = st.nn.recordForward(model, x);
const real: number[] = [], recordedTimes: number[] = [], replayed: number[] = [];
for (let i = 0; i < forwards; i++) {
  let t0 = performance.now();
  st.noGrad(() => model.forward(x));
  real.push(performance.now() - t0);
  t0 = performance.now();
  fast.forward(x);
  recordedTimes.push(performance.now() - t0);
  t0 = performance.now();
  replay();
  replayed.push(performance.now() - t0);
}
const fresh = Float32Array.from(st.noGrad(() => model.forward(x)).data as Float32Array);
replay();
const same = (y.data as Float32Array).every((v, i) => v === fresh[i]);
const recordedSame = fast.forward(x).toArray().every((v, i) => v === fresh[i]);
const q = (t: number[], f: number) => [...t].sort((a, b) => a - b)[Math.floor(f * (t.length - 1))]!.toFixed(2);
console.log(`${which}, ${threads} thread(s), ${recorded.length} dispatches a forward, ${forwards} of each alternating: ` +
  `model.forward best ${q(real, 0)} / median ${q(real, 0.5)} ms, recordForward ${q(recordedTimes, 0)} / ` +
  `${q(recordedTimes, 0.5)}, dispatches alone ${q(replayed, 0)} / ${q(replayed, 0.5)}; ` +
  `the outputs of recordForward and of the dispatches ${recordedSame ? 'equal' : 'DIFFER from'} / ${same ? 'equal' : 'DIFFER from'} a real forward's`);
