// WebGPU padding (constant, reflect, replicate; negative pads crop) as gathers. Per dim, the
// host builds the reference's table output index → input index (−1: the constant) and, for the
// backward pass, its inverse: for each input index the output indices that read it, in order.
import type { PadParams } from '../kernels.js';
import { indexTable } from '../ref/pad.js';
import type { Storage } from '../storage.js';
import { GpuContext } from './context.js';
import { MAX_DIMS } from './elementwise.js';
import { buf, elementwiseMain, PRELUDE, rd, Words, wr } from './wgsl.js';

// Words: 0 n, 1 nd, 2 value, 3.. inShape[8], 11.. outShape[8], 19.. per-dim table offsets[8],
// then the tables. Forward table of dim d: out_d entries. Backward: start[in_d + 1], entries.
function words(p: PadParams, backward: boolean, n: number): ArrayBuffer {
  const nd = p.outShape.length;
  if (nd > MAX_DIMS) throw new Error(`webgpu pad: ${nd} dims, at most ${MAX_DIMS} supported`);
  const tables = p.outShape.map((o, d) => indexTable(p.inShape[d]!, o, p.padBegin[d]!, p.mode, p.step?.[d]));
  const w = new Words().u(n, nd).f(p.value).padded(p.inShape, MAX_DIMS, 1).padded(p.outShape, MAX_DIMS, 1);
  const body: number[] = [];
  const offsets: number[] = [];
  tables.forEach((t, d) => {
    offsets.push(27 + body.length);
    if (!backward) {
      body.push(...Array.from(t, (v) => v >>> 0));
      return;
    }
    const inSize = p.inShape[d]!;
    const lists: number[][] = Array.from({ length: inSize }, () => []);
    t.forEach((i, o) => {
      if (i >= 0) lists[i]!.push(o);
    });
    let start = inSize + 1;
    for (let i = 0; i <= inSize; i++) {
      body.push(start);
      if (i < inSize) start += lists[i]!.length;
    }
    for (const l of lists) body.push(...l);
  });
  return w.padded(offsets, MAX_DIMS, 0).u(...body).buffer();
}

const FORWARD = PRELUDE + buf(1, 'X', false) + buf(2, 'Y', true) + elementwiseMain(`
  if (i >= P[0]) { return; }
  let nd = P[1];
  var rest = i;
  var off = 0u;
  var stride = 1u;
  var inside = true;
  for (var k = nd; k > 0u; k = k - 1u) {
    let d = k - 1u;
    let c = rest % P[11u + d];
    rest = rest / P[11u + d];
    let t = bitcast<i32>(P[P[19u + d] + c]);
    if (t < 0) { inside = false; } else { off = off + u32(t) * stride; }
    stride = stride * P[3u + d];
  }
  Y[i] = select(pf(2u), X[off], inside);`);

// One thread per input element: the sum over the product of each dim's reading outputs,
// row-major (the reference's order of additions).
const BACKWARD = PRELUDE + buf(1, 'GY', false) + buf(2, 'GX', true) + /* wgsl */ `
fn startOf(d: u32, c: u32) -> u32 { return P[P[19u + d] + c]; }
` + elementwiseMain(`
  if (i >= P[0]) { return; }
  let nd = P[1];
  var coord: array<u32, 8>;
  var rest = i;
  var total = 1u;
  for (var k = nd; k > 0u; k = k - 1u) {
    let d = k - 1u;
    coord[d] = rest % P[3u + d];
    rest = rest / P[3u + d];
    total = total * (startOf(d, coord[d] + 1u) - startOf(d, coord[d]));
  }
  var acc = 0.0;
  for (var j = 0u; j < total; j = j + 1u) {
    var r = j;
    var off = 0u;
    var stride = 1u;
    for (var k = nd; k > 0u; k = k - 1u) {
      let d = k - 1u;
      let s0 = startOf(d, coord[d]);
      let cnt = startOf(d, coord[d] + 1u) - s0;
      let o = P[P[19u + d] + s0 + r % cnt];
      r = r / cnt;
      off = off + o * stride;
      stride = stride * P[11u + d];
    }
    acc = acc + GY[off];
  }
  GX[i] = acc;`);

export function padForward(ctx: GpuContext, x: Storage, out: Storage, p: PadParams): void {
  const n = p.outShape.reduce((a, b) => a * b, 1);
  ctx.run(FORWARD, words(p, false, n), [rd(x), wr(out)], GpuContext.grid(n));
}

export function padBackward(ctx: GpuContext, gy: Storage, gx: Storage, p: PadParams): void {
  const n = p.inShape.reduce((a, b) => a * b, 1);
  ctx.run(BACKWARD, words(p, true, n), [rd(gy), wr(gx)], GpuContext.grid(n));
}
