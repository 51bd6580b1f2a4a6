// striate as a benchmark peer: runs the workloads on whatever backend the package made default
// (getBackend() is reported), at the thread count given by --threads (setNumThreads).
// Pieces that other engineers are still writing (F.conv2d, models.*) are looked up at run time
// and reported as unavailable while missing, so the harness works at every stage of the project.
import * as st from '../../src/index.js';
import { timed, DEFAULT_MEASURE } from '../lib/measure.js';
import { emitMeta, parsePeerArgs, runWorkloads, unsupported } from '../lib/protocol.js';
import { CONV, GEMM_SIZE, LENET_BATCH, type WorkloadId } from '../lib/workloads.js';

type Tensor = st.Tensor;
interface BenchModule {
  forward(x: Tensor): Tensor;
  parameters(): Tensor[];
  eval(): unknown;
}
// The parts of API.md the benchmark calls, each optional until its engineer lands it.
interface BenchApi {
  F: {
    conv2d?: (x: Tensor, w: Tensor, b: Tensor | null, o: { padding: number }) => Tensor;
    crossEntropy?: (logits: Tensor, target: ArrayLike<number>) => Tensor;
  };
  models: Partial<Record<'lenet5' | 'resnet18' | 'alexnet', (o?: { numClasses?: number }) => BenchModule>>;
  optim: { SGD?: new (params: Tensor[], o: { lr: number }) => { zeroGrad(): void; step(): void } };
}
const api = st as unknown as BenchApi;

function need<T>(x: T | undefined, what: string): T {
  if (x === undefined) unsupported(`${what} is not in striate yet`);
  return x;
}

function leaf(shape: number[], seed: number): Tensor {
  const t = st.randn(shape, { seed });
  t.requiresGrad = true;
  return t;
}

async function run(w: WorkloadId): Promise<{ ms: number; reps: number; note?: string }> {
  const m = DEFAULT_MEASURE;
  switch (w) {
    case 'W1': {
      const conv2d = need(api.F.conv2d, 'F.conv2d');
      const x = st.randn([CONV.n, CONV.cIn, CONV.h, CONV.w], { seed: 1 });
      const wt = st.randn([CONV.cOut, CONV.cIn, CONV.k, CONV.k], { seed: 2 });
      const b = st.randn([CONV.cOut], { seed: 3 });
      return timed(() => st.noGrad(() => conv2d(x, wt, b, { padding: CONV.pad })), m);
    }
    case 'W2': {
      const conv2d = need(api.F.conv2d, 'F.conv2d');
      const x = leaf([CONV.n, CONV.cIn, CONV.h, CONV.w], 1);
      const wt = leaf([CONV.cOut, CONV.cIn, CONV.k, CONV.k], 2);
      const b = leaf([CONV.cOut], 3);
      const g = st.randn([CONV.n, CONV.cOut, CONV.h, CONV.w], { seed: 4 });
      return timed(() => {
        x.grad = wt.grad = b.grad = null;
        conv2d(x, wt, b, { padding: CONV.pad }).backward(g);
      }, m);
    }
    case 'W3': {
      const lenet5 = need(api.models.lenet5, 'models.lenet5');
      const crossEntropy = need(api.F.crossEntropy, 'F.crossEntropy');
      const SGD = need(api.optim.SGD, 'optim.SGD');
      const model = lenet5();
      const opt = new SGD(model.parameters(), { lr: 0.01 });
      const x = st.randn([LENET_BATCH, 1, 28, 28], { seed: 5 });
      const y = Array.from({ length: LENET_BATCH }, (_, i) => (i * 7) % 10);
      return timed(() => {
        opt.zeroGrad();
        crossEntropy(model.forward(x), y).backward();
        opt.step();
      }, m);
    }
    case 'W4':
    case 'W5': {
      const name = w === 'W4' ? 'resnet18' : 'alexnet';
      const model = need(api.models[name], `models.${name}`)();
      model.eval();
      const x = st.randn([1, 3, 224, 224], { seed: 6 });
      return timed(() => st.noGrad(() => model.forward(x)), m);
    }
    case 'W6': {
      const a = st.randn([GEMM_SIZE, GEMM_SIZE], { seed: 7 });
      const b = st.randn([GEMM_SIZE, GEMM_SIZE], { seed: 8 });
      return timed(() => st.noGrad(() => a.matmul(b)), m);
    }
  }
}

const args = parsePeerArgs(process.argv.slice(2));
// The fastest backend this package has loaded (wasm where it exists), or --backend NAME.
const defaultBackend = st.getBackend();
const backend = args.options.backend ?? (st.availableBackends().includes('wasm') ? 'wasm' : defaultBackend);
if (backend !== 'wasm' && backend !== 'ref') throw new Error(`striate peer: --backend must be wasm or ref, got '${backend}'`);
st.setBackend(backend);
st.setNumThreads(args.threads);
const notes = backend === defaultBackend ? [] : [`measured the ${backend} backend; importing the package made ${defaultBackend} the default`];
emitMeta({ engine: `striate (${st.getBackend()} backend)`, threads: st.getNumThreads(), notes });
await runWorkloads(args.workloads, run);
