// What the CPU backends (ref, wasm) share on top of their typed-array kernels. Kernels: each call reads the storages' Float32Array views (taken together,
// just before the kernel runs, so no allocation can move them) and runs the typed-array kernel.
import type { ArrayKernels, GemmParams, Kernels } from './kernels.js';
import { int32View, type CpuStorage, type Storage } from './storage.js';

const f = (s: Storage): Float32Array => (s as CpuStorage).data;
const fOrNull = (s: Storage | null): Float32Array | null => (s ? (s as CpuStorage).data : null);
const i = (s: Storage): Int32Array => int32View(s as CpuStorage);

// A batch of products runs as one array-kernel call per product, on views of each.
function batchedGemm(k: ArrayKernels, a: Float32Array, b: Float32Array, c: Float32Array, p: GemmParams): void {
  const batch = p.batch ?? 1;
  if (batch === 1) return k.gemm(a, b, c, p);
  const { m, n } = p;
  const ka = p.k;
  for (let j = 0; j < batch; j++) {
    k.gemm(a.subarray(j * m * ka, (j + 1) * m * ka), b.subarray(j * ka * n, (j + 1) * ka * n),
      c.subarray(j * m * n, (j + 1) * m * n), p);
  }
}

/** Kernels over CPU storages, running the typed-array kernels `k`. */
export function cpuKernels(k: ArrayKernels): Kernels {
  return {
    unary: (op, x, out, param) => k.unary(op, f(x), f(out), param),
    unaryBackward: (op, x, y, gy, gx, param) => k.unaryBackward(op, f(x), f(y), f(gy), f(gx), param),
    binary: (op, a, b, out, p) => k.binary(op, f(a), f(b), f(out), p),
    stridedCopy: (x, out, p) => k.stridedCopy(f(x), f(out), p),
    sumTo: (x, out, p) => k.sumTo(f(x), f(out), p),
    gemm: (a, b, c, p) => batchedGemm(k, f(a), f(b), f(c), p),
    convForward: (x, w, bias, out, p, residual, relu) => k.convForward(f(x), f(w), fOrNull(bias), f(out), p, fOrNull(residual ?? null), relu),
    convBackwardInput: (gy, w, gx, p) => k.convBackwardInput(f(gy), f(w), f(gx), p),
    convBackwardWeight: (x, gy, gw, p) => k.convBackwardWeight(f(x), f(gy), f(gw), p),
    convBackward: (x, w, gy, gx, gw, p) => k.convBackward(f(x), f(w), f(gy), fOrNull(gx), fOrNull(gw), p),
    maxPoolForward: (x, out, argmax, p, relu) => k.maxPoolForward(f(x), f(out), argmax ? i(argmax) : null, p, relu),
    maxPoolBackward: (gy, argmax, gx, p, y) => k.maxPoolBackward(f(gy), i(argmax), f(gx), p, fOrNull(y ?? null)),
    avgPoolForward: (x, out, p) => k.avgPoolForward(f(x), f(out), p),
    avgPoolBackward: (gy, gx, p) => k.avgPoolBackward(f(gy), f(gx), p),
    adaptiveAvgPoolForward: (x, out, p) => k.adaptiveAvgPoolForward(f(x), f(out), p),
    adaptiveAvgPoolBackward: (gy, gx, p) => k.adaptiveAvgPoolBackward(f(gy), f(gx), p),
    padForward: (x, out, p) => k.padForward(f(x), f(out), p),
    padBackward: (gy, gx, p) => k.padBackward(f(gy), f(gx), p),
    softmaxForward: (x, out, p) => k.softmaxForward(f(x), f(out), p),
    softmaxBackward: (y, gy, gx, p) => k.softmaxBackward(f(y), f(gy), f(gx), p),
    nllForward: (logp, target, loss, p) => k.nllForward(f(logp), i(target), f(loss), p),
    nllBackward: (gLoss, target, gx, p) => k.nllBackward(f(gLoss), i(target), f(gx), p),
    batchNormStats: (x, mean, variance, p) => k.batchNormStats(f(x), f(mean), f(variance), p),
    batchNormFinishStats: (mean, variance, invStd, rm, rv, p) =>
      k.batchNormFinishStats(f(mean), f(variance), f(invStd), fOrNull(rm), fOrNull(rv), p),
    batchNormForward: (x, mean, invStd, weight, bias, out, p) =>
      k.batchNormForward(f(x), f(mean), f(invStd), fOrNull(weight), fOrNull(bias), f(out), p),
    batchNormBackward: (x, gy, mean, invStd, weight, gx, gWeight, gBias, training, p) =>
      k.batchNormBackward(f(x), f(gy), f(mean), f(invStd), fOrNull(weight), fOrNull(gx), fOrNull(gWeight),
        fOrNull(gBias), training, p),
    batchNormReluForward: (x, mean, invStd, weight, bias, residual, out, p) =>
      k.batchNormReluForward(f(x), f(mean), f(invStd), fOrNull(weight), fOrNull(bias), fOrNull(residual), f(out), p),
    batchNormReluBackward: (x, y, gy, mean, invStd, weight, bias, gx, gWeight, gBias, gResidual, training, p) =>
      k.batchNormReluBackward(f(x), fOrNull(y), f(gy), f(mean), f(invStd), fOrNull(weight), fOrNull(bias), fOrNull(gx),
        fOrNull(gWeight), fOrNull(gBias), fOrNull(gResidual), training, p),
    dropoutMask: (out, p) => k.dropoutMask(f(out), p),
    sgdStep: (param, grad, buf, p) => k.sgdStep(f(param), f(grad), fOrNull(buf), p),
    adamStep: (param, grad, m, v, p) => k.adamStep(f(param), f(grad), f(m), f(v), p),
  };
}

/** Backend.write for CPU storages: the same bytes, whatever the element type. */
export function writeCpu(s: Storage, values: Float32Array | Int32Array): void {
  const d = f(s);
  new Uint8Array(d.buffer, d.byteOffset, values.length * 4).set(new Uint8Array(values.buffer, values.byteOffset, values.length * 4));
}

export function readCpu(s: Storage, size: number): Promise<Float32Array> {
  return Promise.resolve(f(s).slice(0, size));
}
