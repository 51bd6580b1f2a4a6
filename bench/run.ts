// `npm run bench`: every workload of issue 4 on striate and, in the same run, on its peers
// (tfjs-cpu, tfjs-wasm, onnxruntime-node, PyTorch), at 1 and 2 threads; prints a table of
// figures and ratios and writes BENCHMARKS.md.
//   npm run bench                                  full run (~25 min), writes BENCHMARKS.md
//   npm run bench -- --quick                       short measurements, does not write the file
//   npm run bench -- --peers striate,pytorch --workloads W1,W6 --threads 1 [--rounds 1] [--out FILE]
//   npm run bench -- --device webgpu [--quick] [--tiny]   the GPU benchmark (bench/lib/gpu-run.ts)
// Every peer runs in each of --rounds rounds (default 2), one round after the other; a figure is
// the best of its rounds' medians, so a peer that ran while the machine was busy gets a second
// chance at the same conditions as the others (this VM's speed drifts by ±20% over minutes).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, type } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, isWorkloadId, WORKLOADS, ALL_WORKLOADS, type WorkloadId } from './lib/workloads.js';
import { markdown, tables, withSection, PEER_ORDER, RUN_SECTION, type Report } from './lib/report.js';
import { bestOfRounds, runPeer, type PeerRun, type PeerSpec } from './lib/runner.js';
import { runGpuBench } from './lib/gpu-run.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const PYTHON = '/usr/bin/python3';
// Debian's PyTorch calls whichever libblas.so.3 the loader finds: the reference BLAS (what a plain
// install gives) or OpenBLAS (libopenblas0-pthread, which also takes over the system default).
// Both peers name their library explicitly, so each measures what its name says on any machine.
const BLAS_DIRS: Record<string, string> = {
  pytorch: '/usr/lib/x86_64-linux-gnu/blas',
  'pytorch-openblas': '/usr/lib/x86_64-linux-gnu/openblas-pthread',
};
const ONNX_DIR = join(ROOT, '.cache', 'bench', 'onnx');

