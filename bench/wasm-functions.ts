// Where a workload step's time goes, WebAssembly function by function: V8's sampling profiler over
// --steps steps (after --warmup seconds of steps), each function's self time per step, the wasm
// functions named from the text format of the kernels build in use (scripts/build-wasm.mjs --text:
// the release binaries carry no names). Finer than bench/profile.ts's kernel calls: a kernel's
// transforms, copies and GEMM micro-kernels apart. The calling thread only: at 2 threads the
// worker's parts are not in it, the caller's wait for them is (under the thread pool's `run`).
//   npx tsx bench/wasm-functions.ts [--workload W8] [--threads 1] [--steps 20] [--warmup 6] [--top 30]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as st from '../src/index.js';
import { detectFeatures, variantName } from '../src/kernels/wasm/loader.js';
import { profiledStep } from './lib/steps.js';

const { values } = parseArgs({
  options: {
    workload: { type: 'string', default: 'W8' }, threads: { type: 'string', default: '1' },
    steps: { type: 'string', default: '20' }, warmup: { type: 'string', default: '6' }, top: { type: 'string', default: '30' },
  },
});
const threads = Number(values.threads), steps = Number(values.steps), warmup = Number(values.warmup), top = Number(values.top);
if (![threads, steps, top].every((v) => Number.isInteger(v) && v >= 1) || !(warmup >= 0)) {
  throw new Error('--threads, --steps and --top must be positive integers, --warmup a number of seconds');
}

// Function k of the module is the k-th `(func` of its text (the module imports its memory only).
const dir = mkdtempSync(join(tmpdir(), 'striate-wat-'));
let names: string[];
try {
  const script = fileURLToPath(new URL('../scripts/build-wasm.mjs', import.meta.url));
  execFileSync(process.execPath, [script, '--text', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  const wat = readFileSync(join(dir, `${variantName(await detectFeatures())}.wat`), 'utf8');
  names = [...wat.matchAll(/^ \(func \$(\S+)/gm)].map((m) => m[1]!.replace(/^.*src\/kernels\/wasm\/assembly\//, ''));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

st.setBackend('wasm');
st.setNumThreads(threads);
const { title, step } = profiledStep(values.workload);
for (const t0 = performance.now(); performance.now() - t0 < warmup * 1000;) step();

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const ms = (performance.now() - t0) / steps;
const { profile } = await session.post('Profiler.stop');

const selfMs = new Map<number, number>();
profile.samples!.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas![i] ?? 0) / 1000));
const byName = new Map<string, number>();
for (const node of profile.nodes) {
  const f = node.callFrame, wasm = /^wasm-function\[(\d+)\]$/.exec(f.functionName);
  const name = wasm ? `wasm ${names[Number(wasm[1])] ?? f.functionName}` : `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}`;
  byName.set(name, (byName.get(name) ?? 0) + (selfMs.get(node.id) ?? 0) / steps);
}
console.log(`${title}, ${threads} thread(s): ${ms.toFixed(1)} ms a step over ${steps} steps; self time per step, ms:`);
for (const [name, t] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${t.toFixed(2).padStart(8)}  ${(100 * t / ms).toFixed(1).padStart(5)}%  ${name}`);
}
process.exit(0);
