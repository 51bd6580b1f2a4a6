// Summing a run of floats into four lanes, for reductions and checks over contiguous memory.

// The lane sums of x[0 … n − n % 16): 16 floats a step in four chains (hiding the add latency),
// added together at the end; the caller adds the last n % 16.
@inline export function laneSums16(x: usize, n: i32): v128 {
  let acc = f32x4.splat(0), acc1 = acc, acc2 = acc, acc3 = acc;
  for (let i = 0; i + 16 <= n; i += 16) {
    const q = x + (<usize>i << 2);
    acc = f32x4.add(acc, v128.load(q));
    acc1 = f32x4.add(acc1, v128.load(q, 16));
    acc2 = f32x4.add(acc2, v128.load(q, 32));
    acc3 = f32x4.add(acc3, v128.load(q, 48));
  }
  return f32x4.add(f32x4.add(acc, acc1), f32x4.add(acc2, acc3));
}
