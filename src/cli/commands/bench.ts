// `striate bench`: runs the benchmark harness in bench/ (`npm run bench`), passing options through.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { choiceArg, intArg } from '../args.js';
import { DEVICE_OPTION, type CliDevice } from '../device.js';
import type { CliIo } from '../io.js';

/** The repository root: the nearest folder above this file holding package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('bench: cannot find the striate package root (no package.json above the CLI)');
    dir = up;
  }
  return dir;
}

// As bench/lib/workloads.ts and bench/lib/report.ts (the library cannot import the harness).
const WORKLOADS = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W8'] as const;
const PEERS = ['striate', 'tfjs-cpu', 'tfjs-wasm', 'onnxruntime', 'pytorch', 'pytorch-openblas'] as const;

/** Parser for a comma-separated list whose items each pass `item`. */
function listArg<T>(item: (v: string) => T): (value: string) => T[] {
  return (value) => value.split(',').map((v) => item(v.trim()));
}

interface BenchOptions {
  quick?: boolean;
  write: boolean;
  peers?: string[];
  workloads?: string[];
  threads?: number[];
  rounds?: number;
  device: CliDevice;
}

export function registerBench(program: Command, io: CliIo): void {
  program
    .command('bench')
    .description('run the benchmark harness (bench/, `npm run bench`) against the peer libraries')
    .option('--quick', 'short measurements (does not write BENCHMARKS.md)')
    .option('--peers <list>', `comma-separated: ${PEERS.join(', ')}`, listArg(choiceArg(PEERS)))
    .option('--workloads <list>', `comma-separated: ${WORKLOADS.join(', ')} (see bench/lib/workloads.ts)`, listArg(choiceArg(WORKLOADS)))
    .option('--threads <list>', 'comma-separated thread counts, e.g. 1,2', listArg(intArg(1)))
    .option('--rounds <n>', 'rounds over all peers, each figure the best round\'s median (default 2)', intArg(1))
    .option('--no-write', 'do not write BENCHMARKS.md')
    .option(...DEVICE_OPTION)
    .addHelpText('after', `
A full run takes about 25 minutes and writes BENCHMARKS.md; choosing peers, workloads or threads
(or --quick) prints the table only.

Examples:
  striate bench
  striate bench --quick --peers striate,pytorch --workloads W1,W6 --threads 1
  striate bench --device webgpu   (the GPU benchmark: striate, tfjs-webgpu and PyTorch CUDA where present)`)
    .action(async (opts: BenchOptions) => {
      const root = packageRoot();
      const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
      if (!pkg.scripts?.bench || !existsSync(join(root, 'bench'))) {
        throw new Error(`bench: no benchmark harness here (needs a bench/ folder and a "bench" script in ${join(root, 'package.json')})`);
      }
      const args = opts.device === 'webgpu' ? [
        '--device', 'webgpu', ...(opts.quick ? ['--quick'] : []),
        ...(opts.workloads ? ['--workloads', opts.workloads.join(',')] : []),
      ] : [
        ...(opts.quick ? ['--quick'] : []), ...(opts.write ? [] : ['--no-write']),
        ...(opts.peers ? ['--peers', opts.peers.join(',')] : []),
        ...(opts.workloads ? ['--workloads', opts.workloads.join(',')] : []),
        ...(opts.threads ? ['--threads', opts.threads.join(',')] : []),
        ...(opts.rounds ? ['--rounds', String(opts.rounds)] : []),
      ];
      const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(npm, ['run', '--silent', 'bench', '--', ...args], { cwd: root, stdio: ['inherit', 'pipe', 'pipe'] });
        child.stdout.on('data', (d: Buffer) => io.out(d.toString()));
        child.stderr.on('data', (d: Buffer) => io.err(d.toString()));
        child.on('error', (e) => reject(new Error(`bench: cannot start npm (${e.message})`)));
        child.on('close', (c) => resolve(c ?? 1));
      });
      if (code !== 0) throw new Error(`bench: the harness exited with code ${code}`);
    });
}
