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

function conv(batch: number, cin: number, cout: number, size: number, k: number, pad: number, stride = 1): ConvParams {
  const out = Math.floor((size + 2 * pad - k) / stride) + 1;
  return {
    batch, inChannels: cin, outChannels: cout, groups: 1, inSize: [size, size], outSize: [out, out],
    kernelSize: [k, k], stride: [stride, stride], padBegin: [pad, pad], dilation: [1, 1],
  };
}

test('conv weight gradients are bitwise the same at 1 and 2 threads (LeNet-5 shapes: odd tap counts)', () => {
  const r = rng(31);
  // LeNet-5's conv2 and conv1 over shifted copies (336 and 21 units of 4 taps and 2 channels);
  // then the direct weight gradient at 3×3 (≤ 32 channels, too few tiles for Winograd: 20 → 24 splits
  // units within an input channel; 3 → 16, ResNet-20's stem, its units by output-channel triples first;
  // 2 → 3 and 3 → 7 split those inside a triple) and Winograd's: F(4×4) in one lane of
  // tiles, in 2 (17 → 19: channel pairs not a multiple of 4), in 16 lanes of 1–2 steps (16 → 16 at 32²,
  // batch 32: lanes' dU small enough for 16), in 8 lanes of 2–3 steps (32 → 32 at 16², batch 64: dU too
  // large for more) and in 4 lanes of 4–5 whole steps (64 → 64 at 24², batch 8: steps of 16 tiles across rows of 6);
  // F(2×2) in one lane and in 4 lanes of 4–5 steps. Stride 2: 3×3 by winograd-s2's adjoint
  // (ResNet-20's 16 → 32 at 32², smaller: 8 lanes; 32 → 64 at 16²; 17 → 20 at 28², unpadded: an
  // input row and column no tile reads, partial tiles, 2 lanes), 4×4 by im2col through phase
  // planes (an odd input, unpadded).
  for (const p of [conv(16, 6, 16, 14, 5, 0), conv(16, 1, 6, 28, 5, 2), conv(1, 20, 24, 12, 3, 1), conv(8, 3, 16, 16, 3, 1),
    conv(40, 2, 3, 16, 3, 1), conv(20, 3, 7, 12, 3, 1),
    conv(4, 16, 16, 16, 3, 1), conv(12, 17, 19, 16, 3, 1), conv(32, 16, 16, 32, 3, 1), conv(64, 32, 32, 16, 3, 1), conv(2, 64, 64, 12, 3, 1), conv(8, 64, 64, 24, 3, 1),
    conv(1, 300, 64, 33, 3, 1), conv(8, 16, 32, 32, 3, 1, 2), conv(16, 32, 64, 16, 3, 1, 2),
    conv(6, 17, 20, 28, 3, 0, 2), conv(16, 7, 20, 15, 4, 0, 2)]) {
    const x = inWasm(data(r, p.batch * p.inChannels * p.inSize[0]! ** 2));
    const gy = inWasm(data(r, p.batch * p.outChannels * p.outSize[0]! ** 2));
    const gw = wasm.alloc(p.outChannels * p.inChannels * p.kernelSize[0]! ** 2).data;
    sameAtOneAndTwo(`convBackwardWeight ${JSON.stringify(p.inSize)} ${p.inChannels}→${p.outChannels}`, () => {
      K.convBackwardWeight(x, gy, gw, p);
      return gw;
    });
  }
});

