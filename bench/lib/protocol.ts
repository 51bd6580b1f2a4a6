// The line protocol between the harness and a peer process (JavaScript or Python): the peer
// prints one `META {json}` line, then one `BENCH {json}` line per workload, on stdout; anything
// else it prints is ignored. bench/torch_bench.py speaks the same protocol.
import { ALL_WORKLOADS, isWorkloadId, type WorkloadId } from './workloads.js';

export interface PeerMeta {
  /** What ran, e.g. 'striate (wasm backend)' or 'onnxruntime-node 1.23.0'. */
  engine: string;
  /** Threads the peer reports it actually uses (may differ from the request). */
  threads: number;
  notes?: string[];
}

export type ResultStatus = 'ok' | 'unsupported' | 'timeout' | 'error';

export interface PeerResult {
  workload: WorkloadId;
  status: ResultStatus;
  /** Median time per iteration (status 'ok'). */
  ms?: number;
  reps?: number;
  /** Why it is unsupported, the error / timeout, or a remark on an 'ok' figure. */
  note?: string;
}

export function emitMeta(meta: PeerMeta): void {
  process.stdout.write(`META ${JSON.stringify(meta)}\n`);
}

export function emitResult(r: PeerResult): void {
  process.stdout.write(`BENCH ${JSON.stringify(r)}\n`);
}

export interface PeerArgs {
  threads: number;
  workloads: WorkloadId[];
  /** `--key value` pairs other than the two above. */
  options: Record<string, string>;
}

/** Parses `--threads N --workloads W1,W2 [--key value ...]`. */
export function parsePeerArgs(argv: readonly string[]): PeerArgs {
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || i + 1 >= argv.length) throw new Error(`bench peer: bad argument '${a}' in ${argv.join(' ')}`);
    options[a.slice(2)] = argv[++i];
  }
  const threads = Number(options.threads ?? '1');
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`bench peer: --threads needs a positive integer, got '${options.threads}'`);
  const list = (options.workloads ?? ALL_WORKLOADS.join(',')).split(',').filter(Boolean);
  const bad = list.filter((w) => !isWorkloadId(w));
  if (bad.length) throw new Error(`bench peer: unknown workloads ${bad.join(', ')} (expected ${ALL_WORKLOADS.join(', ')})`);
  delete options.threads;
  delete options.workloads;
  return { threads, workloads: list as WorkloadId[], options };
}

/**
 * Runs each requested workload through `run`, which returns a median time or throws; an error
 * whose message starts with 'unsupported:' is reported as unsupported, anything else as error.
 */
export async function runWorkloads(
  workloads: readonly WorkloadId[],
  run: (w: WorkloadId) => Promise<{ ms: number; reps: number; note?: string }>,
): Promise<void> {
  for (const w of workloads) {
    try {
      const { ms, reps, note } = await run(w);
      emitResult({ workload: w, status: 'ok', ms, reps, ...(note ? { note } : {}) });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const unsupported = msg.startsWith('unsupported:');
      emitResult({ workload: w, status: unsupported ? 'unsupported' : 'error', note: unsupported ? msg.slice(12).trim() : msg.split('\n')[0] });
    }
  }
}

/** Throws the error runWorkloads reports as 'unsupported'. */
export function unsupported(why: string): never {
  throw new Error(`unsupported: ${why}`);
}

/** Parses one stdout line of a peer; null for lines that are not protocol lines. */
export function parseLine(line: string): { meta: PeerMeta } | { result: PeerResult } | null {
  if (line.startsWith('META ')) return { meta: JSON.parse(line.slice(5)) as PeerMeta };
  if (line.startsWith('BENCH ')) return { result: JSON.parse(line.slice(6)) as PeerResult };
  return null;
}
