// The Mersenne Twister as numpy's legacy np.random.seed(int) / uniform(0, 1) draw it. A Dropout
// node that carries a `seed` attribute draws its mask from it, so a seeded node gives the mask
// ONNX's reference implementation gives (and its operator tests expect).

/** `count` doubles in [0, 1): np.random.seed(seed); np.random.uniform(0, 1, count). */
export function numpyUniform(seed: number, count: number): Float64Array {
  const mt = new Uint32Array(624);
  mt[0] = seed >>> 0;
  for (let i = 1; i < 624; i++) {
    const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
    // 1812433253 · prev + i in 32-bit arithmetic, split to stay exact in doubles.
    mt[i] = (((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + i) >>> 0;
  }
  let index = 624;
  const next = (): number => {
    if (index >= 624) {
      for (let i = 0; i < 624; i++) {
        const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % 624]! & 0x7fffffff);
        mt[i] = mt[(i + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      index = 0;
    }
    let y = mt[index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    return (y ^ (y >>> 18)) >>> 0;
  };
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const a = next() >>> 5;
    const b = next() >>> 6;
    out[i] = (a * 67108864 + b) / 9007199254740992;
  }
  return out;
}
