// Memory soak: trains LeNet-5 for many steps on one fixed random batch and checks that the
// process's resident memory stays flat (users never dispose anything, so the library must not
// leak). Samples RSS after a forced GC every 1,000 steps; the figure at the warm-up step is the
// baseline. Exits 1 if any later sample drifts more than ±5% from it.
//
//   npm run memory-soak                      # 10,000 steps, batch 16
//   npx tsx scripts/memory-soak.ts --steps 2000 --warmup 500 --every 500 --tolerance 0.05
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { F, getBackend, manualSeed, models, optim, randn } from '../src/index.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`memory-soak: --${name} needs a positive number, got '${process.argv[i + 1] ?? ''}'`);
    process.exit(2);
  }
  return v;
}

const steps = option('steps', 10_000);
const warmup = option('warmup', 1000);
const every = option('every', 1000);
const tolerance = option('tolerance', 0.05);
const batch = option('batch', 16);
if (warmup >= steps) {
  console.error(`memory-soak: --warmup (${warmup}) must be below --steps (${steps})`);
  process.exit(2);
}

// A forced collection before each sample, so the figures show what is retained, not what the
// collector has not got round to yet. --expose-gc cannot be passed through tsx, hence the flag.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

manualSeed(0);
const model = models.lenet5();
const x = randn([batch, 1, 28, 28]);
const labels = Array.from({ length: batch }, (_, i) => i % 10);
const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
interface Sample { step: number; rss: number }
const samples: Sample[] = [];
const start = performance.now();
console.log(`memory-soak: LeNet-5, batch ${batch}, ${steps} steps, backend ${getBackend()}, Node ${process.version}`);
console.log('   step      loss   rss MB  heap MB  ext+ab MB  steps/s');

let lastLoss = NaN;
for (let step = 1; step <= steps; step++) {
  opt.zeroGrad();
  const loss = F.crossEntropy(model.forward(x), labels);
  loss.backward();
  opt.step();
  lastLoss = loss.item();
  if (!Number.isFinite(lastLoss)) {
    console.error(`memory-soak: loss became ${lastLoss} at step ${step}`);
    process.exit(1);
  }
  if (step === warmup || step % every === 0 || step === steps) {
    gc();
    const m = process.memoryUsage();
    if (step >= warmup) samples.push({ step, rss: m.rss });
    const rate = step / ((performance.now() - start) / 1000);
    console.log(
      `${String(step).padStart(7)} ${lastLoss.toFixed(5).padStart(9)} ${mb(m.rss).padStart(8)} ` +
        `${mb(m.heapUsed).padStart(8)} ${mb(m.external + m.arrayBuffers).padStart(10)} ${rate.toFixed(1).padStart(8)}`,
    );
  }
}

const base = samples[0]!;
let worst = samples[0]!;
for (const s of samples) if (Math.abs(s.rss - base.rss) > Math.abs(worst.rss - base.rss)) worst = s;
const drift = (s: Sample): number => (s.rss - base.rss) / base.rss;
const last = samples[samples.length - 1]!;
const seconds = (performance.now() - start) / 1000;
console.log(
  `memory-soak: RSS ${mb(base.rss)} MB at step ${base.step} (warm-up), ${mb(last.rss)} MB at step ${last.step} ` +
    `(${(drift(last) * 100).toFixed(2)}%); largest drift ${(drift(worst) * 100).toFixed(2)}% at step ${worst.step}; ` +
    `${seconds.toFixed(0)} s, ${(steps / seconds).toFixed(1)} steps/s`,
);
if (Math.abs(drift(worst)) > tolerance) {
  console.error(`memory-soak: FAIL, RSS drifted beyond ±${(tolerance * 100).toFixed(1)}% of the warm-up figure`);
  process.exit(1);
}
console.log(`memory-soak: OK, within ±${(tolerance * 100).toFixed(1)}%`);