test('conv forward (Winograd, direct, im2col and polyphase sizes; with its epilogue) and input gradients are the same at 1 and 2 threads', () => {
  const r = rng(32);
  // 16 → 16 runs both passes by Winograd; 13 → 16's input gradient runs on the direct kernel (a partial block).
  // Winograd F(4×4): 16 → 20 at 27² (245 tiles) splits tiles mid-row, 24 → 130 at 44² (121) runs in phases
  // (input channels, planes, output channels), as 32 → 32 at 14², F(4×2)'s 64 → 64 at 7² and 512 → 40 at 9²
  // (K in chunks), F(2×2)'s 520 → 16 at 7², F(2×2, 5×5)'s 24 → 40 at 9² (25 tiles), F(3×3, 5×5)'s 24 → 40 at 27²
  // (81), 72 → 20 at 12² (16, K in chunks) and 256 → 24 at 15², batch 3 (75, K in chunks) do; F(3×3, 5×5)'s
  // 16 → 24 at 20², batch 2 (98 tiles: over the phases' one block), splits output channels, 20 → 24 at 27², batch 2,
  // its 162 tiles;
  // 260 → 16 at 16² runs the forward on F(2×2) (K over F(4×4)'s limit), threads splitting its 128 tiles;
  // LeNet-5's conv1 its forward and conv2 its input gradient over shifted copies, threads splitting the images.
  // Stride 2, 4×4 (the forward by polyphase planes): 72 → 100 at 45² splits wide positions, 128 → 256 at 14² output
  // channels; 3×3 (Winograd on the polyphase parts): 72 → 100 at 45² splits its 288 tiles, 128 → 256 at 14² runs in phases;
  // the input gradients of 72 → 100, of 17 → 20 at 28² unpadded (partial tiles) and of 48 → 64 at 40² by its
  // adjoint, parts splitting the images (batch 2 and 6) or, at batch 1, dx's channels; 4×4 output tiles
  // (winograd4-s2) in phases: 24 → 20 at 56² (49 tiles), 72 → 40 at 45² unpadded (36, K over 64),
  // 24 → 40 at 40² (25); 16 → 20 at 32², batch 8, splits its 128 tiles. F(4×4) batched at 64 → 64, 24², batch 8:
  // its 288 tiles in blocks of at most 32 (V and M within 512 KB), fixed by the geometry, each a part; 32 → 32 at
  // 26², batch 5, 245 tiles in 5 blocks of 48 and one of 5. ResNet-20's 32 → 64 at 16², stride 2, batch 9: the
  // forward's 144 tiles in 3 fixed blocks of 48, the input gradient's blocks of 4 images (4 + 4 + 1). Stems as stride-1
  // Winograd over their phase planes (polyphase-winograd): 7×7 stride 2 (F(4×4, 4×4)) 3 → 20 at 61², batch 2,
  // splitting its 128 tiles, and 3 → 24 at 45², 36 tiles in phases; 11×11 stride 4 (F(4×4, 3×3)) 3 → 24 at
  // 67², 16 tiles in phases.
  for (const p of [conv(1, 32, 32, 14, 3, 1), conv(1, 32, 32, 10, 3, 1), conv(1, 64, 64, 7, 3, 1), conv(2, 16, 24, 20, 5, 2),
    conv(4, 16, 16, 16, 3, 1), conv(3, 13, 16, 15, 3, 1), conv(5, 16, 20, 27, 3, 1), conv(1, 24, 130, 44, 3, 1),
    conv(2, 260, 16, 16, 3, 1), conv(16, 1, 6, 28, 5, 2), conv(16, 6, 16, 14, 5, 0), conv(2, 72, 100, 45, 3, 1, 2),
    conv(1, 128, 256, 14, 3, 1, 2), conv(2, 72, 100, 45, 4, 1, 2), conv(1, 128, 256, 14, 4, 1, 2), conv(1, 24, 40, 9, 5, 2),
    conv(1, 24, 40, 27, 5, 2), conv(1, 72, 20, 12, 5, 2), conv(3, 256, 24, 15, 5, 2), conv(2, 20, 24, 27, 5, 2),
    conv(6, 17, 20, 28, 3, 0, 2), conv(1, 48, 64, 40, 3, 1, 2), conv(1, 512, 40, 9, 3, 1), conv(1, 520, 16, 7, 3, 1),
    conv(2, 3, 20, 61, 7, 3, 2), conv(1, 3, 24, 45, 7, 3, 2), conv(1, 3, 24, 67, 11, 2, 4), conv(1, 24, 20, 56, 3, 1, 2),
    conv(1, 72, 40, 45, 3, 0, 2), conv(1, 24, 40, 40, 3, 1, 2), conv(8, 16, 20, 32, 3, 1, 2), conv(8, 64, 64, 24, 3, 1),
    conv(5, 32, 32, 26, 3, 1), conv(9, 32, 64, 16, 3, 1, 2)]) {
    const x = inWasm(data(r, p.batch * p.inChannels * p.inSize[0]! ** 2));
    const w = inWasm(data(r, p.outChannels * p.inChannels * p.kernelSize[0]! ** 2));
    const out = wasm.alloc(p.batch * p.outChannels * p.outSize[0]! ** 2).data;
    const gx = wasm.alloc(x.length).data;
    sameAtOneAndTwo(`convForward ${p.inChannels}→${p.outChannels} ${p.inSize[0]}²`, () => {
      K.convForward(x, w, null, out, p);
      return out;
    });
    // With the epilogue (+ residual, ReLU: in the Winograd frame's blocks, or the epilogue task).
    const bias = inWasm(data(r, p.outChannels)), residual = inWasm(data(r, out.length)), fused = wasm.alloc(out.length).data;
    sameAtOneAndTwo(`convForward + residual, ReLU ${p.inChannels}→${p.outChannels} ${p.inSize[0]}²`, () => {
      K.convForward(x, w, bias, fused, p, residual, true);
      return fused;
    });
    sameAtOneAndTwo(`convBackwardInput ${p.inChannels}→${p.outChannels} ${p.inSize[0]}²`, () => {
      K.convBackwardInput(out, w, gx, p);
      return gx;
    });
  }
});

