// Conformance: every fast kernel against the reference kernel on seeded random data over a grid
// of shapes. Element-wise, layout, GEMM, softmax/NLL and optimiser kernels (conv, pooling, pad
// and batch norm are in conv.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BinaryOp, UnaryOp } from '../../src/kernels/kernels.js';
import { broadcastShapes, broadcastStrides, contiguousStrides, sizeOf } from '../../src/tensor/shape.js';
import { dropThreshold } from '../../src/kernels/ref/dropout.js';
import { assertClose, data, forEachImpl, refKernels, rng } from './harness.js';

const UNARY: UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'abs', 'square', 'reciprocal', 'relu', 'leakyRelu', 'elu',
  'sigmoid', 'tanh'];
const POSITIVE = new Set<UnaryOp>(['log', 'sqrt', 'reciprocal']);

test('unary and unaryBackward match the reference', async () => {
  const r = rng(1);
  for (const op of UNARY) {
    for (const n of [1, 3, 4, 7, 33, 1000]) {
      const x = POSITIVE.has(op) ? data(r, n, 0.1, 3) : data(r, n);
      const gy = data(r, n);
      const y = new Float32Array(n);
      refKernels.unary(op, x, y, 0.1);
      const gx = new Float32Array(n);
      refKernels.unaryBackward(op, x, y, gy, gx, 0.1);
      await forEachImpl(async (impl) => {
        const xo = impl.place(x), yo = impl.place(new Float32Array(n));
        impl.kernels.unary(op, xo, yo, 0.1);
        assertClose(await impl.read(yo), y, `${impl.name} unary ${op} n=${n}`);
        const gxo = impl.place(new Float32Array(n));
        impl.kernels.unaryBackward(op, impl.place(x), impl.place(y), impl.place(gy), gxo, 0.1);
        assertClose(await impl.read(gxo), gx, `${impl.name} unaryBackward ${op} n=${n}`);
        // In place (out aliases x), as the ops layer does for in-place updates.
        const xi = impl.place(x);
        impl.kernels.unary(op, xi, xi, 0.1);
        assertClose(await impl.read(xi), y, `${impl.name} unary ${op} in place n=${n}`);
      });
    }
  }
});

const BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow'];
// [a shape, b shape]: same shape, scalar, row and column broadcasts, both sides broadcast, and a
// 4-d pattern that does not collapse to 3 dims.
const BINARY_SHAPES: [number[], number[]][] = [
  [[5, 7], [5, 7]], [[13], [1]], [[1], [9]], [[6, 9], [9]], [[6, 9], [6, 1]], [[3, 1, 5], [1, 4, 5]],
  [[2, 3, 4, 5], [2, 1, 4, 1]], [[], []], [[2, 3, 17], [3, 1]], [[1000], [1000]],
];

test('binary matches the reference over broadcasts', async () => {
  const r = rng(2);
  for (const op of BINARY) {
    for (const [sa, sb] of BINARY_SHAPES) {
      const shape = broadcastShapes(sa, sb, 'test');
      const p = { shape, aStrides: broadcastStrides(sa, shape), bStrides: broadcastStrides(sb, shape) };
      const a = op === 'pow' ? data(r, sizeOf(sa), 0.2, 2) : data(r, sizeOf(sa));
      const b = op === 'div' ? data(r, sizeOf(sb), 0.5, 2) : data(r, sizeOf(sb));
      const want = new Float32Array(sizeOf(shape));
      refKernels.binary(op, a, b, want, p);
      await forEachImpl(async (impl) => {
        const out = impl.place(new Float32Array(want.length));
        impl.kernels.binary(op, impl.place(a), impl.place(b), out, p);
        assertClose(await impl.read(out), want, `${impl.name} binary ${op} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`);
      });
    }
  }
});

