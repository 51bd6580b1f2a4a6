// Padding of up to PAD_MAX_RANK dims (constant, reflect, replicate; negative padding crops) and its
// gradient, walking the output row by row as the reference kernel does (same summation order, so
// the gradient matches it exactly): per row the input row it reads (or none: constant padding),
// then the row's inside as one copy (a vector add backward) and its edges element by element.
import { PAD_CONSTANT, PAD_DIMS, PAD_MODE, PAD_PER_DIM, PAD_RANK, PAD_REPLICATE } from '../abi';
import { arg } from './params';

@inline function dimSlot(p: usize, d: i32, field: i32): usize { return p + (<usize>(PAD_DIMS + d * PAD_PER_DIM + field) << 2); }

// The input index output index o of a dim reads, or −1 (constant padding).
@inline function source(o: i32, n: i32, pb: i32, mode: i32): i32 {
  const i = o - pb;
  if (i >= 0 && i < n) return i;
  if (mode == PAD_CONSTANT) return -1;
  if (mode == PAD_REPLICATE) return i < 0 ? 0 : n - 1;
  return i < 0 ? -i : 2 * (n - 1) - i; // reflect: the op checks pad < size, so one mirror lands inside
}

/** Forward: dst (out shape) from src (in shape); backward: dst (in shape, zeroed here) += src (out shape). */
export function pad(src: usize, dst: usize, p: usize, value: f32, backward: bool): void {
  const nd = arg(p, PAD_RANK), mode = arg(p, PAD_MODE);
  let inVol: usize = 1, outer = 1;
  for (let d = nd - 1; d >= 0; d--) {
    store<i32>(dimSlot(p, d, 3), <i32>inVol);
    store<i32>(dimSlot(p, d, 4), 0);
    inVol *= <usize>load<i32>(dimSlot(p, d, 0));
    if (d < nd - 1) outer *= load<i32>(dimSlot(p, d, 1));
  }
  if (backward) memory.fill(dst, 0, inVol << 2);
  const n = load<i32>(dimSlot(p, nd - 1, 0)), m = load<i32>(dimSlot(p, nd - 1, 1)), pb = load<i32>(dimSlot(p, nd - 1, 2));
  // Output columns [j0, j1) read input columns j − pb inside the row.
  const j0 = min(m, max(0, pb)), j1 = max(j0, min(m, pb + n));
  let q = backward ? src : dst; // the output row
  for (let r = 0; r < outer; r++) {
    let base = 0;
    for (let d = 0; d < nd - 1; d++) {
      const i = source(load<i32>(dimSlot(p, d, 4)), load<i32>(dimSlot(p, d, 0)), load<i32>(dimSlot(p, d, 2)), mode);
      if (i < 0) { base = -1; break; }
      base += i * load<i32>(dimSlot(p, d, 3));
    }
    if (backward) {
      if (base >= 0) {
        const row = dst + (<usize>base << 2);
        for (let j = 0; j < j0; j++) addAt(row, source(j, n, pb, mode), q + (<usize>j << 2));
        let j = j0;
        for (; j + 4 <= j1; j += 4) {
          const at = row + (<usize>(j - pb) << 2);
          v128.store(at, f32x4.add(v128.load(at), v128.load(q + (<usize>j << 2))));
        }
        for (; j < m; j++) addAt(row, source(j, n, pb, mode), q + (<usize>j << 2));
      }
    } else if (base < 0) {
      fill(q, m, value);
    } else {
      const row = src + (<usize>base << 2);
      for (let j = 0; j < j0; j++) store<f32>(q + (<usize>j << 2), readAt(row, source(j, n, pb, mode), value));
      if (j1 > j0) memory.copy(q + (<usize>j0 << 2), row + (<usize>(j0 - pb) << 2), <usize>(j1 - j0) << 2);
      for (let j = j1; j < m; j++) store<f32>(q + (<usize>j << 2), readAt(row, source(j, n, pb, mode), value));
    }
    q += <usize>m << 2;
    for (let d = nd - 2; d >= 0; d--) {
      const at = dimSlot(p, d, 4), i = load<i32>(at) + 1;
      if (i < load<i32>(dimSlot(p, d, 1))) { store<i32>(at, i); break; }
      store<i32>(at, 0);
    }
  }
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
