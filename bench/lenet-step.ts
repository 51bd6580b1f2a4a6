// W3's LeNet-5 training step (batch 64, SGD with momentum) timed as CPU time and wall time per
// step, min and median of 20 chunks of 25 steps, at 1 and 2 threads. On a busy machine the CPU
// time of the 1-thread step is the steadier figure; compare builds by running this in two
// worktrees alternately, or with --against DIR: this checkout's build and DIR's (another checkout,
// built, e.g. a worktree of main) in one process, chunk by chunk in turns, so both see the same
// load; then also the quartiles of the per-chunk wall-time ratio (this build ÷ DIR's).
//   npx tsx bench/lenet-step.ts [--threads 1,2] [--against DIR]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as here from '../src/index.js';
import { LENET_BATCH } from './lib/workloads.js';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '1,2' }, against: { type: 'string' } } });
const builds: [string, typeof here][] = [['this build', here]];
if (values.against) builds.push([values.against, await import(resolve(values.against, 'src/index.js')) as typeof here]);
const quantile = (v: number[], q: number) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) * q)]!;

for (const threads of values.threads!.split(',').map(Number)) {
  const steps = builds.map(([, st]) => {
    st.setNumThreads(threads);
    const model = st.models.lenet5();
    const opt = new st.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const x = st.randn([LENET_BATCH, 1, 28, 28], { seed: 5 });
    const y = Array.from({ length: LENET_BATCH }, (_, i) => (i * 7) % 10);
    return () => { opt.zeroGrad(); st.F.crossEntropy(model.forward(x), y).backward(); opt.step(); };
  });
  // Warm-up: tier-up, and the heap grown to its steady size.
  for (let i = 0; i < 300; i++) for (const step of steps) step();
  const cpu = steps.map((): number[] => []), wall = steps.map((): number[] => []);
  for (let r = 0; r < 20; r++) {
    // Builds in turns, the first one alternating, so neither always runs right after the other.
    for (const b of steps.map((_, i) => (i + r) % steps.length)) {
      const c0 = process.cpuUsage(), t0 = performance.now();
      for (let i = 0; i < 25; i++) steps[b]!();
      const c = process.cpuUsage(c0);
      wall[b]!.push((performance.now() - t0) / 25);
      cpu[b]!.push((c.user + c.system) / 1000 / 25);
    }
  }
  const f = (v: number[]) => `min ${Math.min(...v).toFixed(2)} median ${quantile(v, 0.5).toFixed(2)}`;
  builds.forEach(([name], b) => console.log(
    `W3 LeNet-5 step, ${threads} thread(s), ${name}: CPU ms/step ${f(cpu[b]!)}; wall ms/step ${f(wall[b]!)}`));
  if (steps.length === 2) {
    const ratio = wall[0]!.map((w, r) => w / wall[1]![r]!);
    console.log(`  wall time per chunk, this build ÷ ${builds[1]![0]}: quartiles ` +
      [0.25, 0.5, 0.75].map((q) => quantile(ratio, q).toFixed(2)).join(' / '));
  }
}
process.exit(0);