interface Options {
  quick: boolean;
  write: boolean;
  out: string;
  peers: string[];
  threads: number[];
  workloads: WorkloadId[];
  rounds: number;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { quick: false, write: true, out: join(ROOT, 'BENCHMARKS.md'), peers: [...PEER_ORDER], threads: [1, 2], workloads: [...ALL_WORKLOADS], rounds: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`bench: ${a} needs a value`);
      return argv[++i];
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--no-write') o.write = false;
    else if (a === '--out') o.out = value();
    else if (a === '--peers') o.peers = value().split(',');
    else if (a === '--threads') o.threads = value().split(',').map(Number);
    else if (a === '--workloads') o.workloads = value().split(',') as WorkloadId[];
    else if (a === '--rounds') o.rounds = Number(value());
    else throw new Error(`bench: unknown option '${a}' (try --quick, --no-write, --out FILE, --peers, --threads, --workloads, --rounds)`);
  }
  const badPeer = o.peers.filter((p) => !PEER_ORDER.includes(p));
  if (badPeer.length) throw new Error(`bench: unknown peers ${badPeer.join(', ')} (expected ${PEER_ORDER.join(', ')})`);
  const badW = o.workloads.filter((w) => !isWorkloadId(w));
  if (badW.length) throw new Error(`bench: unknown workloads ${badW.join(', ')} (expected ${ALL_WORKLOADS.join(', ')})`);
  if (o.threads.some((t) => !Number.isInteger(t) || t < 1)) throw new Error(`bench: --threads needs positive integers, got ${o.threads.join(',')}`);
  if (!Number.isInteger(o.rounds) || o.rounds < 1) throw new Error(`bench: --rounds needs a positive integer, got ${o.rounds}`);
  // A partial or quick run must not overwrite the committed full figures (unless --out says where).
  const partial = o.quick || argv.some((a) => a === '--peers' || a === '--threads' || a === '--workloads');
  if (partial && !argv.includes('--out')) o.write = false;
  return o;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1].trim();
  } catch {
    // not Linux: fall through to os.cpus()
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** CPU ticks from /proc: all CPUs busy and total, and this process plus its finished children. */
function cpuTicks(): { busy: number; total: number; ours: number } | null {
  try {
    const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
    const busy = user + nice + system + irq + softirq + (steal ?? 0);
    const self = readFileSync('/proc/self/stat', 'utf8');
    const g = self.slice(self.lastIndexOf(')') + 2).split(' ').map(Number);
    // utime, stime, cutime, cstime are fields 14–17, i.e. 11–14 after "pid (comm) ".
    return { busy, total: busy + idle + iowait, ours: g[11] + g[12] + g[13] + g[14] };
  } catch {
    return null; // not Linux
  }
}

/** Share of the machine's CPU time that other processes used between two cpuTicks(). */
function othersShare(a: ReturnType<typeof cpuTicks>, b: ReturnType<typeof cpuTicks>): number | null {
  if (!a || !b || b.total === a.total) return null;
  return Math.max(0, (b.busy - a.busy - (b.ours - a.ours)) / (b.total - a.total));
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${head} (with uncommitted changes under src/)` : head;
  } catch {
    return 'unknown';
  }
}

/** Exports the ONNX models once per torch version; returns null when ready, else why not. */
function exportOnnx(notes: string[]): string | null {
  const stamp = join(ONNX_DIR, 'export.json');
  const note = (torch: string, how: string) =>
    notes.push(`ONNX models for onnxruntime: written by bench/export_onnx.py (torch ${torch}; torchvision architectures, random weights, opset 13) into ${relative(ROOT, ONNX_DIR)}/ ${how}.`);
  if (existsSync(stamp)) {
    const s = JSON.parse(readFileSync(stamp, 'utf8')) as { files: string[]; torch: string };
    if (s.files.every((f) => existsSync(f))) {
      note(s.torch, 'by an earlier run (cached)');
      return null;
    }
  }
  process.stderr.write(`exporting ONNX models with ${PYTHON} bench/export_onnx.py ...\n`);
  const r = spawnSync(PYTHON, [join(BENCH, 'export_onnx.py'), '--out', ONNX_DIR], { encoding: 'utf8', timeout: 300_000 });
  if (r.error) return `could not run ${PYTHON}: ${r.error.message}`;
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const res = JSON.parse(line) as { ok: boolean; error?: string; files?: string[]; torch?: string };
    if (!res.ok) return res.error ?? 'export failed';
    writeFileSync(stamp, JSON.stringify(res));
    note(res.torch ?? '?', 'in this run');
    return null;
  } catch {
    return `bench/export_onnx.py failed: ${(r.stderr || line).trim().split('\n').pop()}`;
  }
}

function specs(o: Options, notes: string[]): PeerSpec[] {
  const tsx = (file: string, extra: string[] = []) => ({ command: process.execPath, args: ['--import', 'tsx', join(BENCH, 'peers', file), ...extra] });
  const cap = (s: number) => () => s * 1000;
  const out: PeerSpec[] = [];
  const base = { workloads: o.workloads, env: o.quick ? { BENCH_TARGET_MS: '300' } : {} };
  for (const peer of o.peers) {
    for (const threads of o.threads) {
      if (peer === 'striate') out.push({ peer, threads, ...base, ...tsx('striate.ts'), capMs: cap(150), startupMs: 30_000 });
      if (peer === 'tfjs-cpu' && threads === 1) out.push({ peer, threads, ...base, ...tsx('tfjs.ts', ['--backend', 'cpu']), capMs: (w) => (w === 'W2' ? 300_000 : 150_000), startupMs: 30_000 });
      if (peer === 'tfjs-wasm') out.push({ peer, threads, ...base, ...tsx('tfjs.ts', ['--backend', 'wasm']), capMs: cap(90), startupMs: 30_000 });
      if (peer === 'onnxruntime') {
        const why = threads === o.threads[0] ? exportOnnx(notes) : existsSync(join(ONNX_DIR, 'export.json')) ? null : 'export failed';
        if (why) {
          if (threads === o.threads[0]) notes.push(`onnxruntime skipped: ${why}`);
          continue;
        }
        out.push({ peer, threads, ...base, ...tsx('ort.ts', ['--models', ONNX_DIR]), capMs: cap(90), startupMs: 30_000 });
      }
      if (peer === 'pytorch' || peer === 'pytorch-openblas') {
        const blas = BLAS_DIRS[peer]!;
        if (!existsSync(join(blas, 'libblas.so.3'))) {
          if (threads === o.threads[0]) notes.push(`${peer} skipped: ${blas}/libblas.so.3 is missing (apt-get install ${peer === 'pytorch' ? 'libblas3' : 'libopenblas0-pthread'})`);
          continue;
        }
        const env = { ...base.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), LD_LIBRARY_PATH: blas };
        out.push({ peer, threads, ...base, env, command: PYTHON, args: [join(BENCH, 'torch_bench.py'), '--blas', blas], capMs: cap(120), startupMs: 60_000 });
      }
    }
  }
  return out;
}

const NOTES = [
  'tfjs-cpu (@tensorflow/tfjs\' plain JavaScript kernels) is single-threaded, so it appears in the 1-thread rows only.',
  'tfjs-wasm: tfjs switches wasm threads off under Node; bench/peers/tfjs-wasm-threads.ts forces them on (WASM_HAS_MULTITHREAD_SUPPORT, worker scripts written to files instead of Blob URLs, os.cpus() reporting twice the wanted threads because tfjs caps its pool at half the logical cores). The thread count tfjs-wasm reported is in the raw table ("asked/used").',
  'tfjs-wasm cannot train convolutions: it has no Conv2DBackpropFilter kernel, so W2 and W3 are n/a for it. tfjs-cpu can, slowly: its W2 figure is timed at batch 1 and scaled ×8 (each pass is linear in the batch), because at batch 8 one iteration takes many minutes.',
  'onnxruntime-node runs inference only (W1, W4, W5); PyTorch runs every workload (torch.set_num_threads, one inter-op thread), as Debian builds it: "pytorch" with the reference BLAS (libblas3), "pytorch-openblas" with OpenBLAS (libopenblas0-pthread), chosen by LD_LIBRARY_PATH.',
  'tfjs runs NHWC (its native layout) with the same shapes and FLOPs; the tfjs ResNet-18/AlexNet/LeNet-5 are built in bench/peers/tfjs-models.ts with random weights.',
  'W2 counts three convolutions\' FLOPs (forward, input gradient, weight gradient); W3 images/s = 64 / step time.',
  'For judging how busy the machine was: on a quiet machine of this kind the peers gave (shared PERF-NOTES.md, 2 threads) tfjs-wasm W1 61 GFLOP/s, W6 62 GFLOP/s, W4 70 ms, W5 35 ms; onnxruntime W1 138 GFLOP/s, W4 18 ms, W5 14 ms; PyTorch W3 about 6,000 images/s at 1 thread; tfjs-cpu W3 17 images/s. Those figures are not from this run; every ratio above is.',
];

// One peer process (all its workloads at one thread count), with live progress on stderr.
async function runSpec(spec: PeerSpec, round: number, rounds: number, notes: string[]): Promise<PeerRun> {
  process.stderr.write(`\n== ${spec.peer}, ${spec.threads} thread(s)${rounds > 1 ? `, round ${round} of ${rounds}` : ''}\n`);
  spec.onResult = (r) => {
    const fig = r.status === 'ok' && r.ms !== undefined ? `${figure(r.workload, r.ms).toFixed(2)} ${WORKLOADS[r.workload].unit} (median ${r.ms.toFixed(1)} ms of ${r.reps})` : `${r.status}${r.note ? `: ${r.note}` : ''}`;
    process.stderr.write(`  ${r.workload}: ${fig}\n`);
  };
  const run = await runPeer(spec);
  if (run.meta) process.stderr.write(`  (${run.meta.engine}, ${run.meta.threads} thread(s) in use)\n`);
  for (const n of run.meta?.notes ?? []) notes.push(`${spec.peer} at ${spec.threads} thread(s): ${n}`);
  return run;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const device = argv.includes('--device') ? argv[argv.indexOf('--device') + 1] : 'cpu';
  if (device === 'webgpu') {
    process.exitCode = runGpuBench(argv, BENCH);
    return;
  }
  if (device !== 'cpu') throw new Error(`bench: --device must be cpu or webgpu, got '${device}'`);
  const o = parseOptions(argv.filter((a, i) => a !== '--device' && argv[i - 1] !== '--device'));
  const t0 = Date.now();
  const loadBefore = loadavg();
  const ticksBefore = cpuTicks();
  const notes: string[] = [...NOTES];
  const runs: PeerRun[] = [];
  const all = specs(o, notes);
  for (let round = 1; round <= o.rounds; round++) {
    for (const spec of all) runs.push(await runSpec(spec, round, o.rounds, notes));
  }
  const best = bestOfRounds(runs);
  const striate = best.find((r) => r.peer === 'striate');
  const report: Report = {
    machine: {
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
      cpu: cpuModel(),
      cores: cpus().length,
      node: process.version,
      os: `${type()} ${release()}`,
      commit: gitCommit(),
      loadBefore,
      loadAfter: loadavg(),
      othersCpu: othersShare(ticksBefore, cpuTicks()),
      durationS: (Date.now() - t0) / 1000,
      rounds: o.rounds,
    },
    runs: best,
    notes: [...new Set(notes)],
  };
  process.stdout.write(`\nstriate backend: ${striate?.meta?.engine ?? 'did not start'}\n\n${tables(best, false)}\n`);
  if (o.write) {
    // Only this run's section is rewritten: the profile (bench/profile.ts) and the sections written
    // by hand (GPU, imported models, pass-by-pass figures) are measured separately and kept.
    const old = existsSync(o.out) ? readFileSync(o.out, 'utf8') : '';
    writeFileSync(o.out, withSection(old, RUN_SECTION, markdown(report)));
    process.stdout.write(`wrote ${relative(process.cwd(), o.out)}\n`);
  }
}

await main();
