// Element-wise kernels on raw pointers: unary ops and their derivatives, and binary ops over a
// (collapsed) 3-D iteration space whose innermost strides are 1 or 0 (same shape, scalar, rows).
import {
  OP_ABS as ABS, OP_ADD as ADD, OP_DIV as DIV, OP_ELU as ELU, OP_EXP as EXP, OP_LEAKY_RELU as LEAKY, OP_LOG as LOG,
  OP_MUL as MUL, OP_NEG as NEG, OP_POW as POW, OP_RECIPROCAL as RECIPROCAL, OP_RELU as RELU, OP_SIGMOID as SIGMOID,
  OP_SQRT as SQRT, OP_SQUARE as SQUARE, OP_SUB as SUB, OP_TANH as TANH, BIN_A, BIN_A_STRIDES, BIN_B, BIN_B_STRIDES,
  BIN_D0, BIN_OP, BIN_OUT, UN_BACKWARD, UN_GY, UN_N, UN_OP, UN_OUT, UN_PARAM, UN_X, UN_Y,
} from '../abi';
import { arg, ptr, splitAt } from './params';

@inline function unaryScalar(op: i32, v: f32, a: f32): f32 {
  switch (op) {
    case NEG: return -v;
    case EXP: return Mathf.exp(v);
    case LOG: return Mathf.log(v);
    case SQRT: return Mathf.sqrt(v);
    case ABS: return Mathf.abs(v);
    case SQUARE: return v * v;
    case RECIPROCAL: return 1 / v;
    case RELU: return v > 0 ? v : 0;
    case LEAKY: return v > 0 ? v : v * a;
    case ELU: return v > 0 ? v : a * <f32>Math.expm1(<f64>v);
    case SIGMOID: return <f32>(1 / (1 + Math.exp(-<f64>v)));
    case TANH: return <f32>Math.tanh(<f64>v);
  }
  return v;
}

// out[i] = op(x[i]) for i < n; out may alias x. The cheap ops run 4 lanes at a time.
function unary(op: i32, x: usize, out: usize, n: i32, a: f32): void {
  let i = 0;
  if (op == RELU) {
    // v where v > 0, else 0 (NaN too, as the scalar rule): a compare and an and, where f32x4.max
    // becomes a sequence for NaN and signed zeros; its own loop, as V8 tests `op` every iteration.
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const v = v128.load(x + o);
      v128.store(out + o, v128.and(v, f32x4.gt(v, zero)));
    }
  } else if (op == NEG || op == ABS || op == SQUARE || op == LEAKY || op == SQRT || op == RECIPROCAL) {
    const zero = f32x4.splat(0), av = f32x4.splat(a), one = f32x4.splat(1);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const v = v128.load(x + o);
      let r: v128;
      if (op == NEG) r = f32x4.neg(v);
      else if (op == ABS) r = f32x4.abs(v);
      else if (op == SQUARE) r = f32x4.mul(v, v);
      else if (op == SQRT) r = f32x4.sqrt(v);
      else if (op == RECIPROCAL) r = f32x4.div(one, v);
      // leakyRelu: keep v where v > 0, else v·a (bitselect on the comparison mask).
      else r = v128.bitselect(v, f32x4.mul(v, av), f32x4.gt(v, zero));
      v128.store(out + o, r);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, unaryScalar(op, load<f32>(x + o), a));
  }
}

// gx[i] = gy[i] · op'(x[i]) written with x and the forward output y, as the reference does.
function unaryBackward(op: i32, x: usize, y: usize, gy: usize, gx: usize, n: i32, a: f32): void {
  let i = 0;
  if (op == RELU) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(gx + o, v128.and(v128.load(gy + o), f32x4.gt(v128.load(x + o), zero)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const xv = load<f32>(x + o), yv = load<f32>(y + o), g = load<f32>(gy + o);
    let d: f32 = 0;
    switch (op) {
      case NEG: d = -1; break;
      case EXP: d = yv; break;
      case LOG: d = 1 / xv; break;
      case SQRT: d = 0.5 / yv; break;
      case ABS: d = xv > 0 ? 1 : xv < 0 ? -1 : 0; break;
      case SQUARE: d = 2 * xv; break;
      case RECIPROCAL: d = -yv * yv; break;
      case RELU: d = xv > 0 ? 1 : 0; break;
      case LEAKY: d = xv > 0 ? 1 : a; break;
      case ELU: d = xv > 0 ? 1 : yv + a; break;
      case SIGMOID: d = yv * (1 - yv); break;
      case TANH: d = 1 - yv * yv; break;
    }
    store<f32>(gx + o, g * d);
  }
}

@inline function binScalar(op: i32, a: f32, b: f32): f32 {
  switch (op) {
    case ADD: return a + b;
    case SUB: return a - b;
    case MUL: return a * b;
    case DIV: return a / b;
  }
  return <f32>Math.pow(<f64>a, <f64>b);
}

@inline function binVec(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(a, b);
    case SUB: return f32x4.sub(a, b);
    case MUL: return f32x4.mul(a, b);
  }
  return f32x4.div(a, b);
}

