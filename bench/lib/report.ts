// Turns the peers' results into the console table and BENCHMARKS.md. Every cell shows the
// workload's figure (GFLOP/s, images/s or ms) and, for peers, striate's speed ratio against that
// peer at the same thread count (>1× means striate is faster).
import { figure, speedRatio, WORKLOADS, type WorkloadId } from './workloads.js';
import type { PeerResult } from './protocol.js';
import type { PeerRun } from './runner.js';

export interface MachineInfo {
  date: string;
  command: string;
  cpu: string;
  cores: number;
  node: string;
  os: string;
  commit: string;
  loadBefore: number[];
  loadAfter: number[];
  /** Share of all CPU time other processes used during the run (null where unknown). */
  othersCpu: number | null;
  durationS: number;
  /** Rounds every peer ran; each figure is the best of its rounds' medians. */
  rounds: number;
}

export interface Report {
  machine: MachineInfo;
  runs: PeerRun[];
  notes: string[];
}

/** The column order of the tables; peers not run are left out. */
export const PEER_ORDER = ['striate', 'tfjs-cpu', 'tfjs-wasm', 'onnxruntime', 'pytorch', 'pytorch-openblas'];

function fmt(x: number): string {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}

export function findResult(runs: PeerRun[], peer: string, threads: number, w: WorkloadId): PeerResult | undefined {
  return runs.find((r) => r.peer === peer && r.threads === threads)?.results.find((r) => r.workload === w);
}

/** Text of one cell: the figure, the ratio to striate, or why there is no figure. */
export function cell(runs: PeerRun[], peer: string, threads: number, w: WorkloadId): string {
  const r = findResult(runs, peer, threads, w);
  if (!r) return '—';
  if (r.status !== 'ok' || r.ms === undefined) return r.status === 'unsupported' ? 'n/a' : r.status;
  const text = fmt(figure(w, r.ms));
  if (peer === 'striate') return text;
  const s = findResult(runs, 'striate', threads, w);
  return s?.status === 'ok' && s.ms !== undefined ? `${text} (${fmt(speedRatio(s.ms, r.ms))}×)` : text;
}

function peersPresent(runs: PeerRun[]): string[] {
  return PEER_ORDER.filter((p) => runs.some((r) => r.peer === p));
}

function threadCounts(runs: PeerRun[]): number[] {
  return [...new Set(runs.map((r) => r.threads))].sort((a, b) => a - b);
}

/** One table per workload, rows = thread counts, columns = peers. */
export function tables(runs: PeerRun[], markdown: boolean): string {
  const peers = peersPresent(runs);
  const out: string[] = [];
  for (const w of Object.keys(WORKLOADS) as WorkloadId[]) {
    if (!runs.some((r) => r.results.some((x) => x.workload === w))) continue;
    const spec = WORKLOADS[w];
    const better = spec.unit === 'ms' ? 'lower is better' : 'higher is better';
    const head = ['threads', ...peers];
    const rows = threadCounts(runs).map((t) => [String(t), ...peers.map((p) => cell(runs, p, t, w))]);
    if (markdown) {
      out.push(`### ${w}: ${spec.title} (${spec.unit}, ${better})`, '');
      out.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
      for (const r of rows) out.push(`| ${r.join(' | ')} |`);
      out.push('');
    } else {
      out.push(`${w}: ${spec.title} (${spec.unit}, ${better})`);
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      const line = (r: string[]) => '  ' + r.map((c, i) => c.padEnd(widths[i])).join('  ');
      out.push(line(head), ...rows.map(line), '');
    }
  }
  return out.join('\n');
}

