// Padding of up to PAD_MAX_RANK dims (constant, reflect, replicate; negative padding crops) and its
// gradient, walking the output row by row as the reference kernel does (same summation order, so
// the gradient matches it exactly): per row the input row it reads (or none: constant padding),
// then the row's inside as one copy (a vector add backward), or a gather (a scatter) where it
// steps through the input, and its edges element by element.
// Threads split dim 0 only where it is not padded: their rows then read and write disjoint slabs.
import {
  PAD_BACKWARD, PAD_CONSTANT, PAD_DIMS, PAD_DST, PAD_MODE, PAD_PER_DIM, PAD_RANK, PAD_REPLICATE, PAD_SCRATCH,
  PAD_SRC, PAD_VALUE,
} from '../abi';
import { arg, ptr, splitAt } from './params';

@inline function dimSlot(p: usize, d: i32, field: i32): usize { return p + (<usize>(PAD_DIMS + d * PAD_PER_DIM + field) << 2); }

// The input index output index o of a dim reads, or −1 (constant padding); with a step (constant
// mode only) the padded input is every step-th element.
@inline function source(o: i32, n: i32, pb: i32, mode: i32, step: i32): i32 {
  const i = o - pb;
  if (i >= 0 && i * step < n) return i * step;
  if (mode == PAD_CONSTANT) return -1;
  if (mode == PAD_REPLICATE) return i < 0 ? 0 : n - 1;
  return i < 0 ? -i : 2 * (n - 1) - i; // reflect: the op checks pad < size, so one mirror lands inside
}

/**
 * Forward: dst (out shape) from src (in shape); backward: dst (in shape, zeroed here) += src (out
 * shape). One part does all; more parts (dim 0 not padded) each take a range of dim 0.
 */
export function padTask(p: usize, part: i32, parts: i32, slot: i32): void {
  const nd = arg(p, PAD_RANK), mode = arg(p, PAD_MODE), backward = arg(p, PAD_BACKWARD) != 0;
  const src = ptr(p, PAD_SRC), dst = ptr(p, PAD_DST), value = load<f32>(p + (<usize>PAD_VALUE << 2));
  // The output index of each dim but the last, for the current row: this thread's scratch, a
  // cache line of its own (read and written per row: two threads' indices on one line made 2
  // threads slower than 1 on ResNet-20's shortcut padding).
  const idx = ptr(p, PAD_SCRATCH) + (<usize>slot << 6);
  let outer = 1;
  for (let d = 0; d < nd - 1; d++) outer *= load<i32>(dimSlot(p, d, 1));
  const d0 = nd > 1 ? load<i32>(dimSlot(p, 0, 1)) : 1;
  const a0 = splitAt(d0, parts, part, 1), a1 = splitAt(d0, parts, part + 1, 1);
  if (backward) {
    // All of the input for one part; else this part's slab of dim 0 (not padded: in = out).
    const stride0 = <usize>load<i32>(dimSlot(p, 0, 3));
    const from = parts == 1 ? 0 : <usize>a0 * stride0;
    const to = parts == 1 ? stride0 * load<i32>(dimSlot(p, 0, 0)) : <usize>a1 * stride0;
    memory.fill(dst + (from << 2), 0, (to - from) << 2);
  }
  if (a1 <= a0) return;
  const rowsPer = outer / d0, r0 = a0 * rowsPer, r1 = a1 * rowsPer;
  let rest = r0;
  for (let d = nd - 2; d >= 0; d--) {
    const size = load<i32>(dimSlot(p, d, 1));
    store<i32>(idx + (<usize>d << 2), rest % size);
    rest /= size;
  }
  const n = load<i32>(dimSlot(p, nd - 1, 0)), m = load<i32>(dimSlot(p, nd - 1, 1)), pb = load<i32>(dimSlot(p, nd - 1, 2));
  const step = load<i32>(dimSlot(p, nd - 1, 4));
  // Output columns [j0, j1) read input columns (j − pb)·step inside the row.
  const j0 = min(m, max(0, pb)), j1 = max(j0, min(m, pb + (n + step - 1) / step));
  const avail = n - (j0 - pb) * step; // input floats from column j0's on
  let q = (backward ? src : dst) + ((<usize>r0 * m) << 2); // the output row
  for (let r = r0; r < r1; r++) {
    let base = 0;
    for (let d = 0; d < nd - 1; d++) {
      const i = source(load<i32>(idx + (<usize>d << 2)), load<i32>(dimSlot(p, d, 0)), load<i32>(dimSlot(p, d, 2)), mode,
        load<i32>(dimSlot(p, d, 4)));
      if (i < 0) { base = -1; break; }
      base += i * load<i32>(dimSlot(p, d, 3));
    }
    if (backward) {
      if (base >= 0) {
        const row = dst + (<usize>base << 2);
        for (let j = 0; j < j0; j++) addAt(row, source(j, n, pb, mode, step), q + (<usize>j << 2));
        if (step == 1) {
          let j = j0;
          for (; j + 4 <= j1; j += 4) {
            const at = row + (<usize>(j - pb) << 2);
            v128.store(at, f32x4.add(v128.load(at), v128.load(q + (<usize>j << 2))));
          }
          for (; j < j1; j++) addAt(row, j - pb, q + (<usize>j << 2));
        } else {
          scatterRow(row + (<usize>((j0 - pb) * step) << 2), q + (<usize>j0 << 2), j1 - j0, step, avail);
        }
        for (let j = j1; j < m; j++) addAt(row, source(j, n, pb, mode, step), q + (<usize>j << 2));
      }
    } else if (base < 0) {
      fill(q, m, value);
    } else {
      const row = src + (<usize>base << 2);
      for (let j = 0; j < j0; j++) store<f32>(q + (<usize>j << 2), readAt(row, source(j, n, pb, mode, step), value));
      if (step == 1) {
        if (j1 > j0) memory.copy(q + (<usize>j0 << 2), row + (<usize>(j0 - pb) << 2), <usize>(j1 - j0) << 2);
      } else {
        gatherRow(q + (<usize>j0 << 2), row + (<usize>((j0 - pb) * step) << 2), j1 - j0, step, avail);
      }
      for (let j = j1; j < m; j++) store<f32>(q + (<usize>j << 2), readAt(row, source(j, n, pb, mode, step), value));
    }
    q += <usize>m << 2;
    for (let d = nd - 2; d >= 0; d--) {
      const at = idx + (<usize>d << 2), i = load<i32>(at) + 1;
      if (i < load<i32>(dimSlot(p, d, 1))) { store<i32>(at, i); break; }
      store<i32>(at, 0);
    }
  }
}