test('stridedCopy and sumTo match the reference', async () => {
  const r = rng(3);
  for (const [shape, perm] of [[[3, 5, 7], [2, 0, 1]], [[4, 9], [1, 0]], [[2, 3, 4, 5], [0, 2, 1, 3]]] as const) {
    const x = data(r, sizeOf(shape));
    const st = contiguousStrides(shape);
    const outShape = perm.map((d) => shape[d]!);
    const p = { shape: outShape, strides: perm.map((d) => st[d]!) };
    const want = new Float32Array(x.length);
    refKernels.stridedCopy(x, want, p);
    const sumShape = shape.map((n, d) => (d % 2 === 0 ? 1 : n));
    const sp = { shape, outStrides: broadcastStrides(sumShape, shape) };
    const wantSum = new Float32Array(sizeOf(sumShape));
    refKernels.sumTo(x, wantSum, sp);
    await forEachImpl(async (impl) => {
      const out = impl.place(new Float32Array(x.length));
      impl.kernels.stridedCopy(impl.place(x), out, p);
      assertClose(await impl.read(out), want, `${impl.name} stridedCopy ${JSON.stringify(shape)}`);
      const s = impl.place(data(r, wantSum.length));
      impl.kernels.sumTo(impl.place(x), s, sp);
      assertClose(await impl.read(s), wantSum, `${impl.name} sumTo ${JSON.stringify(shape)}`);
    });
  }
});

test('sumTo matches the reference for bias-gradient and full reductions', async () => {
  const r = rng(8);
  const cases: [number[], number[]][] = [
    [[4, 6, 5, 5], [1, 6, 1, 1]], [[64, 120], [1, 120]], [[7, 3, 9], [1]], [[7, 3, 9], [7, 3, 1]],
    [[2, 3, 4, 5, 6], [2, 1, 4, 1, 6]], [[5, 1, 3], [1, 1, 3]],
  ];
  for (const [shape, to] of cases) {
    const x = data(r, sizeOf(shape));
    const p = { shape, outStrides: broadcastStrides(to, shape) };
    const want = new Float32Array(sizeOf(to));
    refKernels.sumTo(x, want, p);
    await forEachImpl(async (impl) => {
      const out = impl.place(data(r, want.length));
      impl.kernels.sumTo(impl.place(x), out, p);
      assertClose(await impl.read(out), want, `${impl.name} sumTo ${JSON.stringify(shape)} → ${JSON.stringify(to)}`);
    });
  }
});

test('gemm matches the reference for every transpose, accumulate and odd size', async () => {
  const r = rng(4);
  const sizes = [[1, 1, 1], [1, 100, 33], [2, 37, 300], [2, 1500, 700], [3, 5, 7], [17, 9, 33], [64, 64, 64], [5, 130, 3], [13, 9, 33], [16, 151, 402], [97, 31, 650], [200, 300, 700],
    [150, 151, 1000]]; // the last two pack A once for both threads (m·k ≥ 65536, n ≥ m)
  for (const [m, n, k] of sizes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const accumulate of [false, true]) {
          const p = { m: m!, n: n!, k: k!, transA, transB, accumulate };
          const a = data(r, m! * k!), b = data(r, k! * n!), c0 = data(r, m! * n!);
          const want = c0.slice();
          refKernels.gemm(a, b, want, p);
          await forEachImpl(async (impl) => {
            const c = impl.place(c0);
            impl.kernels.gemm(impl.place(a), impl.place(b), c, p);
            assertClose(await impl.read(c), want, `${impl.name} gemm ${JSON.stringify(p)}`);
          });
        }
      }
    }
  }
});

test('batched gemm (matmul over leading dims) matches the reference per product', async () => {
  const r = rng(5);
  const m = 7, n = 9, k = 5, batch = 3;
  const a = data(r, batch * m * k), b = data(r, batch * k * n);
  const want = new Float32Array(batch * m * n);
  for (let i = 0; i < batch; i++) {
    refKernels.gemm(a.subarray(i * m * k, (i + 1) * m * k), b.subarray(i * k * n, (i + 1) * k * n),
      want.subarray(i * m * n, (i + 1) * m * n), { m, n, k, transA: false, transB: false, accumulate: false });
  }
  await forEachImpl(async (impl) => {
    const c = impl.place(new Float32Array(batch * m * n));
    impl.kernels.gemm(impl.place(a), impl.place(b), c, { m, n, k, transA: false, transB: false, accumulate: false, batch });
    assertClose(await impl.read(c), want, `${impl.name} batched gemm`);
  });
});

