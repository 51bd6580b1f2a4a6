// Reading a task's parameter block (slots defined in ../abi.ts) and splitting work between parts.

/** Slot `i` of the parameter block at `p`, as an integer. */
@inline export function arg(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }

/** Slot `i` of the parameter block at `p`, as a pointer. */
@inline export function ptr(p: usize, i: i32): usize { return <usize>load<u32>(p + (<usize>i << 2)); }

/** Splits [0, total) into nt parts at multiples of `align`; returns the start of part t. */
@inline export function splitAt(total: i32, nt: i32, t: i32, align: i32): i32 {
  const units = (total + align - 1) / align;
  const per = units / nt, extra = units % nt;
  const u = t * per + min(t, extra);
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
