// WebGPU convolution as implicit GEMM: each pass is one matrix product per group whose operand
// that would be im2col's matrix is never stored, its elements gathered from the tensor as the
// tiles are loaded. The tiling is the GEMM kernel's: 16×16 threads, each a block of RM×4 outputs
// in registers, 16-deep panels staged through workgroup memory.
//   forward:        Y[g]  (coutG, N·outPlane)  = W[g] (coutG, cinG·taps) · col(X)
//   input gradient: GX[g] (cinG, N·inPlane)    = W[g]ᵀ (cinG, coutG·taps) · col(GY) (stride holes read 0)
//   weight grad.:   GW[g] (coutG, cinG·taps)   = GY[g] (coutG, N·outPlane) · col(X)ᵀ
// The weight gradient reduces over the whole batch, so its K is split into chunks, each summed by
// its own workgroups into a partial, and the partials are added in a fixed order (deterministic).
import type { ConvParams } from '../kernels.js';
import type { Storage } from '../storage.js';
import { GpuContext } from './context.js';
import { BACKWARD_WEIGHT_SUM, convWords, GEOMETRY } from './conv-direct.js';
import { buf, PRELUDE, rd, wr } from './wgsl.js';

export type ConvPass = 'forward' | 'backwardInput' | 'backwardWeight';

const BN = 64; // columns per workgroup tile
const MAX_GROUPS = 65535;
// Split the weight gradient's reduction until about this many workgroups run at once, each
// still summing a chunk of at least MIN_CHUNK products.
const TARGET_WORKGROUPS = 512;
const MIN_CHUNK = 256;

/** The per-group GEMM of a pass: rows m, columns n, depth k, and workgroup layers (groups). */
export function gemmShape(pass: ConvPass, p: ConvParams): { m: number; n: number; k: number } {
  const taps = p.kernelSize.reduce((a, b) => a * b, 1);
  const inPlane = p.inSize.reduce((a, b) => a * b, 1), outPlane = p.outSize.reduce((a, b) => a * b, 1);
  const cinG = p.inChannels / p.groups, coutG = p.outChannels / p.groups;
  if (pass === 'forward') return { m: coutG, n: p.batch * outPlane, k: cinG * taps };
  if (pass === 'backwardInput') return { m: cinG, n: p.batch * inPlane, k: coutG * taps };
  return { m: coutG, n: cinG * taps, k: p.batch * outPlane };
}

/**
 * Whether a pass runs as implicit GEMM. Its smallest tile is 16 rows × 64 columns × 16 deep:
 * with fewer than 8 rows (channels per group), or under 16 columns or depth (a depthwise layer's
 * 3×3 taps), most of each tile would be padding, and the direct kernel (one thread per output,
 * no workgroup memory) does less work. Grids beyond WebGPU's workgroup count stay direct too.
 */
export function usesGemm(pass: ConvPass, p: ConvParams): boolean {
  const { m, n, k } = gemmShape(pass, p);
  return m >= 8 && Math.min(n, k) >= 16 && Math.ceil(n / BN) <= MAX_GROUPS && p.groups <= MAX_GROUPS;
}

/** Rows per thread: the smallest tile height (16·RM) that holds the rows without waste. */
const rowsPerThread = (m: number): 1 | 2 | 4 => (m >= 48 ? 4 : m >= 24 ? 2 : 1);

interface Snippets {
  decl: string; // buffer declarations after the parameters
  kRange: string; // defines kBegin, kEnd (of this workgroup's reduction) from z
  setupB: string; // once per thread: what the column `col` of the gathered operand needs
  loadA: string; // sets av for row m, depth k (both in range)
  loadB: string; // sets bv for depth k of column col (both in range; 0 where the gather is padding)
  store: string; // writes v to row m, column cc (both in range)
}

