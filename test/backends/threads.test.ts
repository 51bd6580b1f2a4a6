// Results must not depend on the thread count: every kernel sums each output in one fixed order,
// whichever thread or part computes it (training at 1 and at 2 threads gives the same model).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConvParams, PoolParams } from '../../src/kernels/kernels.js';
import { data, inWasm, refKernels, rng, wasm } from './harness.js';

const K = wasm.arrayKernels;

// Runs `run` (which fills and returns an output) at 1 and at 2 threads; asserts bitwise equality.
function sameAtOneAndTwo(what: string, run: () => Float32Array): void {
  wasm.setNumThreads(1);
  const one = run().slice();
  wasm.setNumThreads(2);
  try {
    const two = run().slice();
    assert.ok(wasm.lastThreads() === 2 || !wasm.features.threads, `${what}: did not run on 2 threads`);
    const differ = one.findIndex((v, i) => !Object.is(v, two[i]));
    assert.equal(differ, -1, `${what}: element ${differ} is ${one[differ]} at 1 thread, ${two[differ]} at 2`);
  } finally {
    wasm.setNumThreads(2);
  }
}

function conv(batch: number, cin: number, cout: number, size: number, k: number, pad: number): ConvParams {
  const out = size + 2 * pad - k + 1;
  return {
    batch, inChannels: cin, outChannels: cout, groups: 1, inSize: [size, size], outSize: [out, out],
    kernelSize: [k, k], stride: [1, 1], padBegin: [pad, pad], dilation: [1, 1],
  };
}

test('conv weight gradients are bitwise the same at 1 and 2 threads (LeNet-5 shapes: odd tap counts)', () => {
  const r = rng(31);
  // Then the direct weight gradient (3×3, ≤ 32 channels, too few tiles for Winograd: 20 → 24 splits
  // units within an input channel; 3 → 16, ResNet-20's stem) and Winograd's, in one chunk of tiles and in two.
  for (const p of [conv(16, 6, 16, 14, 5, 0), conv(16, 1, 6, 28, 5, 2), conv(1, 20, 24, 12, 3, 1), conv(8, 3, 16, 16, 3, 1),
    conv(4, 16, 16, 16, 3, 1), conv(2, 64, 64, 12, 3, 1), conv(1, 300, 64, 33, 3, 1)]) {
    const x = inWasm(data(r, p.batch * p.inChannels * p.inSize[0]! ** 2));
    const gy = inWasm(data(r, p.batch * p.outChannels * p.outSize[0]! ** 2));
    const gw = wasm.alloc(p.outChannels * p.inChannels * p.kernelSize[0]! ** 2).data;
    sameAtOneAndTwo(`convBackwardWeight ${JSON.stringify(p.inSize)} ${p.inChannels}→${p.outChannels}`, () => {
      K.convBackwardWeight(x, gy, gw, p);
      return gw;
    });
  }
});

test('conv forward (Winograd, direct and im2col sizes) and input gradients are the same at 1 and 2 threads', () => {
  const r = rng(32);
  // 16 → 16 runs both passes by Winograd; 13 → 16's input gradient runs on the direct kernel (a partial block).
  for (const p of [conv(1, 32, 32, 14, 3, 1), conv(1, 32, 32, 10, 3, 1), conv(1, 64, 64, 7, 3, 1), conv(2, 16, 24, 20, 5, 2),
    conv(4, 16, 16, 16, 3, 1), conv(3, 13, 16, 15, 3, 1)]) {
    const x = inWasm(data(r, p.batch * p.inChannels * p.inSize[0]! ** 2));
    const w = inWasm(data(r, p.outChannels * p.inChannels * p.kernelSize[0]! ** 2));
    const out = wasm.alloc(p.batch * p.outChannels * p.outSize[0]! ** 2).data;
    const gx = wasm.alloc(x.length).data;
    sameAtOneAndTwo(`convForward ${p.inChannels}→${p.outChannels} ${p.inSize[0]}²`, () => {
      K.convForward(x, w, null, out, p);
      return out;
    });
    sameAtOneAndTwo(`convBackwardInput ${p.inChannels}→${p.outChannels} ${p.inSize[0]}²`, () => {
      K.convBackwardInput(out, w, gx, p);
      return gx;
    });
  }
});

test('gemm is the same at 1 and 2 threads, also where 2 threads share one packing of A', () => {
  const r = rng(33);
  for (const [m, n, k, transB] of [[12, 300, 6000, true], [64, 400, 1200, false], [200, 300, 700, true]] as const) {
    const a = inWasm(data(r, m * k)), b = inWasm(data(r, k * n)), c = wasm.alloc(m * n).data;
    sameAtOneAndTwo(`gemm ${m}×${n}×${k}${transB ? ' Bᵀ' : ''}`, () => {
      K.gemm(a, b, c, { m, n, k, transA: false, transB, accumulate: false });
      return c;
    });
  }
});

