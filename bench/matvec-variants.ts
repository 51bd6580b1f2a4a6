// Matrix-vector products y = W·x over AlexNet's dense weights (W: [out, in] row-major, 234 MB),
// written several ways in AssemblyScript and timed interleaved round by round (a busy machine
// slows them alike): which structure reads the weights fastest on one thread. Variants:
//   rows4     4 rows per pass, 1 accumulator each (the backend's gemmDots for m = 1)
//   rows8     8 rows per pass, 1 accumulator each
//   rows4x4   4 rows per pass, 4 accumulators each (one cache line of each row per step)
//   row1x4    1 row at a time, 4 accumulators (one weight stream, x loaded once per weight load)
//   ahead1k   rows4x4 plus a load of each row 1 KiB ahead (software "prefetch")
//   packed4   W repacked once as [out/4][in/4][4 rows][4 k]: one sequential stream, per step one x
//             load, four weight loads and four FMAs into the four rows' accumulators (the same
//             sums, lane for lane, as rows4)
//   packed4c  packed4 over k in chunks of 512 ([in/512][out/4][128][4 rows][4 k]: the backend's
//             dense-packed.ts), x's 2 KB chunk staying in L1, each row's lane sums kept between chunks
//   packed8   packed4 with blocks of 8 rows: [out/8][in/4][8 rows][4 k]
// and controls: 'stream1' sums W in one pass (the load loop), 'stream4' sums it 4 rows at a time
// (4 streams, as rows4 reads W), neither multiplying; 'x1k' is packed4 with x from a 1 KB window. Usage: npx tsx bench/matvec-variants.ts [--rounds 30]
import asc from 'assemblyscript/asc';
import { detectFeatures } from '../src/kernels/wasm/loader.js';

