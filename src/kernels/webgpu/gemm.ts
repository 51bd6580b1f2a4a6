// WebGPU GEMM: c (m, n) (+)= op(a) (m, k) · op(b) (k, n), a batch of independent products in
// workgroup z. Each workgroup of 16×16 threads computes a 64×64 tile of c, each thread a 4×4
// block held in registers; 64×16 panels of a and b are staged through workgroup memory, loaded
// so that neighbouring threads read neighbouring addresses for either layout.
import type { GemmParams } from '../kernels.js';
import type { Storage } from '../storage.js';
import type { GpuContext } from './context.js';
import { buf, PRELUDE, rd, Words, wr } from './wgsl.js';

const TILE = 64;
const MAX_BATCH = 65535;

// Words: m, n, k, transA, transB, accumulate.
export const GEMM = PRELUDE + buf(1, 'A', false) + buf(2, 'B', false) + buf(3, 'C', true) + /* wgsl */ `
var<workgroup> As: array<f32, 1024>; // [kk][row], 16 × 64
var<workgroup> Bs: array<f32, 1024>; // [kk][col], 16 × 64

fn store(r: u32, c0: u32, cOff: u32, v: vec4<f32>) {
  if (r >= P[0]) { return; }
  for (var j = 0u; j < 4u; j = j + 1u) {
    let c = c0 + j;
    if (c >= P[1]) { return; }
    let idx = cOff + r * P[1] + c;
    var x = v[j];
    if (P[5] == 1u) { x = x + C[idx]; }
    C[idx] = x;
  }
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = P[0]; let N = P[1]; let K = P[2];
  let transA = P[3] == 1u; let transB = P[4] == 1u;
  let aOff = wg.z * M * K; let bOff = wg.z * K * N; let cOff = wg.z * M * N;
  let row0 = wg.y * 64u; let col0 = wg.x * 64u;
  let tid = lid.y * 16u + lid.x;
  var acc0 = vec4<f32>(0.0); var acc1 = vec4<f32>(0.0); var acc2 = vec4<f32>(0.0); var acc3 = vec4<f32>(0.0);
  let ar = lid.y * 4u; let bc = lid.x * 4u;
  for (var k0 = 0u; k0 < K; k0 = k0 + 16u) {
    for (var l = 0u; l < 4u; l = l + 1u) {
      let e = tid + l * 256u;
      // a: (m, k) rows walk k fastest; transposed (k, m) walk m fastest.
      var r = e / 16u; var kk = e % 16u;
      if (transA) { r = e % 64u; kk = e / 64u; }
      var av = 0.0;
      if (row0 + r < M && k0 + kk < K) {
        av = A[aOff + select((row0 + r) * K + k0 + kk, (k0 + kk) * M + row0 + r, transA)];
      }
      As[kk * 64u + r] = av;
      var c = e % 64u; var kb = e / 64u;
      if (transB) { c = e / 16u; kb = e % 16u; }
      var bv = 0.0;
      if (col0 + c < N && k0 + kb < K) {
        bv = B[bOff + select((k0 + kb) * N + col0 + c, (col0 + c) * K + k0 + kb, transB)];
      }
      Bs[kb * 64u + c] = bv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk = kk + 1u) {
      let b = vec4<f32>(Bs[kk * 64u + bc], Bs[kk * 64u + bc + 1u], Bs[kk * 64u + bc + 2u], Bs[kk * 64u + bc + 3u]);
      acc0 = acc0 + As[kk * 64u + ar] * b;
      acc1 = acc1 + As[kk * 64u + ar + 1u] * b;
      acc2 = acc2 + As[kk * 64u + ar + 2u] * b;
      acc3 = acc3 + As[kk * 64u + ar + 3u] * b;
    }
    workgroupBarrier();
  }
  store(row0 + ar, col0 + bc, cOff, acc0);
  store(row0 + ar + 1u, col0 + bc, cOff, acc1);
  store(row0 + ar + 2u, col0 + bc, cOff, acc2);
  store(row0 + ar + 3u, col0 + bc, cOff, acc3);
}`;

export function gemm(ctx: GpuContext, a: Storage, b: Storage, c: Storage, p: GemmParams): void {
  const batch = p.batch ?? 1;
  if (batch > MAX_BATCH) throw new Error(`webgpu gemm: a batch of ${batch} products, at most ${MAX_BATCH}`);
  const w = new Words().u(p.m, p.n, p.k, p.transA ? 1 : 0, p.transB ? 1 : 0, p.accumulate ? 1 : 0);
  ctx.run(GEMM, w.buffer(), [rd(a), rd(b), wr(c)], [Math.ceil(p.n / TILE), Math.ceil(p.m / TILE), batch]);
}