test('both conv gradients in one call: the same at 1 and 2 threads, as the passes apart, in one dispatch beside lanes', () => {
  const r = rng(37);
  // [shape, in one dispatch at 2 threads]. W8's weight gradients in Winograd lanes beside their
  // input gradients: F(4×4) at 32² (16 lanes), 64 → 64 at 8² (batch 64), stride 2 (the adjoint's
  // input gradient, 8 lanes). One after the other: 64 → 64 at 8², batch 16 (too few tiles: the
  // input gradient runs in phases, the lanes after it), and the direct weight gradient (3 → 16, no lanes).
  const cases: [ConvParams, boolean][] = [[conv(32, 16, 16, 32, 3, 1), true], [conv(64, 64, 64, 8, 3, 1), true],
    [conv(8, 16, 32, 32, 3, 1, 2), true], [conv(16, 64, 64, 8, 3, 1), false], [conv(8, 3, 16, 16, 3, 1), false]];
  for (const [p, together] of cases) {
    const what = `${p.inChannels}→${p.outChannels} ${p.inSize[0]}² stride ${p.stride[0]}`;
    const x = inWasm(data(r, p.batch * p.inChannels * p.inSize[0]! ** 2));
    const w = inWasm(data(r, p.outChannels * p.inChannels * 9));
    const gy = inWasm(data(r, p.batch * p.outChannels * p.outSize[0]! ** 2));
    const gx = wasm.alloc(x.length).data, gw = wasm.alloc(w.length).data;
    const both = () => {
      const out = new Float32Array(gx.length + gw.length);
      out.set(gx);
      out.set(gw, gx.length);
      return out;
    };
    K.convBackwardInput(gy, w, gx, p);
    K.convBackwardWeight(x, gy, gw, p);
    const apart = both();
    sameAtOneAndTwo(`convBackward ${what}`, () => {
      gx.fill(NaN);
      gw.fill(NaN);
      K.convBackward(x, w, gy, gx, gw, p);
      return both();
    });
    assert.deepStrictEqual(both(), apart, `convBackward ${what}: as the passes apart`);
    // One more call at 2 threads (sameAtOneAndTwo leaves them set), counted alone.
    const before = new Map(wasm.convPathCounts());
    K.convBackward(x, w, gy, gx, gw, p);
    const ran = (wasm.convPathCounts().get('convBackward together') ?? 0) - (before.get('convBackward together') ?? 0);
    assert.equal(ran, together && wasm.features.threads ? 1 : 0, `convBackward ${what}: in one dispatch`);
  }
});

