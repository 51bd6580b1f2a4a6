// WebGPU element-wise kernels: unary maps and their derivatives, broadcast binary ops, strided
// copies and sums over broadcast dims, one thread per output element. Each op is its own
// shader (the expression spliced in), compiled once and cached.
import type { BinaryOp, BinaryParams, StridedCopyParams, SumToParams, UnaryOp } from '../kernels.js';
import type { Storage } from '../storage.js';
import { contiguousStrides } from '../../tensor/shape.js';
import { GpuContext } from './context.js';
import { buf, elementwiseMain, FLOAT_BITS, PRELUDE, rd, Words, wr } from './wgsl.js';

/** Dims a broadcast or strided kernel takes (the ops layer never makes more). */
export const MAX_DIMS = 8;

// v: the input, a: the op's parameter (leakyRelu's slope, elu's alpha). tanh by exp of −2|v|:
// a built-in tanh may return NaN for large |v|.
const UNARY: Record<UnaryOp, string> = {
  neg: '-v', exp: 'exp(v)', log: 'log(v)', sqrt: 'sqrt(v)', abs: 'abs(v)', square: 'v * v', reciprocal: '1.0 / v',
  relu: 'select(0.0, v, v > 0.0)', leakyRelu: 'select(v * a, v, v > 0.0)', elu: 'select(a * (exp(v) - 1.0), v, v > 0.0)',
  sigmoid: '1.0 / (1.0 + exp(-v))', tanh: 'sign(v) * (1.0 - exp(-2.0 * abs(v))) / (1.0 + exp(-2.0 * abs(v)))',
};

// d op/dx from the input x and the output y, as the reference writes them.
const DERIVATIVE: Record<UnaryOp, string> = {
  neg: '-1.0', exp: 'y', log: '1.0 / x', sqrt: '0.5 / y', abs: 'sign(x)', square: '2.0 * x', reciprocal: '-y * y',
  relu: 'select(0.0, 1.0, x > 0.0)', leakyRelu: 'select(a, 1.0, x > 0.0)', elu: 'select(y + a, 1.0, x > 0.0)',
  sigmoid: 'y * (1.0 - y)', tanh: '1.0 - y * y',
};

// pow as Math.pow on negative bases with integer exponents, and x⁰ = 1.
const BINARY: Record<BinaryOp, string> = {
  add: 'a + b', sub: 'a - b', mul: 'a * b', div: 'a / b', pow: 'powJs(a, b)',
};
const POW = /* wgsl */ `
fn powJs(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (a >= 0.0) { return pow(a, b); }
  if (b != floor(b)) { return nan(); }
  let m = pow(-a, b);
  return select(m, -m, (abs(b) % 2.0) == 1.0);
}`;

export function unary(ctx: GpuContext, op: UnaryOp, x: Storage, out: Storage, param: number): void {
  const n = out.size;
  const wgsl = PRELUDE + buf(1, 'X', false) + buf(2, 'Y', true) + elementwiseMain(`
  if (i >= P[0]) { return; }
  let v = X[i]; let a = pf(1u);
  Y[i] = ${UNARY[op]};`);
  ctx.run(wgsl, new Words().u(n).f(param).buffer(), [rd(x), wr(out)], GpuContext.grid(n));
}

export function unaryBackward(ctx: GpuContext, op: UnaryOp, x: Storage, y: Storage, gy: Storage, gx: Storage, param: number): void {
  const n = gx.size;
  const wgsl = PRELUDE + buf(1, 'X', false) + buf(2, 'Yv', false) + buf(3, 'GY', false) + buf(4, 'GX', true) + elementwiseMain(`
  if (i >= P[0]) { return; }
  let x = X[i]; let y = Yv[i]; let a = pf(1u);
  GX[i] = GY[i] * (${DERIVATIVE[op]});`);
  ctx.run(wgsl, new Words().u(n).f(param).buffer(), [rd(x), rd(y), rd(gy), wr(gx)], GpuContext.grid(n));
}

function checkDims(nd: number, op: string): void {
  if (nd > MAX_DIMS) throw new Error(`webgpu ${op}: ${nd} dims, at most ${MAX_DIMS} supported`);
}

// Words: n, nd, shape[8], then the per-dim strides of each input (8 each).
const STRIDED_INDEX = /* wgsl */ `
fn offset(i: u32, base: u32) -> u32 {
  var rest = i;
  var off = 0u;
  for (var k = P[1]; k > 0u; k = k - 1u) {
    let d = k - 1u;
    off = off + (rest % P[2u + d]) * P[base + d];
    rest = rest / P[2u + d];
  }
  return off;
}`;