// The shared tiled product over gathered operands, RM rows per thread unrolled in registers.
function implicitGemm(s: Snippets, rm: number): string {
  const bm = 16 * rm;
  const rows = Array.from({ length: rm }, (_, i) => i);
  return PRELUDE + GEOMETRY + s.decl + /* wgsl */ `
var<workgroup> As: array<f32, ${bm * 16}>; // [kk][row]
var<workgroup> Bs: array<f32, ${16 * BN}>; // [kk][col]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = P[24]; let NC = P[25];
  let z = wg.z;
  let taps = kSz(0u) * kSz(1u) * kSz(2u);
  let inPlane = inSz(0u) * inSz(1u) * inSz(2u);
  let outPlane = outSz(0u) * outSz(1u) * outSz(2u);
  let cinG = P[1] / P[3]; let coutG = P[2] / P[3];
  ${s.kRange}
  let row0 = wg.y * ${bm}u; let col0 = wg.x * ${BN}u;
  let tid = lid.y * 16u + lid.x;
  // Each thread gathers the same column of B in every panel: its geometry is worked out once.
  let col = col0 + tid % ${BN}u;
  let colOk = col < NC;
  ${s.setupB}
  let kA = tid % 16u;
  ${rows.map((i) => `var acc${i} = vec4<f32>(0.0);`).join(' ')}
  let ar = lid.y * ${rm}u; let bc = lid.x * 4u;
  for (var k0 = kBegin; k0 < kEnd; k0 = k0 + 16u) {
    for (var l = 0u; l < ${rm}u; l = l + 1u) {
      let r = tid / 16u + l * 16u;
      let m = row0 + r; let k = k0 + kA;
      var av = 0.0;
      if (m < M && k < kEnd) { ${s.loadA} }
      As[kA * ${bm}u + r] = av;
    }
    for (var l = 0u; l < 4u; l = l + 1u) {
      let kb = tid / ${BN}u + l * 4u;
      let k = k0 + kb;
      var bv = 0.0;
      if (colOk && k < kEnd) { ${s.loadB} }
      Bs[kb * ${BN}u + tid % ${BN}u] = bv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk = kk + 1u) {
      let b = vec4<f32>(Bs[kk * ${BN}u + bc], Bs[kk * ${BN}u + bc + 1u], Bs[kk * ${BN}u + bc + 2u], Bs[kk * ${BN}u + bc + 3u]);
      ${rows.map((i) => `acc${i} = acc${i} + As[kk * ${bm}u + ar + ${i}u] * b;`).join('\n      ')}
    }
    workgroupBarrier();
  }
  ${rows.map((i) => `storeRow(row0 + ar + ${i}u, col0 + bc, acc${i}, z, M, NC, taps, inPlane, outPlane, cinG, coutG);`).join('\n  ')}
}

fn storeRow(m: u32, c0: u32, acc: vec4<f32>, z: u32, M: u32, NC: u32, taps: u32, inPlane: u32, outPlane: u32, cinG: u32, coutG: u32) {
  if (m >= M) { return; }
  for (var j = 0u; j < 4u; j = j + 1u) {
    let cc = c0 + j;
    if (cc >= NC) { return; }
    let v = acc[j];
    ${s.store}
  }
}`;
}

// Decomposes a flat tap index t into kd, kh, kw.
const TAP = 'let kw = t % kSz(2u); let kh = (t / kSz(2u)) % kSz(1u); let kd = t / (kSz(2u) * kSz(1u));';
const IN_RANGE = 'id >= 0 && id < i32(inSz(0u)) && ih >= 0 && ih < i32(inSz(1u)) && iw >= 0 && iw < i32(inSz(2u))';
const IN_OFFSET = '(u32(id) * inSz(1u) + u32(ih)) * inSz(2u) + u32(iw)';

const FORWARD: Snippets = {
  decl: buf(1, 'X', false) + buf(2, 'W', false) + buf(3, 'Bias', false) + buf(4, 'Y', true),
  kRange: 'let kBegin = 0u; let kEnd = P[26];',
  setupB: `
  let bpos = col % outPlane;
  let d0 = i32((bpos / (outSz(2u) * outSz(1u))) * P[13]) - i32(P[16]);
  let h0 = i32(((bpos / outSz(2u)) % outSz(1u)) * P[14]) - i32(P[17]);
  let w0 = i32((bpos % outSz(2u)) * P[15]) - i32(P[18]);
  let xBase = ((col / outPlane) * P[1] + z * cinG) * inPlane;`,
  loadA: 'av = W[(z * coutG + m) * P[26] + k];',
  loadB: `let c = k / taps; let t = k % taps; ${TAP}
        let id = d0 + i32(kd * P[19]); let ih = h0 + i32(kh * P[20]); let iw = w0 + i32(kw * P[21]);
        if (${IN_RANGE}) { bv = X[xBase + c * inPlane + ${IN_OFFSET}]; }`,
  store: `let co = z * coutG + m;
    var out = v;
    if (P[22] == 1u) { out = out + Bias[co]; }
    Y[((cc / outPlane) * P[2] + co) * outPlane + cc % outPlane] = out;`,
};

const BACKWARD_INPUT: Snippets = {
  decl: buf(1, 'GY', false) + buf(2, 'W', false) + buf(3, 'GX', true),
  kRange: 'let kBegin = 0u; let kEnd = P[26];',
  setupB: `
  let bpos = col % inPlane;
  let d0 = i32(bpos / (inSz(2u) * inSz(1u)) + P[16]);
  let h0 = i32((bpos / inSz(2u)) % inSz(1u) + P[17]);
  let w0 = i32(bpos % inSz(2u) + P[18]);
  let yBase = ((col / inPlane) * P[2] + z * coutG) * outPlane;`,
  loadA: 'av = W[((z * coutG + k / taps) * cinG + m) * taps + k % taps];',
  // The output that reads input i through tap k sits at (i + pad − k·dilation) / stride, where
  // that division is exact and in range; elsewhere the gathered element is a stride hole (0).
  loadB: `let co = k / taps; let t = k % taps; ${TAP}
        let td = d0 - i32(kd * P[19]); let th = h0 - i32(kh * P[20]); let tw = w0 - i32(kw * P[21]);
        if (td >= 0 && th >= 0 && tw >= 0) {
          let od = u32(td) / P[13]; let oh = u32(th) / P[14]; let ow = u32(tw) / P[15];
          if (od * P[13] == u32(td) && oh * P[14] == u32(th) && ow * P[15] == u32(tw) &&
              od < outSz(0u) && oh < outSz(1u) && ow < outSz(2u)) {
            bv = GY[yBase + co * outPlane + (od * outSz(1u) + oh) * outSz(2u) + ow];
          }
        }`,
  store: 'GX[((cc / inPlane) * P[1] + z * cinG + m) * inPlane + cc % inPlane] = v;',
};

