// Max, average and adaptive average pooling over 1, 2 or 3 spatial dims, with PyTorch's exact
// windows and divisors. Spatial arrays are lifted to 3D (size-1 leading dims), so one loop nest
// serves all ranks. Every (n, c) plane is pooled independently.
import type { AdaptivePoolParams, PoolParams } from '../kernels.js';
import { lift3d } from './im2col.js';

interface Geometry3d {
  planes: number; // N·C
  inD: number; inH: number; inW: number;
  outD: number; outH: number; outW: number;
  kD: number; kH: number; kW: number;
  sD: number; sH: number; sW: number;
  pD: number; pH: number; pW: number;
  dD: number; dH: number; dW: number;
}

function geometry(p: PoolParams, op: string): Geometry3d {
  const [inD, inH, inW] = lift3d(p.inSize, 1, op);
  const [outD, outH, outW] = lift3d(p.outSize, 1, op);
  const [kD, kH, kW] = lift3d(p.kernelSize, 1, op);
  const [sD, sH, sW] = lift3d(p.stride, 1, op);
  const [pD, pH, pW] = lift3d(p.padBegin, 0, op);
  const [dD, dH, dW] = lift3d(p.dilation, 1, op);
  return { planes: p.batch * p.channels, inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, pD, pH, pW, dD, dH, dW };
}

// x: (N, C, ...in), out and argmax: (N, C, ...out). Padding acts as −∞, so it never wins;
// NaN propagates as in PyTorch (greater or NaN replaces: the last NaN's index is kept). argmax is the flat index into the (n, c) input plane, −1 when a
// window holds no input element at all (out is −∞ there).
export function maxPoolForward(x: Float32Array, out: Float32Array, argmax: Int32Array | null, p: PoolParams, relu = false): void {
  const g = geometry(p, 'maxPoolForward');
  const inPlane = g.inD * g.inH * g.inW;
  let o = 0;
  for (let plane = 0; plane < g.planes; plane++) {
    const xBase = plane * inPlane;
    for (let od = 0; od < g.outD; od++) {
      for (let oh = 0; oh < g.outH; oh++) {
        for (let ow = 0; ow < g.outW; ow++) {
          let best = -Infinity;
          let arg = -1;
          for (let kd = 0; kd < g.kD; kd++) {
            const id = od * g.sD - g.pD + kd * g.dD;
            if (id < 0 || id >= g.inD) continue;
            for (let kh = 0; kh < g.kH; kh++) {
              const ih = oh * g.sH - g.pH + kh * g.dH;
              if (ih < 0 || ih >= g.inH) continue;
              const row = (id * g.inH + ih) * g.inW;
              for (let kw = 0; kw < g.kW; kw++) {
                const iw = ow * g.sW - g.pW + kw * g.dW;
                if (iw < 0 || iw >= g.inW) continue;
                const v = x[xBase + row + iw]!;
                if (v > best || Number.isNaN(v)) {
                  best = v;
                  arg = row + iw;
                }
              }
            }
          }
          out[o] = relu && !(best > 0) ? 0 : best;
          if (argmax) argmax[o] = arg;
          o++;
        }
      }
    }
  }
}

// gy: (N, C, ...out), argmax as saved by the forward pass, gx: (N, C, ...in) overwritten.
// Overlapping windows (stride < kernel) may pick the same input, hence the +=.
export function maxPoolBackward(gy: Float32Array, argmax: Int32Array, gx: Float32Array, p: PoolParams,
  y: Float32Array | null = null): void {
  const g = geometry(p, 'maxPoolBackward');
  const inPlane = g.inD * g.inH * g.inW;
  const outPlane = g.outD * g.outH * g.outW;
  gx.fill(0, 0, g.planes * inPlane);
  for (let plane = 0; plane < g.planes; plane++) {
    const xBase = plane * inPlane;
    for (let j = plane * outPlane; j < (plane + 1) * outPlane; j++) {
      const a = argmax[j]!;
      if (a >= 0 && (!y || y[j]! > 0)) gx[xBase + a] = gx[xBase + a]! + gy[j]!;
    }
  }
}

// Average pooling and adaptive average pooling differ only in their windows, so both build,
// per spatial dim, a table of window bounds [lo, hi) into the input and the divisor's factor;
// one loop nest then averages (forward) or spreads the gradient back (backward).
export interface WindowTable {
  lo: Int32Array; // per output index: first input index of the window
  hi: Int32Array; // one past the last
  extent: Int32Array; // this dim's factor of the divisor
}

// PyTorch's average window: [start, start + k) is first clipped to the padded input (its length
// is the countIncludePad divisor), then to the input itself (the elements actually summed, and
// the divisor without countIncludePad).
function avgTable(size: number, out: number, k: number, s: number, pad: number, countIncludePad: boolean): WindowTable {
  const t = { lo: new Int32Array(out), hi: new Int32Array(out), extent: new Int32Array(out) };
  for (let o = 0; o < out; o++) {
    const start = o * s - pad;
    const end = Math.min(start + k, size + pad);
    t.lo[o] = Math.max(start, 0);
    t.hi[o] = Math.min(end, size);
    t.extent[o] = countIncludePad ? end - start : t.hi[o]! - t.lo[o]!;
  }
  return t;
}

