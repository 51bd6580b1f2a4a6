// Max pooling forward with 3×3 windows at stride 2, padded by 0 or 1 (ResNet's pool after the
// stem, AlexNet's first two pools), one plane per call. The general kernel (layout.ts) folds each
// window's 9 elements in turn; here each input row's three columns are folded first, eight
// windows at once (four vector loads split into even and odd columns by shuffles), then the
// window's three row results, walking down a column of eight outputs so that the row shared by two
// windows (the bottom of one, the top of the next) is folded once and carried in registers.
// Same results as the general rule (greater or NaN replaces, from −∞ and index −1), bit for bit,
// argmax too: folding a window row by row is its order (rows, then columns), and the rule gives
// the same result on a sequence as on the results of its consecutive parts (a part ends on its
// first largest element, kept over an earlier equal one, or on its last NaN). Without NaNs the
// rule is f32x4.pmax (b replaces a where a < b: one instruction), so the folds use it, after a
// sum of the plane's inputs (hasNaN, a sixth of the time): a NaN among them (or infinities of both
// signs) makes the caller run the plane through the general kernel instead.

import { laneSums16 } from './lane-sums';

// The columns [oxA, oxB) whose windows lie inside the row (2·ox − pw ≥ 0, 2·ox − pw + 2 < w).
@inline function insideFrom(ow: i32, pw: i32): i32 { return min(pw, ow); }
@inline function insideTo(w: i32, ow: i32, pw: i32): i32 {
  const last = w - 3 + pw;
  return max(insideFrom(ow, pw), min(ow, last < 0 ? 0 : last / 2 + 1));
}

/**
 * Whether a plane has the eight inside columns that maxPool3Plane's vector walk needs, and every
 * window's middle row inside (not so for some last windows of ceil mode).
 */
export function pool3Fits(h: i32, w: i32, oh: i32, ow: i32, ph: i32, pw: i32): bool {
  return insideTo(w, ow, pw) - insideFrom(ow, pw) >= 8 && oh > 0 && 2 * oh - ph - 1 < h;
}

// x: (h, w) → out, argmax (0: not wanted): (oh, ow), one plane; ph, pw ∈ {0, 1} rows and columns
// of padding before (after: whatever oh and ow imply). False when the plane is to be pooled again
// by the general kernel (NaN seen; out and argmax then partly written).
export function maxPool3Plane(x: usize, out: usize, argmax: usize, h: i32, w: i32, oh: i32, ow: i32, ph: i32, pw: i32): bool {
  const oxA = insideFrom(ow, pw), oxB = insideTo(w, ow, pw);
  if (hasNaN(x, h * w)) return false;
  // The last eight end at oxB (recomputing some of the eight before). Two copies: the one without
  // argmax keeps its few values in registers.
  for (let xo = oxA; xo < oxB; xo += 8) {
    const xs = min(xo, oxB - 8);
    if (argmax != 0) columnOfEight(x, out, argmax, h, w, oh, ow, ph, xs, pw, true);
    else columnOfEight(x, out, 0, h, w, oh, ow, ph, xs, pw, false);
  }
  for (let ox = 0; ox < oxA; ox++) columnOfOne(x, out, argmax, h, w, oh, ow, ph, ox, pw);
  for (let ox = oxB; ox < ow; ox++) columnOfOne(x, out, argmax, h, w, oh, ow, ph, ox, pw);
  return true;
}

