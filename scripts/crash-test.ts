// npm run crash-test [-- kills [seed]]: training killed with SIGKILL at random moments and resumed
// each time must end exactly where an uninterrupted run ends. One reference run of `striate train`
// (LeNet-5, Adam, 40 short epochs of 9 steps on a Fashion-MNIST slice, a full checkpoint every 2
// steps and after every epoch) is timed; then the same command runs again and again, with --resume
// from its last full checkpoint once one exists (mostly one taken inside an epoch), each run killed
// at a random moment (default 20 kills): every fourth during start-up, the others once the run has
// written a random number (0 to 13) of checkpoints, after a random part of the reference's time
// between two checkpoints, so kills land mid-step, mid-epoch and mid-save however busy the machine
// is. After each kill the checkpoint must load. A final run finishes the training; its best and
// last files must hold the reference's tensors bit for bit. Prints every kill (moment, epoch and
// step of the checkpoint it resumed from and of the one it left) and exits 1 on any difference.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
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

/** When to kill a run: `ms` after its start, or `ms` after it wrote `saves` checkpoints to `watch` (0: after its "Training" line). */
type Kill = { ms: number; start: true } | { ms: number; saves: number; watch: string };

const mtime = (path: string): number => (existsSync(path) ? statSync(path).mtimeMs : NaN);

/**
 * Runs `striate ...args`, killed as `kill` says. Resolves to the exit code or signal, the run's
 * ms, when its "Training" line came and when each new version of `watch` appeared (ms after the start).
 */
function striate(args: string[], kill?: Kill, watch?: string): Promise<{ code: number | null; signal: string | null; ms: number; trainingAt: number; saves: number[] }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [STRIATE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let timer: NodeJS.Timeout | null = null;
    let trainingAt = NaN;
    const saves: number[] = [];
    const watched = kill && 'watch' in kill ? kill.watch : watch;
    let seen = watched ? mtime(watched) : NaN;
    const arm = () => { timer ??= setTimeout(() => child.kill('SIGKILL'), kill!.ms); };
    // A rename puts each new checkpoint in place, so a changed mtime is one more save.
    const poll = watched ? setInterval(() => {
      const m = mtime(watched);
      if (m === seen || Number.isNaN(m)) return;
      seen = m;
      saves.push(performance.now() - t0);
      if (kill && 'saves' in kill && !Number.isNaN(trainingAt) && saves.length >= kill.saves) arm();
    }, 2) : null;
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout.on('data', (d: Buffer) => {
      if (!d.toString().includes('Training ')) return;
      trainingAt = performance.now() - t0;
      saves.length = 0;
      if (kill && 'saves' in kill && kill.saves === 0) arm();
    });
    if (kill && 'start' in kill) arm();
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      if (code !== 0 && signal === null) reject(new Error(`striate ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ code, signal, ms: performance.now() - t0, trainingAt, saves });
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
const reference = await striate([...base, '-c', ref], undefined, join(dir, 'ref', 'best.last.safetensors'));
// The median time between two checkpoint saves: a killed run is stopped a random part of it after a save.
const gaps = reference.saves.slice(1).map((t, i) => t - reference.saves[i]!).sort((x, y) => x - y);
const gapMs = gaps[gaps.length >> 1]!;
const startMs = reference.trainingAt;
console.log(`reference run: ${EPOCHS} epochs in ${(reference.ms / 1000).toFixed(1)} s (start-up ${(startMs / 1000).toFixed(1)} s, ` +
  `${reference.saves.length} checkpoint saves, ${gapMs.toFixed(0)} ms apart (median))`);

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
  const saves = Math.floor(rng.uniform() * 14);
  const kill: Kill = inTraining ? { ms: Math.round(rng.uniform() * gapMs), saves, watch: last } : { ms: Math.round(rng.uniform() * startMs), start: true };
  const r = await striate([...base, '-c', run, ...resume], kill);
  const left = checkpointAt();
  console.log(`kill ${String(k).padStart(2)}: SIGKILL ${String(kill.ms).padStart(5)} ms after ${inTraining ? (saves ? `${String(saves).padStart(2)} checkpoint saves` : 'training began') : 'the start'}` +
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