test('3-D conv forward and both gradients are the same at 1 and 2 threads', () => {
  const r = rng(34);
  for (const [cin, cout] of [[1, 8], [6, 12]] as const) {
    const p: ConvParams = {
      batch: 2, inChannels: cin, outChannels: cout, groups: 1, inSize: [9, 11, 12], outSize: [9, 11, 12],
      kernelSize: [3, 3, 3], stride: [1, 1, 1], padBegin: [1, 1, 1], dilation: [1, 1, 1],
    };
    const x = inWasm(data(r, 2 * cin * 9 * 11 * 12)), w = inWasm(data(r, cout * cin * 27));
    const out = wasm.alloc(2 * cout * 9 * 11 * 12).data, gx = wasm.alloc(x.length).data, gw = wasm.alloc(w.length).data;
    const what = `3-D ${cin}→${cout}`;
    sameAtOneAndTwo(`convForward ${what}`, () => { K.convForward(x, w, null, out, p); return out; });
    sameAtOneAndTwo(`convBackwardInput ${what}`, () => { K.convBackwardInput(out, w, gx, p); return gx; });
    sameAtOneAndTwo(`convBackwardWeight ${what}`, () => { K.convBackwardWeight(x, out, gw, p); return gw; });
  }
});

test('max pooling split over planes is the same at 1 and 2 threads and as the reference, argmax too', () => {
  const r = rng(35);
  const p: PoolParams = {
    batch: 8, channels: 32, inSize: [56, 56], outSize: [28, 28], kernelSize: [3, 3], stride: [2, 2], padBegin: [1, 1],
    dilation: [1, 1], countIncludePad: true,
  };
  const x = inWasm(data(r, 8 * 32 * 56 * 56));
  const out = wasm.alloc(8 * 32 * 28 * 28).data, argmax = new Int32Array(out.length);
  sameAtOneAndTwo('maxPoolForward', () => { K.maxPoolForward(x, out, argmax, p); return out; });
  const want = new Float32Array(out.length), wantArg = new Int32Array(out.length);
  refKernels.maxPoolForward(x, want, wantArg, p);
  assert.deepEqual(Array.from(out), Array.from(want));
  assert.deepEqual(Array.from(argmax), Array.from(wantArg));
});

test('batch norm, unary and binary kernels split over threads are the same at 1 and 2 threads', () => {
  const r = rng(35);
  const p = { batch: 4, channels: 16, spatial: 2100 };
  const n = p.batch * p.channels * p.spatial;
  const x = inWasm(data(r, n)), gy = inWasm(data(r, n)), w = inWasm(data(r, p.channels)), b = inWasm(data(r, p.channels));
  const mean = wasm.alloc(p.channels).data, variance = wasm.alloc(p.channels).data, out = wasm.alloc(n).data;
  const gw = wasm.alloc(p.channels).data, gb = wasm.alloc(p.channels).data;
  sameAtOneAndTwo('batchNormStats', () => {
    K.batchNormStats(x, mean, variance, p);
    return Float32Array.of(...mean, ...variance);
  });
  const invStd = inWasm(variance.map((v) => 1 / Math.sqrt(v + 1e-5)));
  sameAtOneAndTwo('batchNormForward', () => {
    K.batchNormForward(x, mean, invStd, w, b, out, p);
    return out;
  });
  sameAtOneAndTwo('batchNormBackward', () => {
    K.batchNormBackward(x, gy, mean, invStd, w, out, gw, gb, true, p);
    return Float32Array.of(...out.subarray(0, 5000), ...gw, ...gb);
  });
  for (const op of ['relu', 'tanh'] as const) {
    sameAtOneAndTwo(`unary ${op}`, () => {
      K.unary(op, x, out, 0);
      return out;
    });
    const y = inWasm(out);
    sameAtOneAndTwo(`unaryBackward ${op}`, () => {
      K.unaryBackward(op, x, y, gy, out, 0);
      return out;
    });
  }
  // A per-channel bias add (rows split) and a same-shape add (one row, its columns split).
  const shape = [p.batch, p.channels, p.spatial], dense = [p.channels * p.spatial, p.spatial, 1];
  sameAtOneAndTwo('binary bias add', () => {
    K.binary('add', x, b, out, { shape, aStrides: dense, bStrides: [0, 1, 0] });
    return out;
  });
  sameAtOneAndTwo('binary same-shape mul', () => {
    K.binary('mul', x, gy, out, { shape, aStrides: dense, bStrides: dense });
    return out;
  });
});
