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
