// Element-wise kernels: the readable definition the fast backend must agree with.
import type { BinaryOp, BinaryParams, UnaryOp } from '../kernels.js';

function unaryFn(op: UnaryOp, param: number): (v: number) => number {
  switch (op) {
    case 'neg': return (v) => -v;
    case 'exp': return Math.exp;
    case 'log': return Math.log;
    case 'sqrt': return Math.sqrt;
    case 'abs': return Math.abs;
    case 'square': return (v) => v * v;
    case 'reciprocal': return (v) => 1 / v;
    case 'relu': return (v) => (v > 0 ? v : 0);
    case 'leakyRelu': return (v) => (v > 0 ? v : v * param);
    case 'elu': return (v) => (v > 0 ? v : param * Math.expm1(v));
    case 'sigmoid': return (v) => 1 / (1 + Math.exp(-v));
    case 'tanh': return Math.tanh;
  }
}

// d op / dx written with the input x and, where cheaper and stabler, the output y.
function derivativeFn(op: UnaryOp, param: number): (x: number, y: number) => number {
  switch (op) {
    case 'neg': return () => -1;
    case 'exp': return (_x, y) => y;
    case 'log': return (x) => 1 / x;
    case 'sqrt': return (_x, y) => 0.5 / y;
    case 'abs': return (x) => Math.sign(x);
    case 'square': return (x) => 2 * x;
    case 'reciprocal': return (_x, y) => -y * y;
    case 'relu': return (x) => (x > 0 ? 1 : 0);
    case 'leakyRelu': return (x) => (x > 0 ? 1 : param);
    case 'elu': return (x, y) => (x > 0 ? 1 : y + param);
    case 'sigmoid': return (_x, y) => y * (1 - y);
    case 'tanh': return (_x, y) => 1 - y * y;
  }
}

export function unary(op: UnaryOp, x: Float32Array, out: Float32Array, param: number): void {
  const f = unaryFn(op, param);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
}

export function unaryBackward(
  op: UnaryOp, x: Float32Array, y: Float32Array, gy: Float32Array, gx: Float32Array, param: number,
): void {
  const d = derivativeFn(op, param);
  for (let i = 0; i < gy.length; i++) gx[i] = gy[i]! * d(x[i]!, y[i]!);
}

function binaryFn(op: BinaryOp): (a: number, b: number) => number {
  switch (op) {
    case 'add': return (a, b) => a + b;
    case 'sub': return (a, b) => a - b;
    case 'mul': return (a, b) => a * b;
    case 'div': return (a, b) => a / b;
    case 'pow': return Math.pow;
  }
}

// Walks the output in row-major order with an index counter, reading a and b through their
// (possibly zero) strides, so one loop serves every broadcast.
export function binary(op: BinaryOp, a: Float32Array, b: Float32Array, out: Float32Array, p: BinaryParams): void {
  const f = binaryFn(op);
  const nd = p.shape.length;
  const total = out.length;
  const idx = new Array<number>(nd).fill(0);
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < total; i++) {
    out[i] = f(a[ia]!, b[ib]!);
    for (let d = nd - 1; d >= 0; d--) {
      ia += p.aStrides[d]!;
      ib += p.bStrides[d]!;
      if (++idx[d]! < p.shape[d]!) break;
      ia -= p.aStrides[d]! * p.shape[d]!;
      ib -= p.bStrides[d]! * p.shape[d]!;
      idx[d] = 0;
    }
  }
}
