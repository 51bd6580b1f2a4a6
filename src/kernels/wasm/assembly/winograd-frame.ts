// The frame every Winograd forward shares: which tiles and output channels a part takes, where its
// blocks lie in scratch, and the order of the three steps. A variant (F(2×2, 3×3), F(4×4, 3×3),
// F(2×2, 5×5), the stride-2 one) brings its tile side, its number of planes ξ and the steps:
//   input:    V[ξ] = Bᵀ d B for input channels [ci0, ci1) of nb tiles (coordinates at `coords`)
//   products: M[ξ] rows [r0, r0 + rows) = U[ξ] · V[ξ] over the input channels, for n tiles
//   output:   Y = Aᵀ M A + bias for output channels [c0, c1)
// then the forward's epilogue (+ residual, ReLU: conv-epilogue.ts) on the outputs just written.
// V and M hold `ld` floats per channel row, planes planeStride(rows, ld) apart. After the tile
// coordinates lies the variant's own working space (`work`, its padded input plane and
// transform groups), then the GEMM's packing space `gs`. Each output sums in the same order
// whichever part, block or phase computes it, so results never depend on the split.
import { hasEpilogue, tileEpilogue } from './conv-epilogue';
import { gemmCore, paddedRows } from './gemm';
import { CONV_BATCH, CONV_CIN, CONV_COUT, CONV_OH, CONV_OW, CONV_SCRATCH, CONV_SCRATCH_STRIDE, CONV_WINOGRAD_BY_CHANNELS, CONV_WINOGRAD_PHASE, CONV_WINOGRAD_U, CONV_WINOGRAD_V } from '../abi';
import { arg, ptr, splitAt, splitOutputs } from './params';
import { al64, planeStride, tileCoords, uPlaneBytes } from './winograd';

export type InputStep = (p: usize, ci0: i32, ci1: i32, coords: usize, nb: i32, v: usize, ld: i32, work: usize) => void;
export type ProductStep = (p: usize, rows: i32, n: i32, r0: i32, u: usize, v: usize, ld: i32, m: usize, gs: usize) => void;
export type OutputStep = (p: usize, m: usize, coords: usize, nb: i32, c0: i32, c1: i32, ld: i32, work: usize) => void;

// Output tiles of `side` across n outputs.
@inline export function tilesOf(n: i32, side: i32): i32 { return (n + side - 1) / side; }

// The padded input plane of the variants whose groups of 4 tiles read their rows in place: tiles
// every rowSide rows and `side` columns, `alpha` rows high; rows for every tile's, columns for a
// group's whole-vector loads from any tile column (each variant's file says how many values they
// take), 4 past the tiles' side·tw. Their `work` space: the plane, then a group's vectors.
@inline export function padRowsOf(p: usize, rowSide: i32, alpha: i32): i32 { return rowSide * tilesOf(arg(p, CONV_OH), rowSide) + alpha - rowSide; }
@inline export function padColsOf(p: usize, side: i32): i32 { return side * tilesOf(arg(p, CONV_OW), side) + 4; }
@inline export function padBytesOf(p: usize, rowSide: i32, alpha: i32, side: i32): i32 { return padRowsOf(p, rowSide, alpha) * padColsOf(p, side) * 4; }
@inline export function groupWorkBytes(p: usize, rowSide: i32, alpha: i32, side: i32, groupBytes: i32): i32 {
  return <i32>al64(padBytesOf(p, rowSide, alpha, side)) + groupBytes;
}

// Per-thread scratch of a forward task: V and M (`planes` planes of tb tiles), the tile
// coordinates, the variant's `work` bytes, and the GEMM's packing space `gemm`; 576 bytes of room
// for the alignments.
@inline export function forwardScratchBytes(p: usize, planes: i32, tb: i32, work: i32, gemm: i32): i32 {
  return <i32>(planes * (planeStride(arg(p, CONV_CIN), tb) + planeStride(arg(p, CONV_COUT), tb))) + 3 * tb * 4 + work + gemm + 576;
}

// Tiles per block when `total` tiles run in blocks of at most tb tiles of about equal size rounded
// up to multiples of `round` (a last block of a few tiles would read all of U for them; round = tb
// keeps whole blocks of tb).
@inline function blockSize(total: i32, tb: i32, round: i32): i32 {
  const blocks = (total + tb - 1) / tb;
  return min(tb, (((total + blocks - 1) / blocks) + round - 1) & ~(round - 1));
}

