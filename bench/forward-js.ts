// The JavaScript of a batch-1 forward alone: every pool task made a no-op (outputs garbage), so a
// forward's time is the modules', ops' and wrappers' JavaScript. Best and median of --forwards
// forwards after a warm-up, at 1 thread. Run under `node --cpu-prof --import tsx` to see where it goes.
// Usage: npx tsx bench/forward-js.ts [--forwards 300] [--model resnet18]
import * as st from '../src/index.js';
import { setBackend } from '../src/index.js';
import { ThreadPool } from '../src/kernels/wasm/thread-pool.js';

const flag = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const forwards = Number(flag('--forwards', '300')), which = flag('--model', 'resnet18');
setBackend('wasm');
st.setNumThreads(1);
const model = which === 'alexnet' ? st.models.alexnet() : st.models.resnet18();
model.eval();
const x = st.randn([1, 3, 224, 224], { seed: 6 });
st.noGrad(() => model.forward(x)); // weights prepared with the real kernels
ThreadPool.prototype.run = function () { this.lastThreads = 1; };
const t: number[] = [];
for (let i = 0; i < forwards; i++) {
  const t0 = performance.now();
  st.noGrad(() => model.forward(x));
  t.push(performance.now() - t0);
}
t.sort((a, b) => a - b);
const q = (f: number) => t[Math.floor(f * (t.length - 1))]!.toFixed(3);
console.log(`${which} forward's JavaScript, ${forwards} forwards: best ${q(0)} ms, median ${q(0.5)}, 90th percentile ${q(0.9)}`);