// Outputs (·, xs … xs + 7), every output row. Each window's rows are folded over their three
// columns first (fold4, four windows at once), and the row a window shares with the next (its
// last, the next one's first) is carried. Rows past the input (padding) are replaced by the
// nearest row, already in the window: folding an equal row again changes neither the value nor
// the index.
@inline function columnOfEight(plane: usize, out: usize, argmax: usize, h: i32, w: i32, oh: i32, ow: i32, ph: i32,
  xs: i32, pw: i32, withArgmax: bool): void {
  const b = 2 * xs - pw;
  const rowBytes = <usize>w << 2;
  const eight = i32x4.splat(8), lanes = i32x4(0, 2, 4, 6);
  const q = plane + ((<usize>(max(-ph, 0) * w + b)) << 2);
  const t0 = v128.load(q), t2 = v128.load(q, 32);
  let top0 = fold4(t0, v128.load(q, 16), t2), top1 = fold4(t2, v128.load(q, 48), v128.load32_splat(q, 64));
  let topAt0 = i32x4.splat(0), topAt1 = topAt0;
  if (withArgmax) {
    const first = i32x4.add(i32x4.splat(max(-ph, 0) * w + b), lanes);
    topAt0 = fold4Argmax(t0, v128.load(q, 16), t2, first);
    topAt1 = fold4Argmax(t2, v128.load(q, 48), v128.load32_splat(q, 64), i32x4.add(first, eight));
  }
  let r = 1 - ph; // the window's middle row
  for (let oy = 0; oy < oh; oy++) {
    const qm = plane + ((<usize>(r * w + b)) << 2), qs = r + 1 < h ? qm + rowBytes : qm;
    const m0 = v128.load(qm), m1 = v128.load(qm, 16), m2 = v128.load(qm, 32), m3 = v128.load(qm, 48);
    const m4 = v128.load32_splat(qm, 64);
    const s0 = v128.load(qs), s1 = v128.load(qs, 16), s2 = v128.load(qs, 32), s3 = v128.load(qs, 48);
    const s4 = v128.load32_splat(qs, 64);
    const mid0 = fold4(m0, m1, m2), mid1 = fold4(m2, m3, m4), low0 = fold4(s0, s1, s2), low1 = fold4(s2, s3, s4);
    const o = (<usize>(oy * ow + xs)) << 2;
    v128.store(out + o, f32x4.pmax(f32x4.pmax(top0, mid0), low0));
    v128.store(out + o, f32x4.pmax(f32x4.pmax(top1, mid1), low1), 16);
    if (withArgmax) {
      const first = i32x4.add(i32x4.splat(r * w + b), lanes);
      const second = i32x4.add(i32x4.splat((r + 1 < h ? r + 1 : r) * w + b), lanes);
      const midAt0 = fold4Argmax(m0, m1, m2, first), midAt1 = fold4Argmax(m2, m3, m4, i32x4.add(first, eight));
      const lowAt0 = fold4Argmax(s0, s1, s2, second), lowAt1 = fold4Argmax(s2, s3, s4, i32x4.add(second, eight));
      v128.store(argmax + o, windowArgmax(top0, mid0, low0, topAt0, midAt0, lowAt0));
      v128.store(argmax + o, windowArgmax(top1, mid1, low1, topAt1, midAt1, lowAt1), 16);
      topAt0 = lowAt0;
      topAt1 = lowAt1;
    }
    top0 = low0;
    top1 = low1;
    r += 2;
  }
}

// Four windows' folds over their three columns of one row, from the inputs lo, hi (eight in a
// row) and next (its first lane the ninth): the even and odd columns, and the evens shifted by one.
@inline function fold4(lo: v128, hi: v128, next: v128): v128 {
  const even = i32x4.shuffle(lo, hi, 0, 2, 4, 6), odd = i32x4.shuffle(lo, hi, 1, 3, 5, 7);
  return f32x4.pmax(f32x4.pmax(even, odd), i32x4.shuffle(even, next, 1, 2, 3, 4));
}

// fold4's indices (first: the flat indices of the even columns), without NaNs: the first column
// unless −∞, then each later one where greater; −1 where all three are −∞.
@inline function fold4Argmax(lo: v128, hi: v128, next: v128, first: v128): v128 {
  const even = i32x4.shuffle(lo, hi, 0, 2, 4, 6), odd = i32x4.shuffle(lo, hi, 1, 3, 5, 7);
  const third = i32x4.shuffle(even, next, 1, 2, 3, 4);
  let at = v128.bitselect(first, i32x4.splat(-1), f32x4.lt(f32x4.splat(-Infinity), even));
  at = v128.bitselect(i32x4.add(first, i32x4.splat(1)), at, f32x4.lt(even, odd));
  return v128.bitselect(i32x4.add(first, i32x4.splat(2)), at, f32x4.lt(f32x4.pmax(even, odd), third));
}

// The index of a window's fold from its rows' folds and their indices.
@inline function windowArgmax(top: v128, mid: v128, low: v128, topAt: v128, midAt: v128, lowAt: v128): v128 {
  const at = v128.bitselect(midAt, topAt, f32x4.lt(top, mid));
  return v128.bitselect(lowAt, at, f32x4.lt(f32x4.pmax(top, mid), low));
}

// Whether the n floats from x hold a NaN (or infinities of both signs: their sum is NaN too).
function hasNaN(x: usize, n: i32): bool {
  const all = laneSums16(x, n);
  let s: f32 = 0;
  for (let i = n & ~15; i < n; i++) s += load<f32>(x + (<usize>i << 2));
  return v128.any_true(f32x4.ne(all, all)) || s != s;
}

// Output column ox, every output row, its windows clipped to the input: the general rule.
function columnOfOne(plane: usize, out: usize, argmax: usize, h: i32, w: i32, oh: i32, ow: i32, ph: i32, ox: i32,
  pw: i32): void {
  const x0 = 2 * ox - pw;
  for (let oy = 0; oy < oh; oy++) {
    const y0 = 2 * oy - ph;
    let best: f32 = -Infinity, where = -1;
    for (let y = max(y0, 0); y < min(y0 + 3, h); y++) {
      for (let xx = max(x0, 0); xx < min(x0 + 3, w); xx++) {
        const v = load<f32>(plane + ((<usize>(y * w + xx)) << 2));
        const take = v > best || v != v;
        best = select<f32>(v, best, take);
        where = select<i32>(y * w + xx, where, take);
      }
    }
    const q = (<usize>(oy * ow + ox)) << 2;
    store<f32>(out + q, best);
    if (argmax != 0) store<i32>(argmax + q, where);
  }
}