const SOURCE = `
@inline function hsum(v: v128): f32 { return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3); }
@inline function madd(a: v128, b: v128, c: v128): v128 { return f32x4.relaxed_madd(a, b, c); }
@inline function sum4(a: v128, b: v128, c: v128, d: v128): f32 { return hsum(f32x4.add(f32x4.add(a, b), f32x4.add(c, d))); }
// multiply = false: the same reads of W, summed without x (the control stream4).
@inline function fourRows(x: usize, w: usize, y: usize, k: i32, n: i32, multiply: bool): void {
  const lb = <usize>k << 2;
  for (let j = 0; j < n; j += 4) {
    const b = w + <usize>j * lb, b1 = b + lb, b2 = b1 + lb, b3 = b2 + lb;
    let x0 = f32x4.splat(0), x1 = x0, x2 = x0, x3 = x0;
    for (let q = 0; q < k; q += 4) {
      const o = <usize>q << 2;
      if (multiply) {
        const t = v128.load(x + o);
        x0 = madd(t, v128.load(b + o), x0); x1 = madd(t, v128.load(b1 + o), x1);
        x2 = madd(t, v128.load(b2 + o), x2); x3 = madd(t, v128.load(b3 + o), x3);
      } else {
        x0 = f32x4.add(v128.load(b + o), x0); x1 = f32x4.add(v128.load(b1 + o), x1);
        x2 = f32x4.add(v128.load(b2 + o), x2); x3 = f32x4.add(v128.load(b3 + o), x3);
      }
    }
    const c = y + (<usize>j << 2);
    store<f32>(c, hsum(x0)); store<f32>(c, hsum(x1), 4); store<f32>(c, hsum(x2), 8); store<f32>(c, hsum(x3), 12);
  }
}
export function rows4(x: usize, w: usize, y: usize, k: i32, n: i32): void { fourRows(x, w, y, k, n, true); }
export function stream4(x: usize, w: usize, y: usize, k: i32, n: i32): void { fourRows(x, w, y, k, n, false); }
export function rows8(x: usize, w: usize, y: usize, k: i32, n: i32): void {
  const lb = <usize>k << 2;
  for (let j = 0; j < n; j += 8) {
    const b = w + <usize>j * lb;
    let x0 = f32x4.splat(0), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0, x6 = x0, x7 = x0;
    for (let q = 0; q < k; q += 4) {
      const o = <usize>q << 2, t = v128.load(x + o), p = b + o;
      x0 = madd(t, v128.load(p), x0); x1 = madd(t, v128.load(p + lb), x1);
      x2 = madd(t, v128.load(p + 2 * lb), x2); x3 = madd(t, v128.load(p + 3 * lb), x3);
      x4 = madd(t, v128.load(p + 4 * lb), x4); x5 = madd(t, v128.load(p + 5 * lb), x5);
      x6 = madd(t, v128.load(p + 6 * lb), x6); x7 = madd(t, v128.load(p + 7 * lb), x7);
    }
    const c = y + (<usize>j << 2);
    store<f32>(c, hsum(x0)); store<f32>(c, hsum(x1), 4); store<f32>(c, hsum(x2), 8); store<f32>(c, hsum(x3), 12);
    store<f32>(c, hsum(x4), 16); store<f32>(c, hsum(x5), 20); store<f32>(c, hsum(x6), 24); store<f32>(c, hsum(x7), 28);
  }
}
@inline function rows4x4Ahead(x: usize, w: usize, y: usize, k: i32, n: i32, ahead: usize): void {
  const lb = <usize>k << 2, last = w + <usize>n * lb - 64;
  let touched = f32x4.splat(0);
  for (let j = 0; j < n; j += 4) {
    const b = w + <usize>j * lb;
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    let c0 = a0, c1 = a0, c2 = a0, c3 = a0, d0 = a0, d1 = a0, d2 = a0, d3 = a0;
    for (let q = 0; q < k; q += 16) {
      const o = <usize>q << 2;
      const t0 = v128.load(x + o), t1 = v128.load(x + o, 16), t2 = v128.load(x + o, 32), t3 = v128.load(x + o, 48);
      let p = b + o;
      if (ahead) touched = v128.or(touched, v128.load(min(p + ahead, last)));
      a0 = madd(t0, v128.load(p), a0); a1 = madd(t1, v128.load(p, 16), a1); a2 = madd(t2, v128.load(p, 32), a2); a3 = madd(t3, v128.load(p, 48), a3);
      p += lb;
      if (ahead) touched = v128.or(touched, v128.load(min(p + ahead, last)));
      b0 = madd(t0, v128.load(p), b0); b1 = madd(t1, v128.load(p, 16), b1); b2 = madd(t2, v128.load(p, 32), b2); b3 = madd(t3, v128.load(p, 48), b3);
      p += lb;
      if (ahead) touched = v128.or(touched, v128.load(min(p + ahead, last)));
      c0 = madd(t0, v128.load(p), c0); c1 = madd(t1, v128.load(p, 16), c1); c2 = madd(t2, v128.load(p, 32), c2); c3 = madd(t3, v128.load(p, 48), c3);
      p += lb;
      if (ahead) touched = v128.or(touched, v128.load(min(p + ahead, last)));
      d0 = madd(t0, v128.load(p), d0); d1 = madd(t1, v128.load(p, 16), d1); d2 = madd(t2, v128.load(p, 32), d2); d3 = madd(t3, v128.load(p, 48), d3);
    }
    const c = y + (<usize>j << 2);
    store<f32>(c, sum4(a0, a1, a2, a3)); store<f32>(c, sum4(b0, b1, b2, b3), 4);
    store<f32>(c, sum4(c0, c1, c2, c3), 8); store<f32>(c, sum4(d0, d1, d2, d3), 12);
  }
  if (ahead) v128.store(y + (<usize>n << 2), touched); // kept live (y has 4 spare floats)
}
export function rows4x4(x: usize, w: usize, y: usize, k: i32, n: i32): void { rows4x4Ahead(x, w, y, k, n, 0); }
export function ahead1k(x: usize, w: usize, y: usize, k: i32, n: i32): void { rows4x4Ahead(x, w, y, k, n, 1024); }
export function row1x4(x: usize, w: usize, y: usize, k: i32, n: i32): void {
  const lb = <usize>k << 2;
  for (let j = 0; j < n; j++) {
    const b = w + <usize>j * lb;
    let x0 = f32x4.splat(0), x1 = x0, x2 = x0, x3 = x0;
    for (let q = 0; q < k; q += 16) {
      const o = <usize>q << 2;
      x0 = madd(v128.load(x + o), v128.load(b + o), x0); x1 = madd(v128.load(x + o, 16), v128.load(b + o, 16), x1);
      x2 = madd(v128.load(x + o, 32), v128.load(b + o, 32), x2); x3 = madd(v128.load(x + o, 48), v128.load(b + o, 48), x3);
    }
    store<f32>(y + (<usize>j << 2), sum4(x0, x1, x2, x3));
  }
}
// x1k: packed4 with x read from its first 1 KB over and over (wrong results): a control for the
// cost of x's loads over all of k.
@inline function packed4From(x: usize, w: usize, y: usize, k: i32, n: i32, window: i32): void {
  let p = w;
  for (let j = 0; j < n; j += 4) {
    let x0 = f32x4.splat(0), x1 = x0, x2 = x0, x3 = x0;
    for (let q = 0; q < k; q += 4) {
      const t = v128.load(x + (<usize>(q & (window - 1)) << 2));
      x0 = madd(t, v128.load(p), x0); x1 = madd(t, v128.load(p, 16), x1);
      x2 = madd(t, v128.load(p, 32), x2); x3 = madd(t, v128.load(p, 48), x3);
      p += 64;
    }
    const c = y + (<usize>j << 2);
    store<f32>(c, hsum(x0)); store<f32>(c, hsum(x1), 4); store<f32>(c, hsum(x2), 8); store<f32>(c, hsum(x3), 12);
  }
}
export function packed4(x: usize, w: usize, y: usize, k: i32, n: i32): void { packed4From(x, w, y, k, n, 1 << 30); }
export function x1k(x: usize, w: usize, y: usize, k: i32, n: i32): void { packed4From(x, w, y, k, n, 256); }
// packed4 over k in chunks of KC (x's chunk stays in L1: AlexNet's first x is 36 KB), the chunks
// stored one after the other ([in/KC][out/4][KC/4][4 rows][4 k]), each row's 4 lane sums kept in
// acc (n·16 bytes) between chunks: still the same sums as rows4.
const KC = 512;
export function packed4c(x: usize, w: usize, y: usize, k: i32, n: i32): void {
  let p = w;
  const acc = y + (<usize>n << 2) + 64;
  for (let q0 = 0; q0 < k; q0 += KC) {
    const q1 = min(k, q0 + KC);
    for (let j = 0; j < n; j += 4) {
      const a = acc + (<usize>j << 4);
      let x0 = f32x4.splat(0), x1 = x0, x2 = x0, x3 = x0;
      if (q0 > 0) { x0 = v128.load(a); x1 = v128.load(a, 16); x2 = v128.load(a, 32); x3 = v128.load(a, 48); }
      for (let q = q0; q < q1; q += 4) {
        const t = v128.load(x + (<usize>q << 2));
        x0 = madd(t, v128.load(p), x0); x1 = madd(t, v128.load(p, 16), x1);
        x2 = madd(t, v128.load(p, 32), x2); x3 = madd(t, v128.load(p, 48), x3);
        p += 64;
      }
      v128.store(a, x0); v128.store(a, x1, 16); v128.store(a, x2, 32); v128.store(a, x3, 48);
    }
  }
  for (let j = 0; j < n; j++) store<f32>(y + (<usize>j << 2), hsum(v128.load(acc + (<usize>j << 4))));
}
export function packed8(x: usize, w: usize, y: usize, k: i32, n: i32): void {
  let p = w;
  for (let j = 0; j < n; j += 8) {
    let x0 = f32x4.splat(0), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0, x6 = x0, x7 = x0;
    for (let q = 0; q < k; q += 4) {
      const t = v128.load(x + (<usize>q << 2));
      x0 = madd(t, v128.load(p), x0); x1 = madd(t, v128.load(p, 16), x1);
      x2 = madd(t, v128.load(p, 32), x2); x3 = madd(t, v128.load(p, 48), x3);
      x4 = madd(t, v128.load(p, 64), x4); x5 = madd(t, v128.load(p, 80), x5);
      x6 = madd(t, v128.load(p, 96), x6); x7 = madd(t, v128.load(p, 112), x7);
      p += 128;
    }
    const c = y + (<usize>j << 2);
    store<f32>(c, hsum(x0)); store<f32>(c, hsum(x1), 4); store<f32>(c, hsum(x2), 8); store<f32>(c, hsum(x3), 12);
    store<f32>(c, hsum(x4), 16); store<f32>(c, hsum(x5), 20); store<f32>(c, hsum(x6), 24); store<f32>(c, hsum(x7), 28);
  }
}
export function stream1(x: usize, w: usize, y: usize, k: i32, n: i32): void {
  let a = f32x4.splat(0), b = a, c = a, d = a;
  const end = w + (<usize>n * k << 2);
  for (let p = w; p < end; p += 64) {
    a = f32x4.add(a, v128.load(p)); b = f32x4.add(b, v128.load(p, 16)); c = f32x4.add(c, v128.load(p, 32)); d = f32x4.add(d, v128.load(p, 48));
  }
  store<f32>(y, sum4(a, b, c, d));
}`;

