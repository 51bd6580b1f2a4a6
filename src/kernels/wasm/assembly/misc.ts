// Row-wise softmax and the optimiser updates: memory-bound loops, computed in f32 with f64
// accumulation where a sum runs long (softmax denominators). The optimiser steps run on the thread
// pool (optimTask; threads split the elements at 16-float boundaries).
import {
  OPT_ADAM, OPT_BUF, OPT_F, OPT_FLAG_A, OPT_FLAG_B, OPT_GRAD, OPT_KIND, OPT_N, OPT_PARAM, OPT_V,
} from '../abi';
import { arg, ptr, splitAt } from './params';

@inline function fArg(p: usize, i: i32): f32 { return load<f32>(p + (<usize>(OPT_F + i) << 2)); }

export function optimTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const n = arg(p, OPT_N);
  const i0 = splitAt(n, parts, part, 16), i1 = splitAt(n, parts, part + 1, 16);
  if (i1 <= i0) return;
  const o = <usize>i0 << 2, buf = ptr(p, OPT_BUF), a = arg(p, OPT_FLAG_A) != 0, b = arg(p, OPT_FLAG_B) != 0;
  if (arg(p, OPT_KIND) == OPT_ADAM) {
    adamStep(ptr(p, OPT_PARAM) + o, ptr(p, OPT_GRAD) + o, buf + o, ptr(p, OPT_V) + o, i1 - i0, fArg(p, 0), fArg(p, 1),
      fArg(p, 2), fArg(p, 3), fArg(p, 4), a, fArg(p, 5), fArg(p, 6));
  } else {
    sgdStep(ptr(p, OPT_PARAM) + o, ptr(p, OPT_GRAD) + o, buf != 0 ? buf + o : 0, i1 - i0, fArg(p, 0), fArg(p, 1),
      fArg(p, 2), a, fArg(p, 3), b);
  }
}

// x, out: (outer, size, inner); out may alias x. log selects logSoftmax.
export function softmaxForward(x: usize, out: usize, outer: i32, size: i32, inner: i32, log: bool): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = x + (<usize>(o * size * inner + i) << 2);
      const obase = out + (<usize>(o * size * inner + i) << 2);
      const step = <usize>inner << 2;
      let mx: f32 = -Infinity;
      for (let s = 0; s < size; s++) mx = max(mx, load<f32>(base + <usize>s * step));
      let sum: f64 = 0;
      for (let s = 0; s < size; s++) sum += Math.exp(<f64>(load<f32>(base + <usize>s * step) - mx));
      const logSum = <f32>Math.log(sum);
      const inv = 1 / sum;
      for (let s = 0; s < size; s++) {
        const v = load<f32>(base + <usize>s * step) - mx;
        store<f32>(obase + <usize>s * step, log ? v - logSum : <f32>(Math.exp(<f64>v) * inv));
      }
    }
  }
}

// softmax: gx = y · (gy − Σ gy·y);  logSoftmax: gx = gy − exp(y) · Σ gy
export function softmaxBackward(y: usize, gy: usize, gx: usize, outer: i32, size: i32, inner: i32, log: bool): void {
  const step = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const off = <usize>(o * size * inner + i) << 2;
      let dot: f64 = 0;
      for (let s = 0; s < size; s++) {
        const j = off + <usize>s * step;
        dot += log ? <f64>load<f32>(gy + j) : <f64>load<f32>(gy + j) * <f64>load<f32>(y + j);
      }
      const d = <f32>dot;
      for (let s = 0; s < size; s++) {
        const j = off + <usize>s * step;
        const yv = load<f32>(y + j), g = load<f32>(gy + j);
        store<f32>(gx + j, log ? g - Mathf.exp(yv) * d : yv * (g - d));
      }
    }
  }
}

// PyTorch's SGD rule (momentum buffer buf may be 0 when momentum is 0). Four lanes at a time with
// the scalar tail's operations in its order (the same bits); the flags are the same every iteration.
function sgdStep(param: usize, grad: usize, buf: usize, n: i32, lr: f32, momentum: f32, dampening: f32,
  nesterov: bool, weightDecay: f32, firstStep: bool): void {
  const lrV = f32x4.splat(lr), decayV = f32x4.splat(weightDecay), momV = f32x4.splat(momentum);
  const keepV = f32x4.splat(1 - dampening);
  const withBuf = momentum != 0 && buf != 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    let g = v128.load(grad + o);
    const pv = v128.load(param + o);
    if (weightDecay != 0) g = f32x4.add(g, f32x4.mul(decayV, pv));
    if (withBuf) {
      const b = firstStep ? g : f32x4.add(f32x4.mul(momV, v128.load(buf + o)), f32x4.mul(keepV, g));
      v128.store(buf + o, b);
      g = nesterov ? f32x4.add(g, f32x4.mul(momV, b)) : b;
    }
    v128.store(param + o, f32x4.sub(pv, f32x4.mul(lrV, g)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let g = load<f32>(grad + o);
    const pv = load<f32>(param + o);
    if (weightDecay != 0) g += weightDecay * pv;
    if (momentum != 0 && buf != 0) {
      const b = firstStep ? g : momentum * load<f32>(buf + o) + (1 - dampening) * g;
      store<f32>(buf + o, b);
      g = nesterov ? g + momentum * b : b;
    }
    store<f32>(param + o, pv - lr * g);
  }
}

// PyTorch's Adam / AdamW rule; stepSize = lr / (1 − β1^t), bc2Sqrt = √(1 − β2^t) come from JS.
function adamStep(param: usize, grad: usize, m: usize, v: usize, n: i32, lr: f32, beta1: f32, beta2: f32,
  eps: f32, weightDecay: f32, decoupled: bool, stepSize: f32, bc2Sqrt: f32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    let g = load<f32>(grad + o);
    let pv = load<f32>(param + o);
    if (weightDecay != 0) {
      if (decoupled) pv = pv * (1 - lr * weightDecay);
      else g += weightDecay * pv;
    }
    const mi = beta1 * load<f32>(m + o) + (1 - beta1) * g;
    const vi = beta2 * load<f32>(v + o) + (1 - beta2) * g * g;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(param + o, pv - (stepSize * mi) / (Mathf.sqrt(vi) / bc2Sqrt + eps));
  }
}

// NLL of log-probabilities logp (batch, classes) at int32 targets (checked by the op): loss[n] =
// −logp[n, target[n]]; backward, gx (zeroed here) gets −gLoss[n] at each target.
export function nllForward(logp: usize, target: usize, loss: usize, batch: i32, classes: i32): void {
  for (let n = 0; n < batch; n++) {
    const t = load<i32>(target + (<usize>n << 2));
    store<f32>(loss + (<usize>n << 2), -load<f32>(logp + (<usize>(n * classes + t) << 2)));
  }
}

export function nllBackward(gLoss: usize, target: usize, gx: usize, batch: i32, classes: i32): void {
  memory.fill(gx, 0, <usize>(batch * classes) << 2);
  for (let n = 0; n < batch; n++) {
    const t = load<i32>(target + (<usize>n << 2));
    store<f32>(gx + (<usize>(n * classes + t) << 2), -load<f32>(gLoss + (<usize>n << 2)));
  }
}
