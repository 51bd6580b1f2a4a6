// A whole workload step (bench/lib/steps.ts: W8's training step, W4's inference, …) of this
// checkout against another checkout's, alternating step by step in one process, the order
// swapped every pair, as bench/ab-convs.ts does for single convolutions: both see the same
// moments of a noisy machine. Each checkout loads its own wasm module, memory and thread pool.
// Wall time; the median of the per-pair ratios (this ÷ base) is the figure to read.
//   npx tsx bench/ab-steps.ts --base ../other-checkout [--workload W8] [--threads 1] [--pairs 20]
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: '' }, workload: { type: 'string', default: 'W8' },
    threads: { type: 'string', default: '1' }, pairs: { type: 'string', default: '20' },
  },
});
const threads = Number(values.threads), pairs = Number(values.pairs);
if (!values.base) throw new Error('--base <checkout> is required');
if (!(Number.isInteger(threads) && threads >= 1 && Number.isInteger(pairs) && pairs >= 1)) {
  throw new Error('--threads and --pairs must be positive integers');
}

async function stepOf(root: string): Promise<() => void> {
  if (!existsSync(join(root, 'src/index.ts')) || !existsSync(join(root, 'build/wasm'))) {
    throw new Error(`--base ${root}: not a built striate checkout (src/index.ts and build/wasm, from npm run build:wasm, expected there)`);
  }
  const load = (path: string) => import(pathToFileURL(join(root, path)).href);
  const st = await load('src/index.js');
  st.setBackend('wasm');
  st.setNumThreads(threads);
  return (await load('bench/lib/steps.js')).profiledStep(values.workload).step;
}
const base = await stepOf(isAbsolute(values.base) ? values.base : resolve(process.cwd(), values.base));
const here = await stepOf(fileURLToPath(new URL('..', import.meta.url)));
for (let i = 0; i < 8; i++) { base(); here(); }

const timed = (f: () => void) => { const t = performance.now(); f(); return performance.now() - t; };
const a: number[] = [], b: number[] = [], ratio: number[] = [];
for (let i = 0; i < pairs; i++) {
  let x: number, y: number;
  if (i % 2 === 0) { x = timed(base); y = timed(here); } else { y = timed(here); x = timed(base); }
  a.push(x); b.push(y); ratio.push(y / x);
}
const median = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1]!;
const ms = (v: number[]) => `${Math.min(...v).toFixed(1)} / ${median(v).toFixed(1)}`;
console.log(`${values.workload}, ${threads} thread(s), ${pairs} pairs: base ms (min / median) ${ms(a)} | this checkout ${ms(b)} | median of this ÷ base ${median(ratio).toFixed(3)}`);
process.exit(0);
