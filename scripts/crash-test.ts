// npm run crash-test [-- kills [seed]]: training killed with SIGKILL at random moments and resumed
// each time must end exactly where an uninterrupted run ends. One reference run of `striate train`
// (LeNet-5, Adam, a Fashion-MNIST slice) is timed; then the same command runs again and again,
// with --resume from its last full checkpoint once one exists, each run killed at a random moment
// between its start and 1.5 epochs into its training (default 20 kills, so they land in start-up,
// mid-epoch and mid-save, and the run advances by an epoch at most per kill); after each kill the
// checkpoint must load.
// A final run finishes the training; its best and last files must hold the reference's tensors
// bit for bit. Prints every kill (moment, epochs done) and exits 1 on any difference.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelFileSync } from '../src/io/node-model-file.js';
import { STRIATE_BIN } from '../src/cli/run-cli.js';
import { Rng } from '../src/tensor/rng.js';

const kills = Number(process.argv[2] ?? 20);
const seed = Number(process.argv[3] ?? 1);
const EPOCHS = 16;
const base = ['train', '-m', 'lenet5', '--limit', '20', '--epochs', String(EPOCHS), '--optimizer', 'adam', '--lr', '0.003',
  '--seed', '1', '--progress', 'none'];

/** Runs `striate ...args`; kills it with SIGKILL after `killAfterMs` if given. Resolves to exit code or signal. */
function striate(args: string[], killAfterMs?: number): Promise<{ code: number | null; signal: string | null; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [STRIATE_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = killAfterMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (code !== 0 && signal === null) reject(new Error(`striate ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ code, signal, ms: performance.now() - t0 });
    });
  });
}

const tensorsOf = (path: string) => readModelFileSync(path).tensors;

function compare(what: string, got: string, want: string): number {
  const a = tensorsOf(got);
  const b = tensorsOf(want);
  let diffs = 0;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[k]?.data;
    const y = b[k]?.data;
    const same = x !== undefined && y !== undefined && x.length === y.length &&
      Buffer.compare(Buffer.from(x.buffer, x.byteOffset, x.byteLength), Buffer.from(y.buffer, y.byteOffset, y.byteLength)) === 0;
    if (!same) {
      diffs++;
      console.log(`  ${what}: tensor ${k} differs`);
    }
  }
  return diffs;
}

const dir = mkdtempSync(join(tmpdir(), 'striate-crash-'));
const ref = join(dir, 'ref', 'best.safetensors');
const run = join(dir, 'run', 'best.safetensors');
const last = join(dir, 'run', 'best.last.safetensors');
const reference = await striate([...base, '-c', ref]);
// The history in the reference's last state says how long its epochs took; the rest is start-up and the final test.
const epochSeconds = (JSON.parse(readModelFileSync(join(dir, 'ref', 'best.last.safetensors')).metadata.raw['striate.resume']!) as
  { loop: { epochs: { seconds: number }[] } }).loop.epochs.map((e) => e.seconds * 1000);
const epochMs = epochSeconds.reduce((a, b) => a + b, 0) / EPOCHS;
const startMs = reference.ms - EPOCHS * epochMs;
console.log(`reference run: ${EPOCHS} epochs in ${(reference.ms / 1000).toFixed(1)} s (start-up and test ${(startMs / 1000).toFixed(1)} s, ${(epochMs / 1000).toFixed(2)} s an epoch)`);

const rng = new Rng(seed);
let resumedRuns = 0;
for (let k = 1; k <= kills; k++) {
  const resume = existsSync(last) ? ['--resume', last] : [];
  if (resume.length) resumedRuns++;
  const at = Math.round(rng.uniform() * (startMs + 1.5 * epochMs));
  const r = await striate([...base, '-c', run, ...resume], at);
  let state = 'no checkpoint yet';
  if (existsSync(last)) {
    const meta = readModelFileSync(last).metadata; // throws if the file does not load
    state = `checkpoint after epoch ${(JSON.parse(meta.raw['striate.resume']!) as { loop: { epoch: number } }).loop.epoch}`;
  }
  console.log(`kill ${String(k).padStart(2)}: SIGKILL at ${String(at).padStart(5)} ms${r.signal ? '' : ' (had finished)'}${resume.length ? ', resumed' : ''}; ${state}`);
}
const final = await striate([...base, '-c', run, ...(existsSync(last) ? ['--resume', last] : [])]);
console.log(`final run finished in ${(final.ms / 1000).toFixed(1)} s`);
const diffs = compare('last state', last, join(dir, 'ref', 'best.last.safetensors')) + compare('best model', run, ref);
console.log(`${kills} kills, ${resumedRuns} resumed runs: ${diffs === 0 ? 'final weights, optimiser state and best model equal the uninterrupted run\'s, bit for bit' : `${diffs} tensors differ`}`);
process.exit(diffs === 0 ? 0 : 1);
