// What every WGSL kernel here shares: the parameter words at binding 0 (u32, floats and ints
// bitcast), buffer declarations, the element-wise entry point, and the host side that packs the
// words. One definition of the layout both sides read.
import type { Storage } from '../storage.js';
import type { GpuStorage } from './allocator.js';
import type { Binding } from './context.js';

export const PRELUDE = /* wgsl */ `
@group(0) @binding(0) var<storage, read> P: array<u32>;
fn pf(i: u32) -> f32 { return bitcast<f32>(P[i]); }
fn pi(i: u32) -> i32 { return bitcast<i32>(P[i]); }
`;

/** `var` declaration of binding `slot` (1-based after the parameters). */
export function buf(slot: number, name: string, write: boolean, type: 'f32' | 'i32' = 'f32'): string {
  return `@group(0) @binding(${slot}) var<storage, ${write ? 'read_write' : 'read'}> ${name}: array<${type}>;\n`;
}

/** An entry point of 256 threads per workgroup, `i` the thread's flat index over a 2-D grid. */
export function elementwiseMain(body: string): string {
  return `@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 256u;
  ${body}
}`;
}

/**
 * -∞, NaN and the NaN test, by bits: WGSL has no infinity literal, rejects constant expressions
 * that evaluate to them (hence the var) and may fold x != x away.
 */
export const FLOAT_BITS = /* wgsl */ `
fn negInf() -> f32 { var b = 0xff800000u; return bitcast<f32>(b); }
fn nan() -> f32 { var b = 0x7fc00000u; return bitcast<f32>(b); }
fn isNan(v: f32) -> bool { let b = bitcast<u32>(v); return (b & 0x7f800000u) == 0x7f800000u && (b & 0x7fffffu) != 0u; }
`;

const scratchF = new Float32Array(1);
const scratchU = new Uint32Array(scratchF.buffer);

/** Parameter words, appended in the order the shader reads them. */
export class Words {
  private readonly w: number[] = [];
  get length(): number { return this.w.length; }
  u(...v: readonly number[]): this {
    for (const x of v) this.w.push(x >>> 0);
    return this;
  }
  f(...v: readonly number[]): this {
    for (const x of v) {
      scratchF[0] = x;
      this.w.push(scratchU[0]!);
    }
    return this;
  }
  /** `v` padded with `fill` to `n` entries (fixed-size arrays in the shader). */
  padded(v: readonly number[], n: number, fill: number): this {
    for (let d = 0; d < n; d++) this.u(d < v.length ? v[d]! : fill);
    return this;
  }
  buffer(): ArrayBuffer {
    return Uint32Array.from(this.w).buffer;
  }
}

export const g = (s: Storage): GpuStorage => s as GpuStorage;
export const rd = (s: Storage): Binding => ({ buffer: g(s).buffer });
export const wr = (s: Storage): Binding => ({ buffer: g(s).buffer, write: true });

/** 1-D to 3-D spatial arrays as 3-D, outermost padded with `fill`. */
export function lift3(v: readonly number[], fill: number): [number, number, number] {
  const out = [fill, fill, fill];
  for (let i = 0; i < v.length; i++) out[3 - v.length + i] = v[i]!;
  return out as [number, number, number];
}
