// Runs one peer process (one engine at one thread count) under a wall-time cap per workload.
// A workload that overruns its cap gets its process killed and is reported as a timeout; the
// process is then restarted for the workloads still to do, so one slow peer never hangs the run.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseLine, type PeerMeta, type PeerResult } from './protocol.js';
import type { WorkloadId } from './workloads.js';

export interface PeerSpec {
  /** Short label, e.g. 'tfjs-wasm'. */
  peer: string;
  threads: number;
  command: string;
  /** Arguments before `--threads N --workloads ...`. */
  args: string[];
  workloads: WorkloadId[];
  /** Wall-time cap per workload in ms (warm-up and repetitions included). */
  capMs: (w: WorkloadId) => number;
  /** Extra time for the process to start and load (imports, model building). */
  startupMs: number;
  env?: NodeJS.ProcessEnv;
  /** Called with each finished result as it arrives (for live progress). */
  onResult?: (r: PeerResult) => void;
}

export interface PeerRun {
  peer: string;
  threads: number;
  meta: PeerMeta | null;
  results: PeerResult[];
}

interface Attempt {
  done: PeerResult[];
  meta: PeerMeta | null;
  /** The workload that hit its cap, if the process was killed. */
  timedOut: WorkloadId | null;
  exitCode: number | null;
  stderrTail: string;
}

function attempt(spec: PeerSpec, todo: WorkloadId[]): Promise<Attempt> {
  return new Promise((resolve) => {
    const args = [...spec.args, '--threads', String(spec.threads), '--workloads', todo.join(',')];
    const child = spawn(spec.command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...spec.env } });
    const out: Attempt = { done: [], meta: null, timedOut: null, exitCode: null, stderrTail: '' };
    const pending = [...todo];
    let timer: NodeJS.Timeout | undefined;
    // One timer at a time: the cap of the next pending workload, or, once all are reported, a
    // grace period for the process to exit by itself.
    const arm = (extra: number) => {
      clearTimeout(timer);
      const next = pending[0];
      timer = setTimeout(() => {
        if (next) out.timedOut = next;
        child.kill('SIGKILL');
      }, next ? spec.capMs(next) + extra : 30_000);
    };
    arm(spec.startupMs);
    createInterface({ input: child.stdout }).on('line', (line) => {
      let parsed: ReturnType<typeof parseLine>;
      try {
        parsed = parseLine(line);
      } catch {
        return; // a garbled protocol line is ignored; the cap still applies
      }
      if (!parsed) return;
      if ('meta' in parsed) {
        out.meta = parsed.meta;
      } else {
        const i = pending.indexOf(parsed.result.workload);
        if (i < 0) return; // not asked for, or reported twice
        pending.splice(i, 1);
        out.done.push(parsed.result);
        spec.onResult?.(parsed.result);
      }
      arm(0);
    });
    child.stderr.on('data', (d: Buffer) => {
      out.stderrTail = (out.stderrTail + d.toString()).slice(-2000);
    });
    let settled = false;
    const finish = (code: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      out.exitCode = code;
      resolve(out);
    };
    // A command that cannot start (ENOENT) may report only 'error', never 'close'.
    child.on('error', (e) => {
      out.stderrTail += `\n${e.message}`;
      if (child.pid === undefined) finish(null);
    });
    child.on('close', finish);
  });
}

/** Runs every workload of `spec`, restarting the process after a timeout or a crash. */
export async function runPeer(spec: PeerSpec): Promise<PeerRun> {
  const run: PeerRun = { peer: spec.peer, threads: spec.threads, meta: null, results: [] };
  let todo = [...spec.workloads];
  while (todo.length > 0) {
    const a = await attempt(spec, todo);
    run.meta = a.meta ?? run.meta;
    run.results.push(...a.done);
    const finished = new Set(a.done.map((r) => r.workload));
    todo = todo.filter((w) => !finished.has(w));
    if (todo.length === 0) break;
    const failed = todo[0];
    let r: PeerResult;
    if (a.timedOut === failed) {
      r = { workload: failed, status: 'timeout', note: `no result within ${Math.round(spec.capMs(failed) / 1000)} s` };
    } else {
      const last = a.stderrTail.trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
      r = { workload: failed, status: 'error', note: `process exited with code ${a.exitCode}${last ? `: ${last.slice(0, 300)}` : ''}` };
    }
    run.results.push(r);
    spec.onResult?.(r);
    todo = todo.slice(1);
  }
  return run;
}

/** Per peer and thread count, each workload's fastest 'ok' median over the rounds (else the last result). */
export function bestOfRounds(runs: readonly PeerRun[]): PeerRun[] {
  const merged = new Map<string, PeerRun>();
  for (const run of runs) {
    const key = `${run.peer}/${run.threads}`;
    const m = merged.get(key);
    if (!m) {
      merged.set(key, { ...run, results: [...run.results] });
      continue;
    }
    m.meta ??= run.meta;
    for (const r of run.results) {
      const i = m.results.findIndex((x) => x.workload === r.workload);
      const old = i >= 0 ? m.results[i]! : undefined;
      const better = !old || (r.status === 'ok' && (old.status !== 'ok' || (r.ms ?? Infinity) < (old.ms ?? Infinity)));
      if (!better) continue;
      if (i >= 0) m.results[i] = r;
      else m.results.push(r);
    }
  }
  return [...merged.values()];
}