// Batched convs split by tiles in fixed blocks (forwardTask) where their variant asks; batch 1
// (ResNet-18's inference, measured and tuned with parts of tiles) keeps its parts.
@inline export function batched(p: usize): bool { return arg(p, CONV_BATCH) > 1; }

// The blocks of forwardTask's split by tiles with `fixed` blocks (batched convs: its variants pass
// `fixed` = batched(p)), from the geometry alone; 0 at batch 1 (not fixed).
@inline export function forwardBlocks(p: usize, side: i32, tb: i32, round: i32): i32 {
  if (!batched(p)) return 0;
  const total = arg(p, CONV_BATCH) * tilesOf(arg(p, CONV_OH), side) * tilesOf(arg(p, CONV_OW), side);
  return (total + blockSize(total, tb, round) - 1) / blockSize(total, tb, round);
}

// A part is a range of tiles (all output channels), or with CONV_WINOGRAD_BY_CHANNELS a range of
// output channels (4-row panels of U, all tiles): when tiles are few (batch 1, 7×7 maps), threads
// splitting them would each read all of U for a few columns. Its tiles run in blocks (blockSize).
// With `fixed` blocks, those of all the tiles (forwardBlocks) and parts of whole blocks: every
// split, 1 thread's included, runs the same blocks, so that 2 threads' parts run serially cost
// what 1 thread does, and parts may be as fine as a block (the last ones then short).
@inline export function forwardTask(p: usize, part: i32, parts: i32, slot: i32, planes: i32, side: i32, tb: i32, round: i32,
  work: i32, input: InputStep, products: ProductStep, output: OutputStep, fixed: bool = false): void {
  const cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT);
  const tw = tilesOf(arg(p, CONV_OW), side), tiles = tilesOf(arg(p, CONV_OH), side) * tw, total = arg(p, CONV_BATCH) * tiles;
  // Parts of tiles start at multiples of the blocks' rounding (up to one 8-column GEMM panel), so
  // that their blocks end on whole panels: the stem's 1,444 tiles in 8 parts (2 threads) made
  // blocks of 84–96 with partial panels, 1–5% more work than 1 thread's blocks of 128 (its parts
  // run serially), now blocks of 88–96, 1–2% (BENCHMARKS.md "ResNet-18 at batch 1 on two
  // threads, layer by layer in the network"). F(4×4) at batch 1 rounds to 1 tile: its parts as
  // before; batched, its blocks are fixed (winograd4.ts).
  const byChannels = arg(p, CONV_WINOGRAD_BY_CHANNELS) != 0, whole = fixed && !byChannels ? blockSize(total, tb, round) : 0;
  const split = whole ? splitOutputs(false, cout, total, whole, parts, part)
    : splitOutputs(byChannels, cout, total, min(round, 8), parts, part);
  const c0 = i32x4.extract_lane(split, 0), c1 = i32x4.extract_lane(split, 1);
  const g0 = i32x4.extract_lane(split, 2), g1 = i32x4.extract_lane(split, 3);
  if (c1 <= c0 || g1 <= g0) return;
  const u = ptr(p, CONV_WINOGRAD_U), uPlane = uPlaneBytes(cout, cin);
  const vStride = planeStride(cin, tb), mStride = planeStride(cout, tb);
  const v = al64(ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE));
  const m = al64(v + <usize>planes * vStride);
  const coords = al64(m + <usize>planes * mStride);
  const rest = al64(coords + <usize>(3 * tb) * 4), gs = al64(rest + <usize>work);
  const per = whole ? whole : blockSize(g1 - g0, tb, round);
  for (let blk = g0; blk < g1; blk += per) {
    const nb = min(per, g1 - blk);
    tileCoords(coords, blk, nb, tiles, tw, side);
    input(p, 0, cin, coords, nb, v, tb, rest);
    for (let xi = 0; xi < planes; xi++) {
      products(p, c1 - c0, nb, c0, u + <usize>xi * uPlane, v + <usize>xi * vStride, tb, m + <usize>xi * mStride + (<usize>(c0 * tb) << 2), gs);
    }
    output(p, m, coords, nb, c0, c1, tb, rest);
    if (hasEpilogue(p)) tileEpilogue(p, blk, blk + nb, c0, c1, side, side);
  }
}