// PyTorch's adaptive window: [floor(o·in/out), ceil((o+1)·in/out)).
function adaptiveTable(size: number, out: number): WindowTable {
  const t = { lo: new Int32Array(out), hi: new Int32Array(out), extent: new Int32Array(out) };
  for (let o = 0; o < out; o++) {
    t.lo[o] = Math.floor((o * size) / out);
    t.hi[o] = Math.ceil(((o + 1) * size) / out);
    t.extent[o] = t.hi[o]! - t.lo[o]!;
  }
  return t;
}

// forward: src = x (N, C, ...in), dst = out (N, C, ...out), dst[o] = mean of src over the window.
// backward: src = gy (N, C, ...out), dst = gx (N, C, ...in) zeroed here, each gy[o] spread evenly.
function averageWindows(
  src: Float32Array, dst: Float32Array, planes: number, inSize: readonly number[],
  T: [WindowTable, WindowTable, WindowTable], backward: boolean, op: string,
): void {
  const [, inH, inW] = lift3d(inSize, 1, op);
  const inPlane = inSize.reduce((a, b) => a * b, 1);
  const [D, H, W] = T;
  if (backward) dst.fill(0, 0, planes * inPlane);
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const xBase = plane * inPlane;
    for (let od = 0; od < D.lo.length; od++) {
      for (let oh = 0; oh < H.lo.length; oh++) {
        for (let ow = 0; ow < W.lo.length; ow++) {
          const divisor = D.extent[od]! * H.extent[oh]! * W.extent[ow]!;
          const wLo = W.lo[ow]!;
          const wHi = W.hi[ow]!;
          let sum = 0;
          const share = backward ? src[o]! / divisor : 0;
          for (let id = D.lo[od]!; id < D.hi[od]!; id++) {
            for (let ih = H.lo[oh]!; ih < H.hi[oh]!; ih++) {
              const row = xBase + (id * inH + ih) * inW;
              if (backward) for (let iw = wLo; iw < wHi; iw++) dst[row + iw] = dst[row + iw]! + share;
              else for (let iw = wLo; iw < wHi; iw++) sum += src[row + iw]!;
            }
          }
          if (!backward) dst[o] = sum / divisor;
          o++;
        }
      }
    }
  }
}

/** Per dim (D, H, W, 1-D and 2-D lifted to 3-D) the windows of an average pool. */
export function avgTables(p: PoolParams): [WindowTable, WindowTable, WindowTable] {
  const g = geometry(p, 'avgPool');
  return [
    avgTable(g.inD, g.outD, g.kD, g.sD, g.pD, p.countIncludePad),
    avgTable(g.inH, g.outH, g.kH, g.sH, g.pH, p.countIncludePad),
    avgTable(g.inW, g.outW, g.kW, g.sW, g.pW, p.countIncludePad),
  ];
}

/** Per dim (D, H, W, lifted as avgTables) the windows of an adaptive average pool. */
export function adaptiveTables(p: AdaptivePoolParams): [WindowTable, WindowTable, WindowTable] {
  const inS = lift3d(p.inSize, 1, 'adaptiveAvgPool');
  const outS = lift3d(p.outSize, 1, 'adaptiveAvgPool');
  return [adaptiveTable(inS[0], outS[0]), adaptiveTable(inS[1], outS[1]), adaptiveTable(inS[2], outS[2])];
}

// x: (N, C, ...in), out: (N, C, ...out)
export function avgPoolForward(x: Float32Array, out: Float32Array, p: PoolParams): void {
  averageWindows(x, out, p.batch * p.channels, p.inSize, avgTables(p), false, 'avgPoolForward');
}

// gy: (N, C, ...out), gx: (N, C, ...in) overwritten
export function avgPoolBackward(gy: Float32Array, gx: Float32Array, p: PoolParams): void {
  averageWindows(gy, gx, p.batch * p.channels, p.inSize, avgTables(p), true, 'avgPoolBackward');
}

// x: (N, C, ...in), out: (N, C, ...out)
export function adaptiveAvgPoolForward(x: Float32Array, out: Float32Array, p: AdaptivePoolParams): void {
  averageWindows(x, out, p.batch * p.channels, p.inSize, adaptiveTables(p), false, 'adaptiveAvgPoolForward');
}

// gy: (N, C, ...out), gx: (N, C, ...in) overwritten
export function adaptiveAvgPoolBackward(gy: Float32Array, gx: Float32Array, p: AdaptivePoolParams): void {
  averageWindows(gy, gx, p.batch * p.channels, p.inSize, adaptiveTables(p), true, 'adaptiveAvgPoolBackward');
}