test('conv forward on stored weights (prepared once, kept) is the same at 1 and 2 threads', () => {
  const r = rng(34);
  // ResNet-18's batch-1 shapes: stride 2 by Winograd on the polyphase parts, its cached transform,
  // with 4×4 output tiles (64 → 128 at 56²) or 2×2 (256 → 512 at 14²) in phases; 4×4 stride 2 by
  // polyphase planes on packed weights, 2 threads splitting positions (128 → 256 at 28²) and, with
  // too few positions, channels (256 → 512 at 14²); Winograd on its cached transform in phases,
  // F(4×4) at 14² and F(2×2) at 7²; the stems of ResNet-18 and AlexNet over their phase planes.
  for (const p of [conv(1, 64, 128, 56, 3, 1, 2), conv(1, 256, 512, 14, 3, 1, 2), conv(1, 128, 256, 28, 4, 1, 2),
    conv(1, 256, 512, 14, 4, 1, 2), conv(1, 256, 256, 14, 3, 1),
    conv(1, 128, 128, 7, 3, 1), conv(1, 3, 64, 224, 7, 3, 2), conv(1, 3, 64, 224, 11, 2, 4)]) {
    const x = wasm.alloc(p.inChannels * p.inSize[0]! ** 2), w = wasm.alloc(p.outChannels * p.inChannels * p.kernelSize[0]! ** 2);
    x.data.set(data(r, x.data.length));
    w.data.set(data(r, w.data.length));
    const out = wasm.alloc(p.outChannels * p.outSize[0]! ** 2);
    sameAtOneAndTwo(`stored convForward ${p.inChannels}→${p.outChannels} ${p.inSize[0]}² stride ${p.stride[0]}`, () => {
      wasm.kernels.convForward(x, w, null, out, p);
      return out.data;
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

test('dense products on packed weights (batch ≤ 3) are the same at 1 and 2 threads, and as in place', () => {
  const r = rng(35);
  // n not a multiple of 4 (the last rows in place), k not of 4 (a tail from W in place).
  for (const [m, n, k] of [[1, 2051, 1030], [3, 1027, 1501], [2, 1503, 1030]] as const) {
    const a = wasm.alloc(m * k), b = wasm.alloc(n * k), c = wasm.alloc(m * n);
    a.data.set(data(r, m * k)); b.data.set(data(r, k * n));
    const p = { m, n, k, transA: false, transB: true, accumulate: false };
    wasm.kernels.gemm(a, b, c, p); // in place; the next products pack b
    const inPlace = c.data.slice(), packed = wasm.densePackedCalls();
    sameAtOneAndTwo(`packed dense ${m}×${n}×${k}`, () => {
      wasm.kernels.gemm(a, b, c, p);
      return c.data;
    });
    assert.equal(wasm.densePackedCalls(), packed + 2, `${m}×${n}×${k}: packed path`);
    assert.deepEqual(c.data, inPlace, `${m}×${n}×${k}: packed differs from in place`);
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
  // ResNet's 3×3 stride-2 pool (max-pool3.ts; the NaN's plane by the general kernel) and LeNet-5's
  // first 2×2 one (max-pool2.ts).
  for (const [k, pad, inSize, outSize] of [[3, 1, 56, 28], [2, 0, 28, 14]] as const) {
    const p: PoolParams = {
      batch: 8, channels: 32, inSize: [inSize, inSize], outSize: [outSize, outSize], kernelSize: [k, k], stride: [2, 2],
      padBegin: [pad, pad], dilation: [1, 1], countIncludePad: true,
    };
    const x = inWasm(data(r, 8 * 32 * inSize * inSize));
    x[7] = NaN;
    const out = wasm.alloc(8 * 32 * outSize * outSize).data, argmax = new Int32Array(out.length);
    sameAtOneAndTwo(`maxPoolForward ${k}×${k}`, () => { K.maxPoolForward(x, out, argmax, p); return out; });
    const want = new Float32Array(out.length), wantArg = new Int32Array(out.length);
    refKernels.maxPoolForward(x, want, wantArg, p);
    assert.deepEqual(Array.from(out), Array.from(want));
    assert.deepEqual(Array.from(argmax), Array.from(wantArg));
  }
});

test('3×3 stride-2 max pooling (max-pool3.ts) breaks ties, meets signed zeros and −∞ as the reference does', () => {
  const r = rng(36);
  // Small integers (after a ReLU: many zeros), so windows hold equal maxima; −0 beside +0 and
  // whole windows of −∞ (index −1); ResNet's padded pool and AlexNet's unpadded one, and two in
  // ceil mode: a last window half past the input (its bottom row and right column), and one whose
  // middle row lies past it (the general kernel's).
  for (const [pad, inSize, outSize] of [[1, 30, 15], [0, 29, 14], [0, 30, 15], [1, 30, 16]] as const) {
    const p: PoolParams = {
      batch: 4, channels: 32, inSize: [inSize, inSize], outSize: [outSize, outSize], kernelSize: [3, 3], stride: [2, 2],
      padBegin: [pad, pad], dilation: [1, 1], countIncludePad: true,
    };
    const x = inWasm(data(r, 128 * inSize * inSize).map((v) => Math.max(0, Math.round(2 * v))));
    for (let i = 0; i < x.length; i += 7) if (x[i] === 0) x[i] = -0;
    for (let y = 0; y < 4; y++) for (let c = 0; c < 6; c++) x[inSize * inSize + y * inSize + c] = -Infinity;
    const out = wasm.alloc(128 * outSize * outSize).data, argmax = new Int32Array(out.length);
    sameAtOneAndTwo(`maxPoolForward ties pad ${pad}`, () => { K.maxPoolForward(x, out, argmax, p); return out; });
    const want = new Float32Array(out.length), wantArg = new Int32Array(out.length);
    refKernels.maxPoolForward(x, want, wantArg, p);
    const signed = (a: Float32Array) => Array.from(a, (v) => (Object.is(v, -0) ? '-0' : v));
    assert.deepEqual(signed(out), signed(want));
    assert.deepEqual(Array.from(argmax), Array.from(wantArg));
    const noArg = wasm.alloc(out.length).data;
    K.maxPoolForward(x, noArg, null, p);
    assert.deepEqual(signed(noArg), signed(want));
  }
});

test('batch norm (plain and fused with ReLU), unary and binary kernels split over threads are the same at 1 and 2 threads', () => {
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
  const residual = inWasm(data(r, n)), y = wasm.alloc(n).data, gr = wasm.alloc(n).data;
  sameAtOneAndTwo('batchNormReluForward', () => {
    K.batchNormReluForward(x, mean, invStd, w, b, residual, y, p);
    return y;
  });
  sameAtOneAndTwo('batchNormReluBackward', () => {
    K.batchNormReluBackward(x, y, gy, mean, invStd, w, b, out, gw, gb, gr, true, p);
    return Float32Array.of(...out.subarray(0, 5000), ...gr.subarray(0, 5000), ...gw, ...gb);
  });
  sameAtOneAndTwo('batchNormReluBackward, the ReLU mask from x', () => {
    K.batchNormReluBackward(x, null, gy, mean, invStd, w, b, out, gw, gb, null, true, p);
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

test('the fused batch norm backward without y recomputes the forward\'s ReLU mask: the same bits as with y', () => {
  const r = rng(38);
  // Spatial sizes with and without a scalar tail, planes split and channels split (small planes).
  for (const p of [{ batch: 4, channels: 16, spatial: 2100 }, { batch: 300, channels: 5, spatial: 9 }]) {
    const n = p.batch * p.channels * p.spatial;
    const x = inWasm(data(r, n)), gy = inWasm(data(r, n)), w = inWasm(data(r, p.channels)), b = inWasm(data(r, p.channels));
    const mean = wasm.alloc(p.channels).data, variance = wasm.alloc(p.channels).data, y = wasm.alloc(n).data;
    K.batchNormStats(x, mean, variance, p);
    const invStd = inWasm(variance.map((v) => 1 / Math.sqrt(v + 1e-5)));
    for (const [weight, bias] of [[w, b], [null, null]]) {
      K.batchNormReluForward(x, mean, invStd, weight, bias, null, y, p);
      const run = (withY: boolean) => {
        const gx = wasm.alloc(n).data, gw = wasm.alloc(p.channels).data, gb = wasm.alloc(p.channels).data;
        K.batchNormReluBackward(x, withY ? y : null, gy, mean, invStd, weight, bias, gx, gw, gb, null, true, p);
        return [gx, gw, gb];
      };
      for (const threads of [1, 2]) {
        wasm.setNumThreads(threads);
        assert.deepEqual(run(false), run(true), `spatial ${p.spatial}, affine ${!!weight}, ${threads} threads`);
      }
    }
  }
});

test('batch norm reductions over planes too small for sums of their own (threads split channels) are the same at 1 and 2 threads', () => {
  const r = rng(37);
  const p = { batch: 1100, channels: 16, spatial: 8 };
  const n = p.batch * p.channels * p.spatial;
  const x = inWasm(data(r, n)), gy = inWasm(data(r, n)), w = inWasm(data(r, p.channels));
  const mean = wasm.alloc(p.channels).data, variance = wasm.alloc(p.channels).data, gx = wasm.alloc(n).data;
  const gw = wasm.alloc(p.channels).data, gb = wasm.alloc(p.channels).data, gr = wasm.alloc(n).data;
  sameAtOneAndTwo('batchNormStats', () => {
    K.batchNormStats(x, mean, variance, p);
    return Float32Array.of(...mean, ...variance);
  });
  const invStd = inWasm(variance.map((v) => 1 / Math.sqrt(v + 1e-5)));
  sameAtOneAndTwo('batchNormReluBackward', () => {
    K.batchNormReluBackward(x, x, gy, mean, invStd, w, null, gx, gw, gb, gr, true, p);
    return Float32Array.of(...gw, ...gb, ...gx.subarray(0, 5000), ...gr.subarray(n - 5000));
  });
  sameAtOneAndTwo('batchNormReluBackward, the ReLU mask from x', () => {
    K.batchNormReluBackward(x, null, gy, mean, invStd, w, w, gx, gw, gb, gr, true, p);
    return Float32Array.of(...gw, ...gb, ...gx.subarray(0, 5000), ...gr.subarray(n - 5000));
  });
});

test('max-pool backward, padding split over the batch, SGD and Adam steps: the same at 1 and 2 threads (and as the reference)', () => {
  const r = rng(36);
  const eq = (got: Float32Array, want: Float32Array, what: string) =>
    assert.deepEqual(Array.from(got), Array.from(want), `${what} differs from the reference`);
  const p: PoolParams = {
    batch: 16, channels: 32, inSize: [40, 40], outSize: [20, 20], kernelSize: [3, 3], stride: [2, 2], padBegin: [1, 1],
    dilation: [1, 1], countIncludePad: true,
  };
  // 819k elements of gx: above the scatter's threshold for a second thread (kernels.ts).
  const x = inWasm(data(r, 16 * 32 * 40 * 40)), gy = inWasm(data(r, 16 * 32 * 20 * 20));
  const out = new Float32Array(gy.length), arg = new Int32Array(gy.length);
  refKernels.maxPoolForward(x, out, arg, p);
  const gx = wasm.alloc(x.length).data, want = new Float32Array(x.length);
  refKernels.maxPoolBackward(gy, arg, want, p);
  sameAtOneAndTwo('maxPoolBackward', () => { K.maxPoolBackward(gy, arg, gx, p); return gx; });
  eq(gx, want, 'maxPoolBackward');
  // 2×2 windows at stride 2 (max-pool2.ts), with the fused ReLU, big enough for two threads each way.
  const p2: PoolParams = { ...p, batch: 64, channels: 16, inSize: [28, 28], outSize: [14, 14], kernelSize: [2, 2], stride: [2, 2],
    padBegin: [0, 0] };
  const x2 = inWasm(data(r, 64 * 16 * 28 * 28)), gy2 = inWasm(data(r, 64 * 16 * 14 * 14));
  const y2 = wasm.alloc(gy2.length).data, arg2 = new Int32Array(gy2.length), gx2 = wasm.alloc(x2.length).data;
  const wy2 = new Float32Array(gy2.length), warg2 = new Int32Array(gy2.length), wg2 = new Float32Array(x2.length);
  refKernels.maxPoolForward(x2, wy2, warg2, p2, true);
  refKernels.maxPoolBackward(gy2, warg2, wg2, p2, wy2);
  sameAtOneAndTwo('maxPoolForward 2×2 with relu', () => { K.maxPoolForward(x2, y2, arg2, p2, true); return y2; });
  eq(y2, wy2, 'maxPoolForward 2×2 with relu');
  assert.deepEqual(Array.from(arg2), Array.from(warg2), 'maxPoolForward 2×2 with relu: argmax');
  sameAtOneAndTwo('maxPoolBackward 2×2 with relu', () => { K.maxPoolBackward(gy2, arg2, gx2, p2, y2); return gx2; });
  eq(gx2, wg2, 'maxPoolBackward 2×2 with relu');
  // ResNet's option-A shortcut (channels padded, batch not), and a reflect pad of H and W.
  for (const pp of [
    { inShape: [64, 16, 16, 16], outShape: [64, 32, 16, 16], padBegin: [0, 8, 0, 0], mode: 'constant' as const, value: 0 },
    {
      inShape: [64, 16, 32, 32], outShape: [64, 32, 16, 16], padBegin: [0, 8, 0, 0], mode: 'constant' as const, value: 0,
      step: [1, 1, 2, 2],
    },
    { inShape: [16, 8, 30, 30], outShape: [16, 8, 34, 32], padBegin: [0, 0, 2, 1], mode: 'reflect' as const, value: 0 },
  ]) {
    const src = inWasm(data(r, pp.inShape.reduce((a, b) => a * b))), g = inWasm(data(r, pp.outShape.reduce((a, b) => a * b)));
    const y = wasm.alloc(g.length).data, gsrc = wasm.alloc(src.length).data;
    const wy = new Float32Array(g.length), wg = new Float32Array(src.length);
    refKernels.padForward(src, wy, pp);
    refKernels.padBackward(g, wg, pp);
    sameAtOneAndTwo(`padForward ${pp.mode} ${pp.inShape}`, () => { K.padForward(src, y, pp); return y; });
    sameAtOneAndTwo(`padBackward ${pp.mode} ${pp.inShape}`, () => { K.padBackward(g, gsrc, pp); return gsrc; });
    eq(y, wy, `padForward ${pp.mode}`);
    eq(gsrc, wg, `padBackward ${pp.mode}`);
  }
  // Each run starts from the same parameters and state, so both thread counts take the same step.
  const n = 300_000, param0 = data(r, n), grad = inWasm(data(r, n)), buf0 = data(r, n), v0 = data(r, n, 0, 1);
  const param = wasm.alloc(n).data, buf = wasm.alloc(n).data, v = wasm.alloc(n).data;
  const sgd = { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true, weightDecay: 1e-4, firstStep: false };
  sameAtOneAndTwo('sgdStep', () => {
    param.set(param0); buf.set(buf0);
    K.sgdStep(param, grad, buf, sgd);
    return Float32Array.of(...param.subarray(0, 50_000), ...buf.subarray(n - 50_000));
  });
  // (The reference steps in float64: test/backends/kernels.test.ts compares within tolerance.)
  const adam = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, step: 3 };
  sameAtOneAndTwo('adamStep', () => {
    param.set(param0); buf.set(buf0); v.set(v0);
    K.adamStep(param, grad, buf, v, adam);
    return Float32Array.of(...param.subarray(0, 50_000), ...v.subarray(n - 50_000));
  });
});