test('softmax, logSoftmax and NLL match the reference', async () => {
  const r = rng(6);
  for (const [outer, size, inner] of [[1, 1, 1], [4, 10, 1], [3, 7, 5], [2, 1000, 1], [1, 3, 17]]) {
    for (const log of [false, true]) {
      const p = { outer: outer!, size: size!, inner: inner!, log };
      const n = outer! * size! * inner!;
      const x = data(r, n, -20, 20), gy = data(r, n);
      const y = new Float32Array(n), gx = new Float32Array(n);
      refKernels.softmaxForward(x, y, p);
      refKernels.softmaxBackward(y, gy, gx, p);
      await forEachImpl(async (impl) => {
        const yo = impl.place(new Float32Array(n));
        impl.kernels.softmaxForward(impl.place(x), yo, p);
        assertClose(await impl.read(yo), y, `${impl.name} softmaxForward ${JSON.stringify(p)}`);
        const gxo = impl.place(new Float32Array(n));
        impl.kernels.softmaxBackward(impl.place(y), impl.place(gy), gxo, p);
        assertClose(await impl.read(gxo), gx, `${impl.name} softmaxBackward ${JSON.stringify(p)}`);
      });
    }
  }
  const batch = 6, classes = 11;
  const logp = data(r, batch * classes), gl = data(r, batch);
  const target = Int32Array.from({ length: batch }, (_, i) => (i * 7) % classes);
  const loss = new Float32Array(batch), g = new Float32Array(batch * classes);
  refKernels.nllForward(logp, target, loss, { batch, classes });
  refKernels.nllBackward(gl, target, g, { batch, classes });
  await forEachImpl(async (impl) => {
    const lo = impl.place(new Float32Array(batch)), go = impl.place(data(r, batch * classes));
    impl.kernels.nllForward(impl.place(logp), impl.place(target), lo, { batch, classes });
    impl.kernels.nllBackward(impl.place(gl), impl.place(target), go, { batch, classes });
    assertClose(await impl.read(lo), loss, `${impl.name} nllForward`);
    assertClose(await impl.read(go), g, `${impl.name} nllBackward`);
  });
});

test('sgd and adam steps match the reference', async () => {
  const r = rng(7);
  for (const n of [1, 5, 37, 1000]) {
    const param = data(r, n), grad = data(r, n), buf = data(r, n), m = data(r, n), v = data(r, n, 0, 1);
    const sgds = [
      { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true },
      { lr: 0.05, momentum: 0.9, dampening: 0.1, nesterov: false, weightDecay: 1e-2, firstStep: false },
      { lr: 0.05, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0, firstStep: true },
    ];
    for (const p of sgds) {
      const wp = param.slice(), wb = buf.slice();
      refKernels.sgdStep(wp, grad, p.momentum ? wb : null, p);
      await forEachImpl(async (impl) => {
        const pp = impl.place(param), pb = impl.place(buf);
        impl.kernels.sgdStep(pp, impl.place(grad), p.momentum ? pb : null, p);
        assertClose(await impl.read(pp), wp, `${impl.name} sgd param ${JSON.stringify(p)}`);
        if (p.momentum) assertClose(await impl.read(pb), wb, `${impl.name} sgd buffer ${JSON.stringify(p)}`);
      });
    }
    for (const p of [
      { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 },
      { lr: 1e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, decoupled: true, step: 7 },
      { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: false, step: 3 },
    ]) {
      const wp = param.slice(), wm = m.slice(), wv = v.slice();
      refKernels.adamStep(wp, grad, wm, wv, p);
      await forEachImpl(async (impl) => {
        const pp = impl.place(param), pm = impl.place(m), pv = impl.place(v);
        impl.kernels.adamStep(pp, impl.place(grad), pm, pv, p);
        assertClose(await impl.read(pp), wp, `${impl.name} adam param ${JSON.stringify(p)}`);
        assertClose(await impl.read(pm), wm, `${impl.name} adam m`);
        assertClose(await impl.read(pv), wv, `${impl.name} adam v`);
      });
    }
  }
});

test('dropout masks equal the reference bit for bit (odd sizes, p from 0 to 1)', async () => {
  for (const [size, prob, key] of [[1, 0.5, [1, 2]], [1001, 0.1, [0xdeadbeef, 7]], [4096, 0.5, [3, 0xffffffff]], [777, 1, [5, 6]], [33, 0, [9, 9]]] as const) {
    const p = { size, key, threshold: dropThreshold(prob), scale: prob === 1 ? 0 : 1 / (1 - prob) };
    const want = new Float32Array(size);
    refKernels.dropoutMask(want, p);
    await forEachImpl(async (impl) => {
      const out = impl.place(data(rng(size), size));
      impl.kernels.dropoutMask(out, p);
      assert.deepEqual(await impl.read(out), want, `${impl.name} dropoutMask ${JSON.stringify(p)}`);
    });
  }
});