export function binary(ctx: GpuContext, op: BinaryOp, a: Storage, b: Storage, out: Storage, p: BinaryParams): void {
  checkDims(p.shape.length, 'binary');
  const n = p.shape.reduce((x, y) => x * y, 1);
  // Into a itself (a += b: backward's residual gradient sums, the conv epilogue's residual) where
  // each thread reads a at its own output index: a is read from O, not from a copy of its buffer
  // (context.ts copies a read binding that is also written; the copy lives until the submit).
  const inPlace = rd(a).buffer === rd(out).buffer && readsOwnIndex(p.shape, p.aStrides);
  const inputs = inPlace ? buf(1, 'B', false) + buf(2, 'O', true) : buf(1, 'A', false) + buf(2, 'B', false) + buf(3, 'O', true);
  const wgsl = PRELUDE + FLOAT_BITS + POW + STRIDED_INDEX + inputs + elementwiseMain(`
  if (i >= P[0]) { return; }
  let a = ${inPlace ? 'O[i]' : 'A[offset(i, 10u)]'}; let b = B[offset(i, 18u)];
  O[i] = ${BINARY[op]};`);
  const w = new Words().u(n, p.shape.length).padded(p.shape, MAX_DIMS, 1).padded(p.aStrides, MAX_DIMS, 0)
    .padded(p.bStrides, MAX_DIMS, 0);
  ctx.run(wgsl, w.buffer(), inPlace ? [rd(b), wr(out)] : [rd(a), rd(b), wr(out)], GpuContext.grid(n));
}

/** Whether strides address element i at i: row-major contiguous (size-1 dims never move). */
function readsOwnIndex(shape: readonly number[], strides: readonly number[]): boolean {
  const own = contiguousStrides(shape);
  return shape.every((d, i) => d === 1 || strides[i] === own[i]);
}

export function stridedCopy(ctx: GpuContext, x: Storage, out: Storage, p: StridedCopyParams): void {
  checkDims(p.shape.length, 'stridedCopy');
  const n = p.shape.reduce((a, b) => a * b, 1);
  const wgsl = PRELUDE + STRIDED_INDEX + buf(1, 'X', false) + buf(2, 'O', true) + elementwiseMain(`
  if (i >= P[0]) { return; }
  O[i] = X[offset(i, 10u)];`);
  const w = new Words().u(n, p.shape.length).padded(p.shape, MAX_DIMS, 1).padded(p.strides, MAX_DIMS, 0);
  ctx.run(wgsl, w.buffer(), [rd(x), wr(out)], GpuContext.grid(n));
}

// One thread per output element: its kept coordinates come from the output index (the kept
// dims' strides are the output's contiguous strides), then it sums the summed dims in row-major
// order, the reference's order. Words: outN, nd, shape[8], outStrides[8], inStrides[8], summed count.
export function sumTo(ctx: GpuContext, x: Storage, out: Storage, p: SumToParams): void {
  const nd = p.shape.length;
  checkDims(nd, 'sumTo');
  const inStrides = new Array<number>(nd);
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) {
    inStrides[d] = s;
    s *= p.shape[d]!;
  }
  const summed = p.shape.reduce((acc, v, d) => (p.outStrides[d] === 0 ? acc * v : acc), 1);
  const wgsl = PRELUDE + buf(1, 'X', false) + buf(2, 'O', true) + elementwiseMain(`
  if (i >= P[0]) { return; }
  let nd = P[1];
  var base = 0u;
  for (var d = 0u; d < nd; d = d + 1u) {
    let os = P[10u + d];
    if (os != 0u) { base = base + ((i / os) % P[2u + d]) * P[18u + d]; }
  }
  var acc = 0.0;
  for (var j = 0u; j < P[26]; j = j + 1u) {
    var rest = j;
    var off = base;
    for (var k = nd; k > 0u; k = k - 1u) {
      let d = k - 1u;
      if (P[10u + d] == 0u) {
        off = off + (rest % P[2u + d]) * P[18u + d];
        rest = rest / P[2u + d];
      }
    }
    acc = acc + X[off];
  }
  O[i] = acc;`);
  const w = new Words().u(out.size, nd).padded(p.shape, MAX_DIMS, 1).padded(p.outStrides, MAX_DIMS, 0)
    .padded(inStrides, MAX_DIMS, 0).u(summed);
  ctx.run(wgsl, w.buffer(), [rd(x), wr(out)], GpuContext.grid(out.size));
}
