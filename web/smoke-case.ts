// The computation of the browser smoke test: a conv2d forward and backward, run on every backend
// the package has loaded. The page runs it on the browser bundle, the test on the Node sources,
// and compares. It imports nothing at run time (the package comes in as an argument), so the
// same file serves both sides.
import type * as Striate from '../src/index.js';

type Api = typeof Striate;

export interface SmokeRun {
  backend: string;
  threads: number;
  y: number[];
  gx: number[];
  gw: number[];
  gb: number[];
}

export interface SmokeResult {
  /** getBackend() right after the package was imported: the default there. */
  defaultBackend: string;
  availableBackends: string[];
  runs: SmokeRun[];
}

// x: (2, 8, 20, 20), weight: (16, 8, 3, 3): about 3.7 MFLOP per pass, enough for the wasm
// backend to split the work across threads.
export const SMOKE_SHAPES = { x: [2, 8, 20, 20], w: [16, 8, 3, 3], b: [16], y: [2, 16, 20, 20] } as const;

/** Deterministic values in [-1, 1] that need no RNG, so both sides get the same inputs. */
export function smokeValues(n: number, phase: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.731 + phase) * Math.cos(i * 0.117));
}

const count = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function runOn(st: Api): Omit<SmokeRun, 'backend' | 'threads'> {
  const { x: xs, w: ws, b: bs, y: ys } = SMOKE_SHAPES;
  const x = st.tensor(smokeValues(count(xs), 0.1), xs, { requiresGrad: true });
  const w = st.tensor(smokeValues(count(ws), 0.7).map((v) => v * 0.3), ws, { requiresGrad: true });
  const b = st.tensor(smokeValues(count(bs), 1.3), bs, { requiresGrad: true });
  const y = st.F.conv2d(x, w, b, { padding: 1 });
  y.backward(st.tensor(smokeValues(count(ys), 2.9), ys));
  const arr = (t: Striate.Tensor | null) => {
    if (!t) throw new Error('smoke case: a gradient is missing after backward');
    return Array.from(t.toArray());
  };
  return { y: arr(y), gx: arr(x.grad), gw: arr(w.grad), gb: arr(b.grad) };
}

/**
 * Runs the case on every available backend and restores the default one afterwards.
 * @example const r = runSmokeCase(await import('striate')); r.runs[0].backend
 */
export function runSmokeCase(st: Api): SmokeResult {
  const defaultBackend = st.getBackend();
  const availableBackends = st.availableBackends();
  const runs: SmokeRun[] = [];
  try {
    for (const name of availableBackends) {
      st.setBackend(name);
      runs.push({ backend: name, threads: st.getNumThreads(), ...runOn(st) });
    }
  } finally {
    st.setBackend(defaultBackend);
  }
  return { defaultBackend, availableBackends, runs };
}
