// CPU time of a batch-1 forward on 1 thread (less moved by a busy host than wall time): best,
// 10th percentile and median of 60 forwards after 15 warm-up ones.
// Usage: npx tsx bench/forward-cpu-time.ts [--model resnet18|alexnet]
import * as st from '../src/index.js';
import { setBackend } from '../src/index.js';
setBackend('wasm');
st.setNumThreads(1);
const model = process.argv.includes('alexnet') ? st.models.alexnet() : st.models.resnet18();
model.eval();
const x = st.randn([1, 3, 224, 224], { seed: 6 });
for (let i = 0; i < 15; i++) st.noGrad(() => model.forward(x));
const c: number[] = [];
for (let i = 0; i < 60; i++) {
  const u0 = process.cpuUsage();
  st.noGrad(() => model.forward(x));
  const u = process.cpuUsage(u0);
  c.push((u.user + u.system) / 1000);
}
c.sort((a, b) => a - b);
console.log(`CPU ms a forward, 1 thread: best ${c[0]!.toFixed(2)}, 10th pct ${c[6]!.toFixed(2)}, median ${c[30]!.toFixed(2)}`);