// One contiguous run: out[j] = a[j·sa] op b[j·sb] for j < n, with sa, sb ∈ {0, 1}.
function binaryRun(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  let j = 0;
  if (op != POW) {
    if (sa == 1 && sb == 1) {
      for (; j + 4 <= n; j += 4) {
        const o = <usize>j << 2;
        v128.store(out + o, binVec(op, v128.load(a + o), v128.load(b + o)));
      }
    } else if (sa == 1 && sb == 0) {
      const bv = v128.load32_splat(b);
      for (; j + 4 <= n; j += 4) {
        const o = <usize>j << 2;
        v128.store(out + o, binVec(op, v128.load(a + o), bv));
      }
    } else if (sa == 0 && sb == 1) {
      const av = v128.load32_splat(a);
      for (; j + 4 <= n; j += 4) {
        const o = <usize>j << 2;
        v128.store(out + o, binVec(op, av, v128.load(b + o)));
      }
    }
  }
  for (; j < n; j++) {
    store<f32>(out + (<usize>j << 2), binScalar(op, load<f32>(a + (<usize>(j * sa) << 2)), load<f32>(b + (<usize>(j * sb) << 2))));
  }
}

// Threads split the elements at 16-float (64-byte) boundaries.
export function unaryTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const n = arg(p, UN_N);
  const i0 = splitAt(n, parts, part, 16), i1 = splitAt(n, parts, part + 1, 16);
  if (i1 <= i0) return;
  const o = <usize>i0 << 2, op = arg(p, UN_OP), a = load<f32>(p + (<usize>UN_PARAM << 2));
  if (arg(p, UN_BACKWARD) != 0) {
    unaryBackward(op, ptr(p, UN_X) + o, ptr(p, UN_Y) + o, ptr(p, UN_GY) + o, ptr(p, UN_OUT) + o, i1 - i0, a);
  } else {
    unary(op, ptr(p, UN_X) + o, ptr(p, UN_OUT) + o, i1 - i0, a);
  }
}

// out: (d0, d1, d2) contiguous; a and b read with element strides (BIN_A_STRIDES, BIN_B_STRIDES),
// innermost strides 0 or 1. JavaScript collapses any broadcast to this form first. Threads split
// the d0·d1 rows, or each row's columns at 16-float boundaries when there are fewer rows than parts.
export function binaryTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const op = arg(p, BIN_OP), a = ptr(p, BIN_A), b = ptr(p, BIN_B), out = ptr(p, BIN_OUT);
  const d1 = arg(p, BIN_D0 + 1), d2 = arg(p, BIN_D0 + 2), rows = arg(p, BIN_D0) * d1;
  const as0 = arg(p, BIN_A_STRIDES), as1 = arg(p, BIN_A_STRIDES + 1), as2 = arg(p, BIN_A_STRIDES + 2);
  const bs0 = arg(p, BIN_B_STRIDES), bs1 = arg(p, BIN_B_STRIDES + 1), bs2 = arg(p, BIN_B_STRIDES + 2);
  const byRows = rows >= parts;
  const r0 = byRows ? splitAt(rows, parts, part, 1) : 0, r1 = byRows ? splitAt(rows, parts, part + 1, 1) : rows;
  const j0 = byRows ? 0 : splitAt(d2, parts, part, 16), j1 = byRows ? d2 : splitAt(d2, parts, part + 1, 16);
  if (j1 <= j0) return;
  for (let r = r0; r < r1; r++) {
    const i = r / d1, j = r - i * d1;
    const ao = a + (<usize>(i * as0 + j * as1 + j0 * as2) << 2);
    const bo = b + (<usize>(i * bs0 + j * bs1 + j0 * bs2) << 2);
    binaryRun(op, ao, as2, bo, bs2, out + (<usize>(r * d2 + j0) << 2), j1 - j0);
  }
}