// The phases' leading dimension of V and M (floats per channel row) for n tiles: n and the
// `spill` columns the input step may write past them (so threads write disjoint rows), in whole
// cache lines; the shared blocks then hold what is used (7² maps: 16–32 floats a row, not tb).
@inline function phaseLd(n: i32, spill: i32): i32 { return (n + spill + 15) & ~15; }

// Bytes of the blocks forwardPhaseTask shares (V, then M) where all tiles fit one block of tb
// with the spill columns, else 0: not run in phases. Tiles of side × side, or rowSide × side.
@inline export function forwardPhaseBytes(p: usize, planes: i32, side: i32, tb: i32, spill: i32, rowSide: i32 = side): i32 {
  const total = arg(p, CONV_BATCH) * tilesOf(arg(p, CONV_OH), rowSide) * tilesOf(arg(p, CONV_OW), side);
  const ld = phaseLd(total, spill);
  return total + spill <= tb ? <i32>(planes * (planeStride(arg(p, CONV_CIN), ld) + planeStride(arg(p, CONV_COUT), ld))) : 0;
}

// forwardTask in three passes over blocks the threads share (V, then M, at CONV_WINOGRAD_V), all
// tiles in one block: CONV_WINOGRAD_PHASE 0 transforms the input (parts split the input
// channels), 1 runs the GEMMs (parts split the planes ξ), 2 transforms the output (parts split
// the output channels). For few tiles (batch 1), where parts splitting the output channels would
// each transform all the input and pack every V[ξ] again: here nothing is done twice. Tiles of
// side × side, or rowSide rows × side columns (F(4×2, 3×3)).
@inline export function forwardPhaseTask(p: usize, part: i32, parts: i32, slot: i32, planes: i32, side: i32, tb: i32,
  spill: i32, work: i32, input: InputStep, products: ProductStep, output: OutputStep, rowSide: i32 = side): void {
  const cin = arg(p, CONV_CIN), cout = arg(p, CONV_COUT);
  const tw = tilesOf(arg(p, CONV_OW), side), tiles = tilesOf(arg(p, CONV_OH), rowSide) * tw, total = arg(p, CONV_BATCH) * tiles;
  const ld = phaseLd(total, spill), vStride = planeStride(cin, ld), mStride = planeStride(cout, ld);
  const v = ptr(p, CONV_WINOGRAD_V), m = al64(v + <usize>planes * vStride);
  const coords = al64(ptr(p, CONV_SCRATCH) + <usize>slot * ptr(p, CONV_SCRATCH_STRIDE));
  const rest = al64(coords + <usize>(3 * tb) * 4);
  const phase = arg(p, CONV_WINOGRAD_PHASE);
  if (phase == 1) {
    const u = ptr(p, CONV_WINOGRAD_U), uPlane = uPlaneBytes(cout, cin), gs = al64(rest + <usize>work);
    for (let xi = splitAt(planes, parts, part, 1); xi < splitAt(planes, parts, part + 1, 1); xi++) {
      products(p, cout, total, 0, u + <usize>xi * uPlane, v + <usize>xi * vStride, ld, m + <usize>xi * mStride, gs);
    }
    return;
  }
  tileCoords(coords, 0, total, tiles, tw, side, rowSide);
  const n = phase == 0 ? cin : cout, c0 = splitAt(n, parts, part, 1), c1 = splitAt(n, parts, part + 1, 1);
  if (phase == 0) input(p, c0, c1, coords, total, v, ld, rest);
  else {
    output(p, m, coords, total, c0, c1, ld, rest);
    if (hasEpilogue(p)) tileEpilogue(p, 0, total, c0, c1, side, rowSide);
  }
}

// The GEMM step of F(2×2, 3×3) and the stride-2 forward: U[ξ]'s rows r0 … from the packed weights,
// V packed by gemmCore.
export function packedProducts(p: usize, rows: i32, n: i32, r0: i32, u: usize, v: usize, ld: i32, m: usize, gs: usize): void {
  const cin = arg(p, CONV_CIN);
  gemmCore(rows, n, cin, 0, cin, false, v, ld, false, m, ld, false, 0, gs, u, paddedRows(arg(p, CONV_COUT)), r0);
}