// z = group · splits + split; P[27] is the chunk of the reduction each split sums, P[28] the splits.
const BACKWARD_WEIGHT: Snippets = {
  decl: buf(1, 'X', false) + buf(2, 'GY', false) + buf(3, 'GW', true),
  kRange: 'let grp = z / P[28]; let split = z % P[28]; let kBegin = split * P[27]; let kEnd = min(P[26], kBegin + P[27]);',
  setupB: `
  let t = col % taps; ${TAP}
  let xBase = (grp * cinG + col / taps) * inPlane;
  let dOff = i32(kd * P[19]) - i32(P[16]); let hOff = i32(kh * P[20]) - i32(P[17]); let wOff = i32(kw * P[21]) - i32(P[18]);`,
  loadA: 'av = GY[((k / outPlane) * P[2] + grp * coutG + m) * outPlane + k % outPlane];',
  loadB: `let pos = k % outPlane;
        let id = i32((pos / (outSz(2u) * outSz(1u))) * P[13]) + dOff;
        let ih = i32(((pos / outSz(2u)) % outSz(1u)) * P[14]) + hOff;
        let iw = i32((pos % outSz(2u)) * P[15]) + wOff;
        if (${IN_RANGE}) { bv = X[(k / outPlane) * P[1] * inPlane + xBase + ${IN_OFFSET}]; }`,
  store: `let grp = z / P[28];
    GW[(z % P[28]) * P[2] * cinG * taps + (grp * coutG + m) * cinG * taps + cc] = v;`,
};

const SOURCES: Record<ConvPass, Snippets> = { forward: FORWARD, backwardInput: BACKWARD_INPUT, backwardWeight: BACKWARD_WEIGHT };
const shaders = new Map<string, string>();

function shader(pass: ConvPass, rm: number): string {
  const key = `${pass}/${rm}`;
  let s = shaders.get(key);
  if (!s) shaders.set(key, (s = implicitGemm(SOURCES[pass], rm)));
  return s;
}

function dispatch(ctx: GpuContext, pass: ConvPass, p: ConvParams, bindings: Parameters<GpuContext['run']>[2],
  hasBias: boolean, chunk: number, splits: number): void {
  const { m, n, k } = gemmShape(pass, p);
  const rm = rowsPerThread(m);
  const words = convWords(p, hasBias, 0).u(m, n, k, chunk, splits).buffer();
  ctx.run(shader(pass, rm), words, bindings, [Math.ceil(n / BN), Math.ceil(m / (16 * rm)), p.groups * splits]);
}

export function convForwardGemm(ctx: GpuContext, x: Storage, w: Storage, bias: Storage | null, out: Storage, p: ConvParams): void {
  const b = bias ? rd(bias) : { buffer: ctx.dummy };
  dispatch(ctx, 'forward', p, [rd(x), rd(w), b, wr(out)], bias !== null, 0, 1);
}

export function convBackwardInputGemm(ctx: GpuContext, gy: Storage, w: Storage, gx: Storage, p: ConvParams): void {
  dispatch(ctx, 'backwardInput', p, [rd(gy), rd(w), wr(gx)], false, 0, 1);
}

export function convBackwardWeightGemm(ctx: GpuContext, x: Storage, gy: Storage, gw: Storage, p: ConvParams): void {
  const { m, n, k } = gemmShape('backwardWeight', p);
  const tiles = Math.ceil(n / BN) * Math.ceil(m / (16 * rowsPerThread(m))) * p.groups;
  const wanted = Math.max(1, Math.min(Math.ceil(TARGET_WORKGROUPS / tiles), Math.floor(k / MIN_CHUNK), Math.floor(MAX_GROUPS / p.groups)));
  const chunk = Math.ceil(k / wanted / 16) * 16;
  const splits = Math.ceil(k / chunk);
  if (splits === 1) return dispatch(ctx, 'backwardWeight', p, [rd(x), rd(gy), wr(gw)], false, chunk, 1);
  const size = p.outChannels * n;
  const partial = ctx.cache.take(splits * size);
  dispatch(ctx, 'backwardWeight', p, [rd(x), rd(gy), wr(partial)], false, chunk, splits);
  ctx.run(BACKWARD_WEIGHT_SUM, convWords({ ...p, batch: splits }, false, size).buffer(), [rd(partial), wr(gw)], GpuContext.grid(size));
}