/** Every measurement with its median time, repetitions and notes (the raw figures). */
export function details(runs: PeerRun[]): string {
  const out = ['| peer | engine | threads (asked/used) | workload | median ms | reps | figure | status / note |', '|---|---|---|---|---|---|---|---|'];
  for (const run of runs) {
    for (const r of run.results) {
      const fig = r.status === 'ok' && r.ms !== undefined ? `${fmt(figure(r.workload, r.ms))} ${WORKLOADS[r.workload].unit}` : '';
      const ms = r.ms !== undefined ? r.ms.toFixed(2) : '';
      const used = run.meta ? String(run.meta.threads) : '?';
      const note = r.status === 'ok' ? (r.note ? `ok (${r.note})` : 'ok') : `${r.status}: ${(r.note ?? '').replace(/\|/g, '/')}`;
      out.push(`| ${run.peer} | ${run.meta?.engine ?? '?'} | ${run.threads}/${used} | ${r.workload} | ${ms} | ${r.reps ?? ''} | ${fig} | ${note} |`);
    }
  }
  return out.join('\n');
}

interface Target {
  what: string;
  /** null when not measured in this run; met null when there is no target, only a figure. */
  check: (runs: PeerRun[]) => { measured: string; met: boolean | null } | null;
}

function okMs(runs: PeerRun[], peer: string, t: number, w: WorkloadId): number | null {
  const r = findResult(runs, peer, t, w);
  return r?.status === 'ok' && r.ms !== undefined ? r.ms : null;
}

function vsPeer(w: WorkloadId, peer: string, t: number, bound: number, kind: 'speed' | 'time'): Target['check'] {
  return (runs) => {
    const s = okMs(runs, 'striate', t, w);
    const p = okMs(runs, peer, t, w);
    if (s === null || p === null) return null;
    const ratio = kind === 'speed' ? p / s : s / p;
    return { measured: `${fmt(ratio)}× ${peer}'s ${kind}`, met: kind === 'speed' ? ratio >= bound : ratio <= bound };
  };
}

/** Two threads' speed over one thread's, both from this run. */
function threadScaling(w: WorkloadId, bound: number): Target['check'] {
  return (runs) => {
    const [one, two] = [okMs(runs, 'striate', 1, w), okMs(runs, 'striate', 2, w)];
    if (one === null || two === null) return null;
    return { measured: `${fmt(one / two)}× the 1-thread speed`, met: one / two >= bound };
  };
}

// The targets of issues 4 and 14, each judged on figures measured in this run at equal thread counts.
const TARGETS: Target[] = [
  { what: '(4) W6 sgemm ≥ 85 GFLOP/s at 2 threads', check: (runs) => {
    const s = okMs(runs, 'striate', 2, 'W6');
    return s === null ? null : { measured: `${fmt(figure('W6', s))} GFLOP/s`, met: figure('W6', s) >= 85 };
  } },
  { what: '(4) W1 conv forward ≥ 1.3× tfjs-wasm speed (2 threads)', check: vsPeer('W1', 'tfjs-wasm', 2, 1.3, 'speed') },
  { what: '(4) W4 ResNet-18 time ≤ 0.75× tfjs-wasm (2 threads)', check: vsPeer('W4', 'tfjs-wasm', 2, 0.75, 'time') },
  { what: '(4) W5 AlexNet time ≤ 1.0× tfjs-wasm (2 threads)', check: vsPeer('W5', 'tfjs-wasm', 2, 1.0, 'time') },
  { what: '(4) W3 LeNet-5 training ≥ 1.0× PyTorch speed (1 thread)', check: vsPeer('W3', 'pytorch', 1, 1.0, 'speed') },
  { what: '(4) W2 conv fwd+bwd vs PyTorch (2 threads; reported, no target)', check: (runs) => {
    const r = vsPeer('W2', 'pytorch', 2, 0, 'speed')(runs);
    return r && { measured: r.measured, met: null };
  } },
  ...(['W1', 'W2', 'W6', 'W8'] as const).map((w) => ({ what: `(14) ${w}: 2 threads ≥ 1.8× 1 thread`, check: threadScaling(w, 1.8) })),
  ...[1, 2].flatMap((t) => [
    { what: `(14) W8 ResNet-20 training ≥ 1.0× PyTorch speed (${t} thread${t > 1 ? 's' : ''})`, check: vsPeer('W8', 'pytorch', t, 1.0, 'speed') },
    { what: `(14) W3 LeNet-5 training ≥ 1.0× PyTorch + OpenBLAS speed (${t} thread${t > 1 ? 's' : ''})`, check: vsPeer('W3', 'pytorch-openblas', t, 1.0, 'speed') },
    { what: `(14) W4 ResNet-18 time ≤ 2.0× onnxruntime's (${t} thread${t > 1 ? 's' : ''})`, check: vsPeer('W4', 'onnxruntime', t, 2.0, 'time') },
    { what: `(14) W5 AlexNet time ≤ 1.5× onnxruntime's (${t} thread${t > 1 ? 's' : ''})`, check: vsPeer('W5', 'onnxruntime', t, 1.5, 'time') },
  ]),
];

