// WebGPU dropout masks: the reference's counter-based generator (Threefry-2×32-20, ref/dropout.ts)
// in WGSL, one thread per counter, each writing two elements: the same mask as every other device.
import type { DropoutParams } from '../kernels.js';
import { THREEFRY_PARITY, THREEFRY_ROTATIONS } from '../ref/dropout.js';
import type { Storage } from '../storage.js';
import { GpuContext } from './context.js';
import { buf, elementwiseMain, PRELUDE, Words, wr } from './wgsl.js';

// Rounds unrolled, four at a time between key injections (u32 arithmetic wraps in WGSL as here).
function rounds(): string {
  const lines: string[] = [];
  for (let r = 0; r < 20; r++) {
    const rot = THREEFRY_ROTATIONS[r % 8]!;
    lines.push(`x0 = x0 + x1; x1 = (x1 << ${rot}u) | (x1 >> ${32 - rot}u); x1 = x1 ^ x0;`);
    if (r % 4 === 3) {
      const s = (r + 1) / 4;
      lines.push(`x0 = x0 + ks${s % 3}; x1 = x1 + ks${(s + 1) % 3} + ${s}u;`);
    }
  }
  return lines.join('\n  ');
}

// Words: size, key0, key1, threshold, scale (f32 bits).
const MASK = PRELUDE + buf(1, 'Out', true) + elementwiseMain(`
  let n = P[0];
  if (2u * i >= n) { return; }
  let ks0 = P[1]; let ks1 = P[2]; let ks2 = P[1] ^ P[2] ^ ${THREEFRY_PARITY}u;
  var x0 = i + ks0;
  var x1 = ks1;
  ${rounds()}
  let scale = pf(4u);
  Out[2u * i] = select(scale, 0.0, (x0 >> 8u) < P[3]);
  if (2u * i + 1u < n) { Out[2u * i + 1u] = select(scale, 0.0, (x1 >> 8u) < P[3]); }`);

export function dropoutMask(ctx: GpuContext, out: Storage, p: DropoutParams): void {
  const w = new Words().u(p.size, p.key[0], p.key[1], p.threshold).f(p.scale);
  ctx.run(MASK, w.buffer(), [wr(out)], GpuContext.grid(Math.ceil(p.size / 2)));
}
