// The computation of the browser check (web/smoke.html): a conv2d forward and backward (output,
// input, weight and bias gradients) on every CPU backend the package loaded, and on the WebGPU
// device when the platform gives an adapter. The page runs it in its worker, the test in Node,
// and compares the numbers.
import { availableBackends, F, getBackend, getNumThreads, setBackend, tensor, type Device, type Tensor } from '../../../src/index.js';
import { findGpu, gpuName } from '../worker/device.js';

export interface SmokeRun {
  /** 'ref', 'wasm' or 'webgpu'. */
  backend: string;
  /** CPU threads, or the GPU adapter's name. */
  where: string;
  threads: number;
  y: number[];
  gx: number[];
  gw: number[];
  gb: number[];
}

export interface SmokeResult {
  /** getBackend() before the case ran: the package's default here. */
  defaultBackend: string;
  availableBackends: string[];
  /** Why no WebGPU run happened, when none did. */
  webgpuMissing: string | null;
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

async function runOn(device: Device): Promise<Pick<SmokeRun, 'y' | 'gx' | 'gw' | 'gb'>> {
  const { x: xs, w: ws, b: bs, y: ys } = SMOKE_SHAPES;
  const leaf = (values: Float32Array, shape: readonly number[]) => tensor(values, shape, { requiresGrad: true, device });
  const x = leaf(smokeValues(count(xs), 0.1), xs);
  const w = leaf(smokeValues(count(ws), 0.7).map((v) => v * 0.3), ws);
  const b = leaf(smokeValues(count(bs), 1.3), bs);
  const y = F.conv2d(x, w, b, { padding: 1 });
  y.backward(tensor(smokeValues(count(ys), 2.9), ys, { device }));
  const read = async (t: Tensor | null) => {
    if (!t) throw new Error('smoke case: a gradient is missing after backward');
    return Array.from(await t.toArrayAsync());
  };
  return { y: await read(y), gx: await read(x.grad), gw: await read(w.grad), gb: await read(b.grad) };
}

/**
 * Runs the case on every CPU backend (restoring the default afterwards), then on WebGPU where
 * navigator.gpu gives an adapter.
 * @example const r = await runSmokeCase(); r.runs.map((x) => x.backend) // ['ref', 'wasm', 'webgpu']
 */
export async function runSmokeCase(): Promise<SmokeResult> {
  const defaultBackend = getBackend();
  const backends = availableBackends();
  const runs: SmokeRun[] = [];
  try {
    for (const name of backends) {
      setBackend(name);
      const threads = getNumThreads();
      runs.push({ backend: name, where: `${threads} thread${threads === 1 ? '' : 's'}`, threads, ...(await runOn('cpu')) });
    }
  } finally {
    setBackend(defaultBackend);
  }
  const { gpu, missing } = await findGpu();
  if (gpu) runs.push({ backend: 'webgpu', where: gpuName(gpu), threads: 1, ...(await runOn('webgpu')) });
  return { defaultBackend, availableBackends: backends, webgpuMissing: missing, runs };
}