export function targets(runs: PeerRun[]): string {
  const out = ['| target (issue) | measured | met |', '|---|---|---|'];
  for (const t of TARGETS) {
    const r = t.check(runs);
    out.push(`| ${t.what} | ${r ? r.measured : 'not measured'} | ${!r || r.met === null ? '—' : r.met ? 'yes' : 'no'} |`);
  }
  return out.join('\n');
}

/** A section of BENCHMARKS.md that one script writes, between two markers; the rest of the file is kept. */
export interface Section {
  begin: string;
  end: string;
}
/** The tables of `npm run bench` (bench/run.ts). */
export const RUN_SECTION: Section = { begin: '<!-- bench: written by npm run bench -->', end: '<!-- /bench -->' };
/** The per-kernel profile (bench/profile.ts --write). */
export const PROFILE_SECTION: Section = { begin: '<!-- profile: written by bench/profile.ts --write -->', end: '<!-- /profile -->' };

/** `doc` with the section replaced by `text`, or `text` appended when `doc` has no such section. */
export function withSection(doc: string, section: Section, text: string): string {
  const block = `${section.begin}\n${text.trim()}\n${section.end}`;
  const start = doc.indexOf(section.begin);
  const end = doc.indexOf(section.end);
  if (start >= 0 && end > start) return doc.slice(0, start) + block + doc.slice(end + section.end.length);
  return doc.trim() ? `${doc.trimEnd()}\n\n${block}\n` : `${block}\n`;
}

export function markdown(rep: Report): string {
  const m = rep.machine;
  const striate = rep.runs.filter((r) => r.peer === 'striate').map((r) => `${r.threads} thread(s): ${r.meta?.engine ?? 'did not start'}, getNumThreads() = ${r.meta?.threads ?? '?'}`);
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  return [
    '# Benchmarks',
    '',
    `Written by \`${m.command}\` (bench/run.ts) on ${m.date}; the whole run took ${Math.round(m.durationS)} s.`,
    'Each figure is the median of several timed repetitions after warm-up (fewer for slow peers, see',
    'the raw table); every peer ran in the same run, one process per peer and thread count, one after another,',
    `in ${m.rounds} round(s) over all peers: a figure is the best of its rounds' medians.`,
    'Ratios in parentheses are striate\'s speed divided by the peer\'s at the same thread count',
    '(>1× means striate is faster; for the ms rows that is the peer\'s time divided by striate\'s).',
    '',
    '## Machine',
    '',
    `- CPU: ${m.cpu}, ${m.cores} logical cores`,
    `- Node.js ${m.node}, ${m.os}`,
    `- striate commit: ${m.commit}`,
    `- load average (1/5/15 min) before: ${load(m.loadBefore)}, after: ${load(m.loadAfter)} (after includes the benchmark's own threads)`,
    m.othersCpu === null
      ? '- CPU time used by other processes during the run: unknown'
      : `- other processes used ${(100 * m.othersCpu).toFixed(0)}% of the machine's CPU time during the run` +
        (m.othersCpu > 0.1 ? ' — the machine was busy, so figures are noisy and 2-thread figures understated (a second thread competed with other work)' : ' (quiet enough)'),
    ...striate.map((s) => `- striate ${s}`),
    '',
    '## Results',
    '',
    tables(rep.runs, true),
    '## Targets',
    '',
    targets(rep.runs),
    '',
    '## Notes',
    '',
    ...rep.notes.map((n) => `- ${n}`),
    '',
    '## Raw figures',
    '',
    details(rep.runs),
    '',
  ].join('\n');
}
