// npm run crash-test [-- kills [seed]]: training killed with SIGKILL at random moments and resumed
// each time must end exactly where an uninterrupted run ends. One reference run of `striate train`
// (LeNet-5, Adam, 40 short epochs of 9 steps on a Fashion-MNIST slice, a full checkpoint every 2
// steps and after every epoch) is timed; then the same command runs again and again, with --resume
// from its last full checkpoint once one exists (mostly one taken inside an epoch), each run killed
// at a random moment (default 20 kills): every fourth during start-up, the others after training
// begins (timed from the command's "Training …" line) within 1.5 times the reference's wait for
// its first checkpoint plus 3 epochs, so kills land mid-epoch and mid-save on a fast or a busy
// machine alike; after each kill the checkpoint must load. A final run finishes the training; its
// best and last files must hold the reference's tensors bit for bit. Prints every kill (moment,
// epoch and step of the checkpoint left) and exits 1 on any difference.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelFileSync } from '../src/io/node-model-file.js';
import { STRIATE_BIN } from '../src/cli/run-cli.js';
import { Rng } from '../src/tensor/rng.js';

const kills = Number(process.argv[2] ?? 20);
const seed = Number(process.argv[3] ?? 1);
const EPOCHS = 40;
const base = ['train', '-m', 'lenet5', '--limit', '60', '--epochs', String(EPOCHS), '--optimizer', 'adam', '--lr', '0.003',
  '--seed', '1', '--progress', 'none', '--checkpoint-every', '2'];

/**
 * Runs `striate ...args`; with `kill`, sends SIGKILL `kill.ms` after the start, or after the
 * "Training" line when `kill.inTraining`. Resolves to the exit code or signal and the run's ms.
 */
function striate(args: string[], kill?: { ms: number; inTraining: boolean }): Promise<{ code: number | null; signal: string | null; ms: number; trainingAt: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [STRIATE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let timer: NodeJS.Timeout | null = null;
    let trainingAt = NaN;
    const arm = () => { timer ??= setTimeout(() => child.kill('SIGKILL'), kill!.ms); };
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout.on('data', (d: Buffer) => {
      if (!d.toString().includes('Training ')) return;
      trainingAt = performance.now() - t0;
      if (kill?.inTraining) arm();
    });
    if (kill && !kill.inTraining) arm();
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (code !== 0 && signal === null) reject(new Error(`striate ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ code, signal, ms: performance.now() - t0, trainingAt });
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
// While the reference runs, note when its first full checkpoint appears: the first epoch also pays
// for loading modules and warming up, so it is the measure of how late a kill may come.
const t0 = performance.now();
let firstCheckpointAt = NaN;
const poll = setInterval(() => { if (Number.isNaN(firstCheckpointAt) && existsSync(join(dir, 'ref', 'best.last.safetensors'))) firstCheckpointAt = performance.now() - t0; }, 5);
const reference = await striate([...base, '-c', ref]);
clearInterval(poll);
// Start-up runs until the "Training" line; the rest (epochs with their validation and saves, and
// the final test) divided by the epoch count is the wall time of an epoch.
const startMs = reference.trainingAt;
const epochMs = (reference.ms - startMs) / EPOCHS;
const firstMs = firstCheckpointAt - startMs;
console.log(`reference run: ${EPOCHS} epochs in ${(reference.ms / 1000).toFixed(1)} s (start-up ${(startMs / 1000).toFixed(1)} s, ` +
  `first checkpoint ${(firstMs / 1000).toFixed(2)} s after training began, ${(epochMs / 1000).toFixed(2)} s an epoch)`);

const rng = new Rng(seed);
/** Where the last full checkpoint stands: epochs done and steps into the next, or null when there is none. */
function checkpointAt(): { epoch: number; step: number } | null {
  if (!existsSync(last)) return null;
  const meta = readModelFileSync(last).metadata; // throws if the file does not load
  const { loop } = JSON.parse(meta.raw['striate.resume']!) as { loop: { epoch: number; inEpoch?: { step: number } | null } };
  return { epoch: loop.epoch, step: loop.inEpoch?.step ?? 0 };
}
const where = (at: { epoch: number; step: number }) => at.step ? `epoch ${at.epoch + 1}, step ${at.step}` : `the end of epoch ${at.epoch}`;

let resumedRuns = 0;
let midEpochResumes = 0;
for (let k = 1; k <= kills; k++) {
  const from = checkpointAt();
  const resume = from ? ['--resume', last] : [];
  if (from) resumedRuns++;
  if (from?.step) midEpochResumes++;
  const inTraining = k % 4 !== 0;
  const at = Math.round(rng.uniform() * (inTraining ? 1.5 * firstMs + 3 * epochMs : startMs));
  const r = await striate([...base, '-c', run, ...resume], { ms: at, inTraining });
  const left = checkpointAt();
  console.log(`kill ${String(k).padStart(2)}: SIGKILL ${String(at).padStart(5)} ms after ${inTraining ? 'training began' : 'the start'}` +
    `${r.signal ? '' : ' (had finished)'}${from ? `, resumed from ${where(from)}` : ''}; ${left ? `checkpoint at ${where(left)}` : 'no checkpoint yet'}`);
}
const finalFrom = checkpointAt();
if (finalFrom) resumedRuns++;
if (finalFrom?.step) midEpochResumes++;
const final = await striate([...base, '-c', run, ...(finalFrom ? ['--resume', last] : [])]);
console.log(`final run${finalFrom ? ` (resumed from ${where(finalFrom)})` : ''} finished in ${(final.ms / 1000).toFixed(1)} s`);
const diffs = compare('last state', last, join(dir, 'ref', 'best.last.safetensors')) + compare('best model', run, ref);
console.log(`${kills} kills, ${resumedRuns} resumed runs (${midEpochResumes} from inside an epoch): ${diffs === 0 ? 'final weights, optimiser state and best model equal the uninterrupted run\'s, bit for bit' : `${diffs} tensors differ`}`);
process.exit(diffs === 0 ? 0 : 1);
