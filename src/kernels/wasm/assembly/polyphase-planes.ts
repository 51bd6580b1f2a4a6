// A strided conv's input as its polyphase planes, for the stride-1 Winograd convs that run it
// (conv-paths.ts's polyphaseWinogradFits): with stride s (both ways) and padding (ph, pw),
//   Q[n, (c·s + a)·s + b, i, j] = xpad[n, c, i·s + a, j·s + b]    (a, b < s; i < hq, j < wq)
// zero outside x, so that the conv with kernel k equals the stride-1 conv over Q's cin·s²
// channels with ⌈k / s⌉-tap kernels w'[(c·s + a)·s + b][j][i] = w[c][s·j + a][s·i + b] (zero
// past k): out[y] = Σ_a Σ_j w[a + s·j] · xpad[s·(y + j) + a]. hq = oh + ⌈k / s⌉ − 1, likewise wq.
// The parameter block holds the strided conv's geometry, x at CONV_X and Q at CONV_OUT; parts
// split the planes.
import { CONV_BATCH, CONV_CIN, CONV_IH, CONV_IW, CONV_KH, CONV_OH, CONV_OUT, CONV_OW, CONV_PH, CONV_PW, CONV_SH, CONV_X } from '../abi';
import { arg, ptr, splitAt } from './params';

export function polyphasePlanesTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const x = ptr(p, CONV_X), q = ptr(p, CONV_OUT), h = arg(p, CONV_IH), w = arg(p, CONV_IW);
  const s = arg(p, CONV_SH), ph = arg(p, CONV_PH), pw = arg(p, CONV_PW), r = (arg(p, CONV_KH) + s - 1) / s;
  const hq = arg(p, CONV_OH) + r - 1, wq = arg(p, CONV_OW) + r - 1;
  const planes = arg(p, CONV_BATCH) * arg(p, CONV_CIN) * s * s;
  for (let pl = splitAt(planes, parts, part, 1); pl < splitAt(planes, parts, part + 1, 1); pl++) {
    const nc = pl / (s * s), a = pl / s % s, b = pl % s;
    const src = x + <usize>(nc * h * w) * 4;
    let dst = q + <usize>(pl * hq * wq) * 4;
    // Columns j0 … j1 − 1 read x (j·s + b − pw in [0, w)); the rest are padding.
    const j0 = min(wq, (pw - b + s - 1) / s), last = w - 1 + pw - b; // pw − b > −s
    const j1 = last < 0 ? j0 : max(j0, min(wq, last / s + 1));
    for (let i = 0; i < hq; i++, dst += <usize>wq * 4) {
      const iy = i * s + a - ph;
      if (iy < 0 || iy >= h) {
        memory.fill(dst, 0, <usize>wq * 4);
        continue;
      }
      memory.fill(dst, 0, <usize>j0 * 4);
      const c0 = j0 * s + b - pw;
      let at = src + (<usize>(iy * w + c0) << 2), j = j0;
      // Stride 2 (ResNet's 7×7 stem), four columns at once: the even lanes of 8 values, while those
      // lie in the row (the rest one by one). One by one, the planes took 0.149 ms of the stem's
      // 3.1 in a 1-thread forward and 0.164 at 2 threads; alone, 0.072–0.139 against 0.048–0.110
      // now (BENCHMARKS.md "ResNet-18 at batch 1 on two threads, layer by layer in the network").
      if (s == 2) {
        for (; j + 4 <= j1 && c0 + 2 * (j - j0) + 8 <= w; j += 4, at += 32) {
          v128.store(dst + (<usize>j << 2), i32x4.shuffle(v128.load(at), v128.load(at, 16), 0, 2, 4, 6));
        }
      }
      // Stride 4 (AlexNet's 11×11 stem), likewise: lane 0 of 4 vectors of 16 values. One by one,
      // the planes alone took 0.083 / 0.097 ms at 1 / 2 threads (best of 60, back to back), now
      // 0.076 / 0.040 (BENCHMARKS.md "AlexNet at batch 1 on two threads").
      if (s == 4) {
        for (; j + 4 <= j1 && c0 + 4 * (j - j0) + 16 <= w; j += 4, at += 64) {
          const lo = i32x4.shuffle(v128.load(at), v128.load(at, 16), 0, 4, 0, 4);
          const hi = i32x4.shuffle(v128.load(at, 32), v128.load(at, 48), 0, 4, 0, 4);
          v128.store(dst + (<usize>j << 2), i32x4.shuffle(lo, hi, 0, 1, 4, 5));
        }
      }
      for (; j < j1; j++, at += <usize>s * 4) store<f32>(dst + (<usize>j << 2), load<f32>(at));
      memory.fill(dst + (<usize>j1 << 2), 0, <usize>(wq - j1) * 4);
    }
  }
}
