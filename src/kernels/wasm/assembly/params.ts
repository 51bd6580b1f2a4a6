// Reading a task's parameter block (slots defined in ../abi.ts) and splitting work between parts.

/** Slot `i` of the parameter block at `p`, as an integer. */
@inline export function arg(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }

/** Slot `i` of the parameter block at `p`, as a pointer. */
@inline export function ptr(p: usize, i: i32): usize { return <usize>load<u32>(p + (<usize>i << 2)); }

/**
 * Splits [0, total) into nt parts at multiples of `align`; returns the start of part t. Parts
 * differ by at most one unit, and the larger ones are spread out (part t starts at ⌈t·units/nt⌉),
 * not all first: the calling thread claims parts from the front and the workers from the back
 * (thread-pool.ts), so with the larger parts first the front half held all of them (W8's 32→32
 * 16² weight gradient: 43 steps in 8 lanes, 23 steps on the calling thread against 20, its worker
 * idle ~0.5 ms a call). Rounded up, the first part is never the smaller one: the calling thread
 * runs it at once, where a worker may wake late (with ⌊t·units/nt⌋, W4 at 2 threads took 21.6–24.3
 * ms a forward against 21.3–22.7 before).
 */
@inline export function splitAt(total: i32, nt: i32, t: i32, align: i32): i32 {
  const units = (total + align - 1) / align;
  const u = <i32>((<i64>t * units + nt - 1) / nt);
  return min(total, u * align);
}

/**
 * This part's output channels [lane 0, lane 1) and positions [lane 2, lane 3) of `channels` ×
 * `positions` outputs: split by channels at multiples of 4 (whole GEMM panels), or by positions
 * at multiples of `align`; the other range whole.
 */
@inline export function splitOutputs(byChannels: bool, channels: i32, positions: i32, align: i32, parts: i32, part: i32): v128 {
  let c0 = 0, c1 = channels, s0 = 0, s1 = positions;
  if (byChannels) {
    c0 = splitAt(channels, parts, part, 4);
    c1 = splitAt(channels, parts, part + 1, 4);
  } else {
    s0 = splitAt(positions, parts, part, align);
    s1 = splitAt(positions, parts, part + 1, align);
  }
  return i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(c0), 1, c1), 2, s0), 3, s1);
}