type Fn = (x: number, w: number, y: number, k: number, n: number) => void;
const VARIANTS = ['rows4', 'packed4', 'packed4c', 'packed8', 'x1k', 'rows8', 'rows4x4', 'row1x4', 'ahead1k', 'stream1', 'stream4'] as const;
// The packed variants read their own copy of W (rows in blocks of `rows`, 4 k at a time).
const PACKED: Partial<Record<(typeof VARIANTS)[number], number>> = { packed4: 4, packed4c: -4, packed8: 8, x1k: 4 };

const i = process.argv.indexOf('--rounds');
const rounds = i >= 0 ? Number(process.argv[i + 1]) : 30;
const { relaxed } = await detectFeatures(); // enables relaxed SIMD in Node 20, as the backend does
const { binary, stderr } = await asc.compileString(relaxed ? SOURCE : SOURCE.replace('f32x4.relaxed_madd(a, b, c)', 'f32x4.add(f32x4.mul(a, b), c)'), {
  optimizeLevel: 3, noAssert: true, runtime: 'stub', importMemory: true, initialMemory: 1, maximumMemory: 65536,
  enable: relaxed ? ['simd', 'relaxed-simd'] : ['simd'],
} as never);
if (!binary) throw new Error(`matvec-variants: compile failed: ${stderr.toString()}`);
// k and n are multiples of 16 and 8 here, as every variant needs.
const layers = [[9216, 4096], [4096, 4096], [4096, 1000]].map(([k, n]) => ({ k: k!, n: n!, x: 0, w: 0, y: 0, w4: 0, w8: 0, wc: 0 }));
let top = 1 << 16;
for (const l of layers) {
  l.x = top; top += l.k * 4;
  l.w = top; top += l.n * l.k * 4;
  l.w4 = top; top += l.n * l.k * 4;
  l.w8 = top; top += l.n * l.k * 4;
  l.wc = top; top += l.n * l.k * 4;
  l.y = top; top += l.n * 4 + 64 + l.n * 16;
}
const memory = new WebAssembly.Memory({ initial: Math.ceil(top / 65536), maximum: 65536 });
const f = new Float32Array(memory.buffer);
for (let j = 0; j < f.length; j++) f[j] = ((j * 7919) % 1000) / 1000 - 0.5;
for (const l of layers) {
  for (const [rows, dst] of [[4, l.w4], [8, l.w8]] as const) {
    let o = dst / 4;
    for (let j = 0; j < l.n; j += rows) {
      for (let q = 0; q < l.k; q += 4) {
        for (let r = 0; r < rows; r++) for (let e = 0; e < 4; e++) f[o++] = f[l.w / 4 + (j + r) * l.k + q + e]!;
      }
    }
  }
  let o = l.wc / 4;
  for (let q0 = 0; q0 < l.k; q0 += 512) {
    for (let j = 0; j < l.n; j += 4) {
      for (let q = q0; q < Math.min(l.k, q0 + 512); q += 4) {
        for (let r = 0; r < 4; r++) for (let e = 0; e < 4; e++) f[o++] = f[l.w / 4 + (j + r) * l.k + q + e]!;
      }
    }
  }
}
const ex = new WebAssembly.Instance(new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>), { env: { memory } }).exports as unknown as Record<string, Fn>;
const bytes = layers.reduce((s, l) => s + l.n * l.k * 4, 0);
const times = VARIANTS.map(() => [] as number[]);
for (let r = 0; r < rounds; r++) {
  VARIANTS.forEach((v, j) => {
    const t0 = performance.now();
    for (const l of layers) ex[v]!(l.x, PACKED[v] === 4 ? l.w4 : PACKED[v] === -4 ? l.wc : PACKED[v] === 8 ? l.w8 : l.w, l.y, l.k, l.n);
    times[j]!.push(performance.now() - t0);
  });
}
console.log(`${rounds} rounds over ${(bytes / 1e6).toFixed(0)} MB of weights, ${relaxed ? 'relaxed' : 'plain'} SIMD`);
VARIANTS.forEach((v, j) => {
  const t = times[j]!.sort((a, b) => a - b), at = (q: number) => t[Math.floor(q * (t.length - 1))]!;
  console.log(`${v.padEnd(8)} best ${at(0).toFixed(2)} ms (${(bytes / at(0) / 1e6).toFixed(1)} GB/s), q25 ${at(0.25).toFixed(2)}, median ${at(0.5).toFixed(2)}`);
});
