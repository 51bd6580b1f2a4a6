// Timing for the JavaScript peers: warm up, then take the median of several timed repetitions.
// Slow peers get fewer repetitions so the whole run stays bounded; the harness additionally caps
// each workload by wall time from the outside (see runner.ts), so nothing can hang.

export interface MeasureOptions {
  /** Wall time the timed repetitions should take together, in ms. */
  targetMs: number;
  /** Upper bound on timed repetitions. */
  maxReps: number;
  /** Warm-up iterations before timing (one only, when a single iteration is very slow). */
  warmup: number;
  /**
   * Warm-up also continues until this much wall time has passed, however many iterations that
   * takes: allocators reach their steady state over the first few hundred megabytes, not the first
   * two iterations (on this VM the first touch of a fresh 4 KiB page costs ~16 µs, a 4 MB output
   * 16 ms), and JIT-compiled code over the first hundreds of calls. It once stopped at 4·maxReps
   * iterations: striate's W3 (LeNet-5) was then timed after 60 steps, where its first 250 took
   * about 5.6 ms a step and those from the 750th on 4.0–4.1 (bench/memory-step.ts --per-step,
   * 2026-12-06); only the wasm heap's growth had kept it warming up longer.
   */
  warmupMs: number;
  /**
   * Warm-up also continues (up to SETTLE_MAX_MS, however many iterations) until this, called after
   * each warm-up iteration, returns true: striate's wasm heap settled (heap-settled.ts). W3 after
   * W8 in one process (2 threads, before the heap's spare ranges) was once timed after 60 warm-up
   * iterations with its heap still growing, 381 page faults and 20.9 ms a timed step; warmed up
   * until settled, after 72: 0 faults and 9.1 ms (load 9).
   */
  settled?: () => boolean;
}

/** Longest warm-up that waits for `settled`. */
export const SETTLE_MAX_MS = 30_000;

export interface Measurement {
  medianMs: number;
  reps: number;
  samplesMs: number[];
  /** Set when the figure is a single cold iteration (the first took COLD_MS or more). */
  note?: string;
}

/** A first iteration this slow (ms) is the figure itself: no second run. */
export const COLD_MS = 30_000;

// BENCH_TARGET_MS shortens every measurement for a quick trial run (`npm run bench -- --quick`).
export const DEFAULT_MEASURE: MeasureOptions = {
  targetMs: Number(process.env.BENCH_TARGET_MS ?? 3000), maxReps: 15, warmup: 2, warmupMs: Number(process.env.BENCH_TARGET_MS ?? 3000),
};

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median: no samples');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Repetitions to time after a warm-up iteration took `lastMs`: 1 for slow peers, else 3…max. */
export function repsFor(lastMs: number, opts: MeasureOptions): number {
  if (lastMs >= opts.targetMs) return 1;
  return Math.max(3, Math.min(opts.maxReps, Math.floor(opts.targetMs / Math.max(lastMs, 1e-3))));
}

/**
 * Times `fn` (which must finish its work before returning or resolving) and returns the median.
 * @example const m = await measure(() => a.matmul(b), DEFAULT_MEASURE); m.medianMs
 */
export async function measure(fn: () => unknown, opts: MeasureOptions = DEFAULT_MEASURE): Promise<Measurement> {
  let last = 0;
  const w0 = performance.now();
  let settled = !opts.settled;
  const warming = (i: number) => i < Math.max(1, opts.warmup) ||
    performance.now() - w0 < opts.warmupMs || (!settled && performance.now() - w0 < SETTLE_MAX_MS);
  for (let i = 0; warming(i); i++) {
    const t0 = performance.now();
    await fn();
    last = performance.now() - t0;
    if (opts.settled) settled = opts.settled();
    // Minutes-long iterations (tfjs-cpu's convolution gradients) are timed once, cold: one-time
    // costs are negligible there, and a second run would blow the harness's time cap.
    if (i === 0 && last >= COLD_MS) return { medianMs: last, reps: 1, samplesMs: [last], note: 'one cold iteration' };
    // The first call often pays one-time costs (compilation, weight packing), so a second warm-up
    // runs unless a single iteration is already very slow.
    if (last >= 2 * opts.targetMs) break;
  }
  const reps = repsFor(last, opts);
  const samplesMs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    samplesMs.push(performance.now() - t0);
  }
  return { medianMs: median(samplesMs), reps, samplesMs };
}

/** measure() shaped as a peer result: median ms, repetitions, and the cold-iteration note. */
export async function timed(fn: () => unknown, opts: MeasureOptions = DEFAULT_MEASURE): Promise<{ ms: number; reps: number; note?: string }> {
  const r = await measure(fn, opts);
  return { ms: r.medianMs, reps: r.reps, ...(r.note ? { note: r.note } : {}) };
}

/** Adds a remark to a timed() result, after any note it already has. */
export function withNote<T extends { note?: string }>(r: T, note: string): T {
  return { ...r, note: r.note ? `${r.note}; ${note}` : note };
}
