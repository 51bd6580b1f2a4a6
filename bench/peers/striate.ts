// striate as a benchmark peer: runs the workloads on the fastest backend the package loaded
// (wasm where it exists; --backend ref|wasm to choose), at the thread count given by --threads
// (setNumThreads). The backend that ran is reported (getBackend()).
import * as st from '../../src/index.js';
import { heapSettled } from '../lib/heap-settled.js';
import { timed, withNote, DEFAULT_MEASURE } from '../lib/measure.js';
import { emitMeta, parsePeerArgs, runWorkloads } from '../lib/protocol.js';
import { CONV, GEMM_SIZE, LENET_BATCH, RESNET20_BATCH, type WorkloadId } from '../lib/workloads.js';

type Tensor = st.Tensor;

/** Parameters of a model, reported with the model workloads so the architectures can be compared. */
function params(model: { parameters(): Tensor[] }): string {
  return `${model.parameters().reduce((a, p) => a + p.numel(), 0).toLocaleString('en-US')} parameters`;
}

function leaf(shape: number[], seed: number): Tensor {
  const t = st.randn(shape, { seed });
  t.requiresGrad = true;
  return t;
}

async function run(w: WorkloadId): Promise<{ ms: number; reps: number; note?: string }> {
  // Timed once the wasm heap has stopped growing (heap-settled.ts).
  const m = { ...DEFAULT_MEASURE, settled: heapSettled() };
  switch (w) {
    case 'W1': {
      const x = st.randn([CONV.n, CONV.cIn, CONV.h, CONV.w], { seed: 1 });
      const wt = st.randn([CONV.cOut, CONV.cIn, CONV.k, CONV.k], { seed: 2 });
      const b = st.randn([CONV.cOut], { seed: 3 });
      return timed(() => st.noGrad(() => st.F.conv2d(x, wt, b, { padding: CONV.pad })), m);
    }
    case 'W2': {
      const x = leaf([CONV.n, CONV.cIn, CONV.h, CONV.w], 1);
      const wt = leaf([CONV.cOut, CONV.cIn, CONV.k, CONV.k], 2);
      const b = leaf([CONV.cOut], 3);
      const g = st.randn([CONV.n, CONV.cOut, CONV.h, CONV.w], { seed: 4 });
      return timed(() => {
        x.grad = wt.grad = b.grad = null;
        st.F.conv2d(x, wt, b, { padding: CONV.pad }).backward(g);
      }, m);
    }
    case 'W3': {
      const model = st.models.lenet5();
      const opt = new st.optim.SGD(model.parameters(), { lr: 0.01 });
      const x = st.randn([LENET_BATCH, 1, 28, 28], { seed: 5 });
      const y = Array.from({ length: LENET_BATCH }, (_, i) => (i * 7) % 10);
      return withNote(await timed(() => {
        opt.zeroGrad();
        st.F.crossEntropy(model.forward(x), y).backward();
        opt.step();
      }, m), params(model));
    }
    case 'W4':
    case 'W5': {
      // Inference as a deployment runs it (onnxruntime's session is its peer): the forward
      // recorded once, its kernel calls replayed (nn.recordForward); the plain forward beside it.
      const model = w === 'W4' ? st.models.resnet18() : st.models.alexnet();
      model.eval();
      const x = st.randn([1, 3, 224, 224], { seed: 6 });
      const plain = await timed(() => st.noGrad(() => model.forward(x)), m);
      const recorded = st.nn.recordForward(model, x);
      const r = await timed(() => recorded.forward(x), m);
      return withNote(r, `${params(model)}; model.forward without recording: ${plain.ms.toFixed(2)} ms`);
    }
    case 'W6': {
      const a = st.randn([GEMM_SIZE, GEMM_SIZE], { seed: 7 });
      const b = st.randn([GEMM_SIZE, GEMM_SIZE], { seed: 8 });
      return timed(() => st.noGrad(() => a.matmul(b)), m);
    }
    case 'W8': {
      const model = st.models.resnet20();
      const opt = new st.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
      const x = st.randn([RESNET20_BATCH, 3, 32, 32], { seed: 9 });
      const y = Array.from({ length: RESNET20_BATCH }, (_, i) => (i * 7) % 10);
      return withNote(await timed(() => {
        opt.zeroGrad();
        st.F.crossEntropy(model.forward(x), y).backward();
        opt.step();
      }, m), params(model));
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