// out[j] = row[j·step] for k outputs, row holding `avail` floats; step 2 takes two vectors' even lanes.
@inline function gatherRow(out: usize, row: usize, k: i32, step: i32, avail: i32): void {
  let j = 0;
  if (step == 2) {
    for (; j + 4 <= k && 2 * j + 8 <= avail; j += 4) {
      const at = row + (<usize>(2 * j) << 2);
      v128.store(out + (<usize>j << 2), v128.shuffle<f32>(v128.load(at), v128.load(at, 16), 0, 2, 4, 6));
    }
  }
  for (; j < k; j++) store<f32>(out + (<usize>j << 2), load<f32>(row + (<usize>(j * step) << 2)));
}

// Its backward into a row zeroed before: row[j·step] = g[j] (a step above 1 is constant padding,
// where each input element is read at most once, so a store is the sum); step 2 stores g
// interleaved with the zeros between.
@inline function scatterRow(row: usize, g: usize, k: i32, step: i32, avail: i32): void {
  let j = 0;
  if (step == 2) {
    const zero = f32x4.splat(0);
    for (; j + 4 <= k && 2 * j + 8 <= avail; j += 4) {
      const v = v128.load(g + (<usize>j << 2)), at = row + (<usize>(2 * j) << 2);
      v128.store(at, v128.shuffle<f32>(v, zero, 0, 4, 1, 5));
      v128.store(at, v128.shuffle<f32>(v, zero, 2, 6, 3, 7), 16);
    }
  }
  for (; j < k; j++) store<f32>(row + (<usize>(j * step) << 2), load<f32>(g + (<usize>j << 2)));
}

@inline function readAt(row: usize, i: i32, value: f32): f32 { return i >= 0 ? load<f32>(row + (<usize>i << 2)) : value; }

@inline function addAt(row: usize, i: i32, from: usize): void {
  if (i < 0) return;
  const at = row + (<usize>i << 2);
  store<f32>(at, load<f32>(at) + load<f32>(from));
}

@inline function fill(q: usize, m: i32, value: f32): void {
  for (let j = 0; j < m; j++) store<f32>(q + (<usize>j << 2), value);
}
