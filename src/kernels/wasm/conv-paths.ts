// Which native kernel runs a convolution: the geometry in the parameter block's order, and the
// rules that pick Winograd, the direct kernels or im2col. A rule must never depend on the thread
// count: results would.
import type { ConvParams } from '../kernels.js';

/** The native convolution paths (tests assert which one each conformance case takes). */
export type ConvPath = 'winograd' | 'winograd4' | 'direct' | 'shifted' | 'depthwise' | 'im2col' | 'polyphase' | 'vol2col' | 'winograd5x5'
  | 'winograd-s2' | 'winograd4-s2' | 'winograd42' | 'polyphase-winograd' | 'winograd7';

/** A 2-D geometry: batch, cin, cout, groups, ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw (CONV_BATCH on). */
export type Geometry = [number, number, number, number, number, number, number, number, number, number, number,
  number, number, number, number, number];

// The 2-D view of a 1-D or 2-D conv (1-D as H = 1).
export function conv2d(p: ConvParams): Geometry {
  const d = p.inSize.length;
  const two = (a: readonly number[], one: number) => (d === 2 ? [a[0]!, a[1]!] : [one, a[0]!]);
  const [ih, iw] = two(p.inSize, 1), [oh, ow] = two(p.outSize, 1), [kh, kw] = two(p.kernelSize, 1);
  const [sh, sw] = two(p.stride, 1), [ph, pw] = two(p.padBegin, 0), [dh, dw] = two(p.dilation, 1);
  return [p.batch, p.inChannels, p.outChannels, p.groups, ih!, iw!, oh!, ow!, kh!, kw!, sh!, sw!, ph!, pw!, dh!, dw!];
}

// The 3-D geometry in the VOL_* slot order (VOL_BATCH … VOL_DW), or null for 1-D and 2-D convs.
export function conv3dGeometry(p: ConvParams): number[] | null {
  if (p.inSize.length !== 3) return null;
  return [p.batch, p.inChannels, p.outChannels, p.groups, ...p.inSize, ...p.outSize, ...p.kernelSize, ...p.stride,
    ...p.padBegin, ...p.dilation];
}

// Winograd F(2×2, 3×3) for 3×3 stride-1 undilated ungrouped convs with enough channels that its
// 16 GEMMs stay efficient (2.25× fewer products; error ~1e-6 relative, within float32 noise), and
// enough 2×2 output tiles: each block of tiles reads all 16·cin·cout transformed weights, which
// with only a few tiles costs more than it saves. Measured at batch 1: 1.4–1.6× faster than
// im2col from 64→64 at 56² to 256→256 at 14² (49 tiles), on 1 thread and on 2; 1.2–1.4× slower
// for 512→512 at 7² (16 tiles) when the weights are transformed on every call.
const WINOGRAD_MIN_TILES = 40;
// The forward keeps its transformed weights across calls (weight-cache.ts), which leaves the
// transform out of every call but the first after a change: then 16 tiles pay. 512→512 at 7²,
// batch 1, 1 thread, cached: 3.9–4.0 ms vs im2col (weights packed once too) 6.1–7.9 ms.
const WINOGRAD_FORWARD_MIN_TILES = 16;
export function winogradFits(geo: Geometry, minTiles = WINOGRAD_MIN_TILES): boolean {
  const [batch, cin, cout, groups, , , oh, ow, kh, kw, sh, sw, , , dh, dw] = geo;
  const tiles = batch * Math.ceil(oh / 2) * Math.ceil(ow / 2);
  return groups === 1 && kh === 3 && kw === 3 && sh === 1 && sw === 1 && dh === 1 && dw === 1 &&
    cin >= 16 && cout >= 16 && tiles >= minTiles;
}

// For a conv Winograd fits, F(4×4, 3×3) (assembly/winograd4.ts: 2.25 products per output
// against 4) where it has at least 16 of its 4×4 tiles and at most 256 input channels, else
// F(2×2, 3×3). F(2×2) ÷ F(4×4) time, 1 thread, CPU time, 2 alternating rounds, forward on cached
// weights / forward / input gradient: batch 1 256→256 14² (16 tiles) 1.2–1.4 / 1.1–1.2 / 1.1–1.3,
// 128→128 28² (49) 1.4–1.7 / 1.4–1.7 / 1.4–1.5, 64→64 56² 1.5; batch 128 16→16 32² 1.3–1.4,
// 32→32 16² 1.5–1.6, 64→64 8² 1.05–1.1 (bench/resnet20-convs.ts); but batch 1 256→256 7² (4
// tiles) 0.8 / 0.5–0.7 / 1.0 (im2col). Its rounding error grows with the input channels (its
// GEMMs' K), mostly from summing K products (Aᵀ M A amplifies it): worst element ÷ the conformance
// tolerance (1e-5·max|ref| + 1e-4·|ref|), N(0, 1) data, forward, worst of 3 seeds
// (bench/winograd-forward-error.ts): one sum over K, 192→384 13² 0.65, 256→256 13² 0.76, 256→256
// 14² 1.23; summed in chunks of 64 (gemm.ts) 0.37, 0.46, 0.48, and 384→256 13² 0.44, 512→512 14²
// 0.42 (after a ReLU: 0.29–0.44; F(2×2), one sum: 0.08–0.09 at 384 and 512). Up to 512 then:
// AlexNet's 384→256 at 13², batch 1, 1 thread, 2 alternating rounds (busy machine): 2.9–3.0 ms vs
// F(2×2)'s 4.2–4.3.
const WINOGRAD4_MIN_TILES = 16, WINOGRAD4_MAX_CHANNELS = 512;
export function winogradTile(geo: Geometry): 'winograd' | 'winograd4' {
  const [batch, cin, , , , , oh, ow] = geo;
  const tiles = batch * Math.ceil(oh / 4) * Math.ceil(ow / 4);
  return tiles >= WINOGRAD4_MIN_TILES && cin <= WINOGRAD4_MAX_CHANNELS ? 'winograd4' : 'winograd';
}

// The direct kernel for stride-1 undilated ungrouped convs with at most 16 output channels, where
// im2col packing costs more than the few products each packed element feeds (LeNet-5's forward
// convs ran 2–2.3× faster than through the GEMM).
function directFits(geo: Geometry): boolean {
  const [, , cout, groups, , , , , , , sh, sw, , , dh, dw] = geo;
  return groups === 1 && cout <= 16 && sh === 1 && sw === 1 && dh === 1 && dw === 1;
}

// Depthwise (one filter per channel), stride 1 or 2 across, undilated: its own direct kernel.
function depthwiseFits(geo: Geometry): boolean {
  const [, cin, cout, groups, , , , , , , , sw, , , dh, dw] = geo;
  return groups === cin && cout === cin && (sw === 1 || sw === 2) && dh === 1 && dw === 1;
}

// Forward, Winograd wherever it fits, also at 16 input channels where its GEMMs' K is short:
// ResNet-20's 16→16 at 32², batch 128, 1 thread (CPU time, 3 alternating rounds): 12.4–13.0 ms
// vs the direct kernel's 13.7–14.0 (input gradient 12.2–12.5 vs 13.7–14.0). 32→32 at 16²: 9.0
// vs im2col 21.8–28.4. The input gradient applies the same rule to its transposed conv (below).
// The shifted-copies kernels (assembly/shifted-*.ts, below) take stride-1 undilated ungrouped 5×5
// convs with at most 32 channels and 32² output positions: measured on LeNet-5 only (28² and 10²),
// and a thread's copies of one image then stay within a few hundred KiB.
const SHIFTED_MAX_CHANNELS = 32, SHIFTED_MAX_POSITIONS = 1024;
function shiftedFits(geo: Geometry): boolean {
  const [, cin, cout, groups, , , oh, ow, kh, kw, sh, sw, , , dh, dw] = geo;
  return groups === 1 && sh === 1 && sw === 1 && dh === 1 && dw === 1 && kh === 5 && kw === 5 &&
    Math.max(cin, cout) <= SHIFTED_MAX_CHANNELS && oh * ow <= SHIFTED_MAX_POSITIONS;
}

// 5×5 convs the direct kernel fits but whose output channels are not a multiple of its fours,
// with rows of whole vectors, over shifted copies (assembly/shifted-conv.ts: channels in pairs,
// taps read at aligned offsets). LeNet-5 at batch 64, 1 thread (CPU time, 4 alternating rounds,
// busy machine): conv1 (1 → 6, 28²) 0.35–0.37 ms vs the direct kernel's 0.47–0.89; conv2 (6 →
// 16, rows of 10: unaligned taps, no channel waste to save) stays direct: 0.86–1.19 vs 0.76–1.27.
function shiftedForwardFits(geo: Geometry): boolean {
  const [, , cout, , , , , ow] = geo;
  return shiftedFits(geo) && ow % 4 === 0 && cout % 4 !== 0;
}

// Winograd F(2×2, 5×5) (assembly/winograd5x5.ts: 9 products per output against 25) for 5×5
// stride-1 undilated ungrouped forward convs with F(4×4, 3×3)'s minimum of tiles and at most 256
// input channels (the same points, so the same growth of its rounding error with the input
// channels: worst element ÷ the conformance tolerance, N(0, 1) data, K = 16 0.19, 64 0.35, 128
// 0.48, 256 0.55 summed at once; in chunks as now, 128 0.30, 256 0.26, 257 0.23, but its speed
// past 256 is unmeasured; bench/winograd5x5-error.ts). AlexNet's 64 → 192 at 27², batch 1, 1 thread (CPU time, 3
// alternating rounds, busy machine): 4.2–4.5 ms vs im2col 10.5–13.0. From 4 input channels and
// 16 output channels: F(3×3, 5×5) against the direct kernel or im2col, 1 thread, best of 100, 2
// runs (BENCHMARKS.md): LeNet-5's conv2 (6 → 16, 14² unpadded, batch 64) 0.55 ms vs 0.78, 4, 8
// and 12 → 16 0.84 / 0.61 / 0.52×, 6 → 32 at 28² (batch 16) 0.46×, 8 → 24 at 20² 0.34×; 3 input
// channels 1.03–1.05× the direct kernel (0.70× im2col's); 1 → 6 (LeNet-5's conv1, under 16 output
// channels: it stays on shifted copies) 3.1× the shifted kernel's time. Worst element ÷ the
// tolerance at 4 to 12 input channels 0.16–0.35.
const WINOGRAD5X5_MIN_CHANNELS = 4, WINOGRAD5X5_MAX_CHANNELS = 256;
function winograd5x5Fits(geo: Geometry): boolean {
  const [batch, cin, cout, groups, , , oh, ow, kh, kw, sh, sw, , , dh, dw] = geo;
  const tiles = batch * Math.ceil(oh / 2) * Math.ceil(ow / 2);
  return groups === 1 && kh === 5 && kw === 5 && sh === 1 && sw === 1 && dh === 1 && dw === 1 &&
    cin >= WINOGRAD5X5_MIN_CHANNELS && cout >= 16 && cin <= WINOGRAD5X5_MAX_CHANNELS && tiles >= WINOGRAD4_MIN_TILES;
}

// Where the forward would take F(2×2) (F(4×4) has under its 16 tiles, or more than 512 input
// channels), F(4×2, 3×3) (assembly/winograd42.ts: tiles of 4 output rows × 2 columns, 24 products
// each against F(2×2)'s 16 per 2×2, always in phases) wherever its tiles need fewer products than
// F(2×2)'s (7²: 8 tiles, 192 per channel pair against 256; not for 2 output rows: it would compute 4),
// with at most F(4×4)'s 512 input channels (beyond: unmeasured). Its GEMMs run at the 4×8
// kernel's peak like F(2×2)'s (the transforms: 0.11 ms of 512→512's 2.4), so its time follows the
// products. Both builds in one process, calls alternating, best wall time of 15, 1 thread, 2 runs
// (busy machine, load 6–9): batch 1 512→512 at 7² 2.61–2.62 ms vs F(2×2)'s 3.09–3.15 (ResNet-18's
// three layers; separate processes, 7 rounds: 2.42–3.13 vs 2.96–3.54), 256→256
// 0.60–0.61 vs 0.77–0.78, 128→128 0.17 vs 0.20, 64→64 0.06 vs 0.07; 256→256 at 9² 1.29 vs 1.50,
// 512→512 at 9² 5.10–5.13 vs 5.92–6.04, 256→256 at 12² 1.78–1.81 vs 1.88–1.91, 64→64 at 3×35
// 0.13–0.14 vs 0.15; batch 2 512→512 at 7² 5.04–5.36 vs 6.34–6.76, batch 3 7.42–7.89 vs 9.49–9.59
// (batch 4 has F(4×4)'s 16 tiles: it stays). Worst element ÷ the conformance tolerance, N(0, 1)
// data, forward, worst of 3 seeds (bench/winograd-forward-error.ts): K = 64 to 512 at 7²–12²,
// batch 1–3, 0.09–0.13 (after a ReLU 0.06–0.12), near F(2×2)'s 0.08–0.09: A₆ᵀ's larger
// coefficients act along the rows only (F(4×4): 0.37–0.48).
const WINOGRAD42_MAX_CHANNELS = 512;
function winograd42Fits(geo: Geometry): boolean {
  const [batch, cin, , , , , oh, ow] = geo;
  const tiles = batch * Math.ceil(oh / 4) * Math.ceil(ow / 2), tiles2 = batch * Math.ceil(oh / 2) * Math.ceil(ow / 2);
  return cin <= WINOGRAD42_MAX_CHANNELS && 24 * tiles < 16 * tiles2;
}

// Where F(2×2, 5×5) fits (so up to its 256 input channels), F(3×3, 5×5) (assembly/winograd7.ts:
// 49 products per 3×3 output tile, 5.4 per output against 9) with at least 16 of its tiles (F(4×4,
// 3×3)'s minimum). 1 thread, best of 11, 2 alternating rounds on a busy machine (load 5–6):
// AlexNet's 64 → 192 at 27² 2.9–3.4 ms vs 4.3–6.5, 128 → 128 at 27² 4.1–4.9 vs 5.9–6.0,
// 256 → 128 at 27² 8.0–13.2 vs 12.2–19.1, 256 → 256 at 13² (25 tiles) 5.5–6.1 vs 6.6–9.3; ties at
// 32 → 32 at 14² (25 tiles) 0.15 vs 0.14–0.19 and 64 → 64 at 13² 0.40–0.43 vs 0.43–0.51. Rounding:
// worst element ÷ the conformance tolerance, N(0, 1) data, worst of 3 seeds
// (bench/winograd5x5-error.ts), at 27² unless said: K = 16 0.29, 64 (→ 192) 0.58, 128 0.42, 192
// 0.34, 256 0.45, 256 at 13² 0.33; after a ReLU 0.24, 0.39, 0.36, 0.30, 0.29, 0.25 (F(2×2, 5×5):
// 0.19, 0.46, 0.36, 0.31, 0.30, 0.26; after a ReLU 0.14, 0.26, 0.32, 0.30, 0.29, 0.21). Past 64 input
// channels the sums run in chunks of 64 (gemm.ts), so the error does not grow with K. Other fifth
// points (numpy float32 model, 64 → 32 at 27², 3 seeds): ½ 0.41, −½ 0.45, ±½ for ±2 with 2 0.46,
// with −2 0.48, 3 11.2.
const WINOGRAD7_MIN_TILES = 16;
function winograd7Fits(geo: Geometry): boolean {
  const [batch, , , , , , oh, ow] = geo;
  return batch * Math.ceil(oh / 3) * Math.ceil(ow / 3) >= WINOGRAD7_MIN_TILES;
}

/** The forward path of a 2-D conv. */
export function forwardPath(geo: Geometry): ConvPath {
  if (winogradFits(geo, WINOGRAD_FORWARD_MIN_TILES)) {
    const tile = winogradTile(geo);
    return tile === 'winograd' && winograd42Fits(geo) ? 'winograd42' : tile;
  }
  if (winograd5x5Fits(geo)) return winograd7Fits(geo) ? 'winograd7' : 'winograd5x5';
  if (directFits(geo)) return shiftedForwardFits(geo) ? 'shifted' : 'direct';
  if (winogradS2Fits(geo)) return winograd4S2Fits(geo) ? 'winograd4-s2' : 'winograd-s2';
  if (polyphaseWinogradFits(geo)) return 'polyphase-winograd';
  return depthwiseFits(geo) ? 'depthwise' : polyphaseFits(geo) ? 'polyphase' : 'im2col';
}

// 3×3 stride-2 undilated ungrouped convs by Winograd on their polyphase parts (assembly/winograd-s2.ts:
// 6.25 products per output against 9), with F(2×2, 3×3)'s limits on channels and tiles. Against
// the polyphase GEMM, 1 thread, best of 11 per round, 3 alternating rounds on a busy machine:
// ResNet-18 batch 1 64→128 at 56² 2.09–2.33 ms vs 2.83–3.05, 128→256 at 28² 2.05–2.26 vs
// 2.78–2.94, 256→512 at 14² (16 tiles, cached U streamed from memory) 2.45–2.63 vs 2.85–2.89;
// ResNet-20 batch 128 (CPU time, best of 5) 16→32 at 32² (K = 16) 8.5–9.5 vs 9.6–9.9, 32→64
// at 16² 6.0–6.3 vs 8.8–9.0. Worst element ÷ the conformance tolerance, N(0, 1) data, batch 1:
// K = 64 0.04, 256 0.06, 512 0.08 (F(2×2, 3×3)'s order: its transforms' coefficients are ±1).
// The gradients run by its adjoint: the input gradient (winograd-s2-input-grad.ts) with
// Winograd's uncached minimum of tiles (WINOGRAD_MIN_TILES: it transforms the flipped weights on
// every call), the weight gradient (in the Winograd lanes, winograd-weight-grad.ts) also with at
// most 64 channels each way: its steps shrink as the channels grow (16 tiles for 64→128) while
// each adds into all 25·cin·cout sums. 1 thread vs im2col (CPU time, best of 5, alternating
// rounds on a busy machine; BENCHMARKS.md): ResNet-20 batch 128 input gradient 16→32 at 32²
// 0.97–1.09×, 32→64 at 16² 1.21–1.43×; weight gradient 16→32 0.98–1.17×, 32→64 1.15–1.43×;
// input gradient 64→128 at 56² batch 1 1.05–1.07×, batch 8 1.07–1.19×, 128→256 at 28² batch 8
// 1.14–1.18×, 256→512 at 14² batch 8 1.12–1.24× but batch 1 (16 tiles) 0.7–0.8×; weight gradient
// 64→128 at 56² batch 8 0.92–1.01×, 256→512 at 14² batch 8 0.65×. Error ÷ tolerance, N(0, 1)
// data (bench/winograd-error.ts): weight gradient 0.02–0.09 (im2col 0.01–0.19), input gradient
// 0.04–0.11 (im2col: exact to the reference's order).
const S2_WEIGHT_GRAD_MAX_CHANNELS = 64;
function winogradS2Fits(geo: Geometry, minTiles = WINOGRAD_FORWARD_MIN_TILES): boolean {
  const [batch, cin, cout, groups, , , oh, ow, kh, kw, sh, sw, , , dh, dw] = geo;
  const tiles = batch * Math.ceil(oh / 2) * Math.ceil(ow / 2);
  return groups === 1 && kh === 3 && kw === 3 && sh === 2 && sw === 2 && dh === 1 && dw === 1 &&
    cin >= 16 && cout >= 16 && tiles >= minTiles;
}

// Where winograd-s2 fits, its 4×4 output tiles (assembly/winograd4-s2.ts: 81 products per tile,
// 5.06 per output against 6.25) where they need fewer products than its 2×2 tiles (28² and 16²
// outputs: 19% fewer; not 14², whose 4×4 tiles cover 16²), in rows of at least 4 tiles, with
// winograd-s2's 16 tiles at least. Against winograd-s2, alternating builds on a busy machine (load
// 6–9; BENCHMARKS.md): ResNet-18's 64→128 at 56², batch 1, best wall of 40, 6 rounds, 1 thread
// 1.79–2.43 ms vs 1.98–2.61 (faster in every round), 2 threads (in phases, 4 rounds) 1.17–2.33 vs
// 1.67–2.33 (overlapping); on a quiet host (load 1.1, 2 rounds) 1.80–1.85 / 1.15–1.19 ms at 1 / 2
// threads vs 2.04–2.07 / 1.29–1.32. ResNet-20's forwards at batch 128, 1 thread, best CPU time of
// 5, 6 rounds: 16→32 at 32² 6.9–11.1 vs 9.0–13.2 (quiet: 6.8–7.3 vs 8.8–9.2). Not taken: 7² at
// batch 1 (4 tiles; 256→512's U is 42 MB, each element used 4 times: 4.4–4.6 ms vs 2.5–2.7), and 8²
// outputs (ResNet-20's 32→64 at 16²: 6.4–9.2 vs 6.2–9.1), rows of 2 tiles that the transforms take
// lane by lane. Worst element ÷ the conformance tolerance, N(0, 1) data
// (bench/winograd-forward-error.ts): 64→128 at 56² 0.24, 16→32 at 32² 0.06 (F(4, 2)'s points 0, ±1,
// 2; winograd-s2: 0.04–0.08). At most F(4×4, 3×3)'s 512 input channels: its GEMMs (winograd6.ts's
// products6) are F(4×4)'s, whose tails assume the weights' K in one block (up to 640: gemm.ts's
// kcFor); 700 → 24 at 56² gave wrong outputs, and its rounding beyond 512 is unmeasured.
function winograd4S2Fits(geo: Geometry): boolean {
  const [batch, cin, , , , , oh, ow] = geo;
  const tiles = batch * Math.ceil(oh / 4) * Math.ceil(ow / 4);
  return tiles >= WINOGRAD_FORWARD_MIN_TILES && Math.ceil(ow / 4) >= 4 && cin <= WINOGRAD4_MAX_CHANNELS &&
    81 * tiles < 25 * batch * Math.ceil(oh / 2) * Math.ceil(ow / 2);
}

// Strided undilated convs through their polyphase planes (assembly/polyphase-conv.ts), except
// 1×1 kernels: their im2col holds each input once, so the planes would copy it twice. Batch 1
// (1 thread, CPU time, best of 9, 3 alternating rounds on a busy machine) vs im2col: ResNet-18's
// 7×7 s2 stem 5.6–5.8 ms vs 6.9–9.7, 3×3 s2 64→128 at 56² 2.9 vs 2.9–4.1; ResNet-20 batch 128
// 3×3 s2 16→32 at 32² 9.5–11.4 vs 12.9–20.5, 32→64 at 16² 8.9–10.4 vs 10.6–14.0; 1×1 s2 64→128
// at 56² 0.32–0.47 vs 0.30–0.33. AlexNet's 11×11 s4 stem 3.5–3.8 ms vs 3.9–5.6.
function polyphaseFits(geo: Geometry): boolean {
  const [, , , , , , , , kh, kw, sh, sw, , , dh, dw] = geo;
  return (sh > 1 || sw > 1) && dh === 1 && dw === 1 && kh * kw > 1;
}

// Strided stems as stride-1 Winograd convs over their polyphase planes (assembly/polyphase-planes.ts):
// stride s both ways, a k×k kernel, the planes' cin·s² channels with ⌈k/s⌉-tap kernels. 3 taps
// (AlexNet's 11×11 s4: 48 channels) run F(4×4, 3×3), 4 taps (ResNet's 7×7 s2: 12 channels)
// F(4×4, 4×4) (assembly/winograd4x4.ts, on winograd7.ts's 7×7 tiles): 36 and 49 products per
// 16 outputs against the polyphase GEMM's 363 and 147 MACs per output. Measured on these two stems
// only (hence at most 64 plane channels and F(4×4)'s 16 tiles), batch 1, 224², 64 output channels,
// 1 thread, best of 15 per round, 5 alternating rounds on a busy machine (bench/batch1-convs.ts
// --serial): 7×7 s2 by F(3×3, 4×4) on 6×6 tiles 3.07–3.50 ms vs the polyphase GEMM's 5.19–5.40,
// 11×11 s4 1.31–1.43 vs 3.29–3.45. F(4×4, 4×4) against that F(3×3, 4×4), 3 rounds alternating
// builds (bench/batch1-convs.ts --only 'W4 7×7' --back-to-back, best of 20, quiet host): 2.08–2.16
// / 1.24–1.52 ms against 2.90–3.05 / 1.86–2.13 at 1 / 2 threads. Rounding: worst element ÷ the
// conformance tolerance, N(0, 1) data, 5 seeds (bench/winograd-forward-error.ts) 0.30 (7×7, K =
// 12; F(3×3, 4×4): 0.26) and 0.50 (11×11, K = 48); after a ReLU 0.20 (0.16) and 0.39, where the
// GEMM is exact to the reference's order.
const POLYPHASE_WINOGRAD_MAX_CHANNELS = 64;
function polyphaseWinogradFits(geo: Geometry): boolean {
  const [batch, cin, cout, groups, , , oh, ow, kh, kw, sh, sw, , , dh, dw] = geo;
  const r = Math.ceil(kh / sh);
  // Both tiles are 4×4 outputs.
  return groups === 1 && sh === sw && sh > 1 && kh === kw && dh === 1 && dw === 1 && (r === 3 || r === 4) &&
    cin * sh * sh <= POLYPHASE_WINOGRAD_MAX_CHANNELS && cout >= 16 &&
    batch * Math.ceil(oh / 4) * Math.ceil(ow / 4) >= WINOGRAD4_MIN_TILES;
}

/**
 * The stride-1 conv that polyphase-winograd runs over a strided conv's phase planes (its
 * geometry) and its Winograd tile: F(4×4, 3×3) for 3-tap phase kernels, else F(4×4, 4×4).
 */
export function polyphaseConv(geo: Geometry): { geo: Geometry; path: 'winograd4' | 'winograd4x4' } {
  const [batch, cin, cout, , , , oh, ow, kh, , s] = geo;
  const r = Math.ceil(kh / s);
  return { geo: [batch, cin * s * s, cout, 1, oh + r - 1, ow + r - 1, oh, ow, r, r, 1, 1, 0, 0, 1, 1], path: r === 3 ? 'winograd4' : 'winograd4x4' };
}

// The weight gradient by Winograd wherever it fits: ResNet-20's 16→16 at 32², batch 128, 1
// thread (CPU time, 3 alternating rounds): 11.2–12.1 ms vs the direct kernel's 17.0–18.1; 32→32 at
// 16² 9.5–10.6 vs 16.5–16.7. Else the direct weight gradient (assembly/direct-weight-grad.ts) for
// stride-1 undilated ungrouped convs with at most 32 channels: no kh·kw-fold im2col copy to pack.
// Measured before Winograd took these shapes: 16→16 at 32² 17.3–17.8 ms vs im2col 19.4–23.9;
// 32→32 at 16² 16.9–17.3 vs 18.6–23.0; 64→64 at 8² 19.2–19.7 vs Winograd's 13–14; and still
// ResNet-20's 3→16 stem at 32² 3.1–3.5 vs 3.9–4.4.
const DIRECT_WEIGHT_GRAD_MAX_CHANNELS = 32;
// The direct kernel computes whole 4-wide output row groups, output channels in threes and taps
// in threes along a row, and drops what lies past the conv's own: 3×3 kernels take it whatever
// that costs (measured above), wider ones only while it adds at most 30% of the products.
// LeNet-5 at batch 64, 1 thread (CPU time, alternating rounds): conv1 (1→6, 28², 5×5; 6 taps
// computed per 5: 1.2×) 0.47–0.49 ms vs im2col 0.90–1.31; conv2 (6→16, 10² outputs; 12-wide
// rows, 18 channels, 6 taps per 5: 1.62×) 1.50–1.51 vs 1.31–1.37.
const DIRECT_WEIGHT_GRAD_MAX_EXCESS = 1.3;
function directWeightGradExcess(geo: Geometry): number {
  const [, , cout, , , , , ow, , kw] = geo;
  const up = (n: number, m: number) => Math.ceil(n / m) * m;
  return (up(ow, 4) / ow) * (up(cout, 3) / cout) * (up(kw, 3) / kw);
}

// 5×5 kernels take the shifted-copies kernel (assembly/shifted-weight-grad.ts) instead where it
// fits: it sums over the flattened output plane in whole vectors, taps in fours, output channels
// in pairs, with the direct kernel's excess rule. LeNet-5 at batch 64, 1 thread (CPU time,
// alternating rounds, busy machine): conv1 0.44–0.47 ms vs the direct kernel's 0.46–0.66; conv2
// 0.86–1.19 ms vs im2col 1.24–1.41 (direct: 1.62× its products). Other kernel sizes: unmeasured.
function shiftedWeightGradExcess(geo: Geometry): number {
  const [, , cout, , , , oh, ow, kh, kw] = geo;
  const up = (n: number, m: number) => Math.ceil(n / m) * m;
  return (up(oh * ow, 4) / (oh * ow)) * (up(cout, 2) / cout) * (up(kh * kw, 4) / (kh * kw));
}

// The weight gradient's Winograd tile: F(4×4) (36 products per 4×4 tile against F(2×2)'s 16 per
// 2×2) where the forward's rule (winogradTile) takes it and rows hold at least 2 of its tiles,
// else F(2×2). F(4×4) vs F(2×2) CPU time, 1 thread, 2 alternating rounds on a busy machine
// (bench/conv-phases.ts): batch 128 16→16 32² 9.4–10.9 vs 10.5–14.2 ms, 32→32 16² 6.0–6.6 vs
// 9.0–10.7; batch 1 64→64 56² 3.2–3.7 vs 4.9–5.6, 128→128 28² 3.6–4.9 vs 4.9–5.7, 256→256 14²
// (16 tiles) 4.3–5.5 vs 5.3–5.6; batch 8 128→128 28² 20.3–20.4 vs 24.5–33.2, 256→256 14²
// 28.8–30.2 vs 32.5–41.2. Rows of 2 tiles (ResNet-20's 64→64 at 8², batch 128) since its output
// gradient's transform takes any 4 tiles inside the output by whole vectors
// (assembly/winograd4-weight-grad.ts): 1 thread, best CPU time of 10, 3 rounds alternating with
// main (bench/resnet20-convs.ts) 4.90–5.73 ms against F(2×2)'s 6.62–7.67, the forward 4.83–5.47
// (BENCHMARKS.md "W8's weight gradients"; with the old lane-by-lane transform F(4×4) took
// 6.1–6.3 against 6.6–7.2). Rows of 1 tile: unmeasured. Its sums run over batch
// × tiles, not over the channels: worst element ÷ the conformance tolerance, N(0, 1) data
// (bench/winograd-error.ts) 0.15–0.42 over those shapes (F(2×2): 0.02–0.10; at 8² 0.30, after a
// ReLU 0.27, against 0.04), as much as the plain sum's error in the golden case of 8192 positions
// (0.33 vs F(2×2)'s 0.39 against PyTorch).
const WEIGHT_GRAD4_MIN_ROW_TILES = 2;
function weightGradientTile(geo: Geometry): 'winograd' | 'winograd4' {
  return winogradTile(geo) === 'winograd4' && Math.ceil(geo[7] / 4) >= WEIGHT_GRAD4_MIN_ROW_TILES ? 'winograd4' : 'winograd';
}

/** The weight gradient's path of a 2-D conv (stride-2 Winograd: see winogradS2Fits). */
export function weightGradientPath(geo: Geometry): 'winograd' | 'winograd4' | 'winograd-s2' | 'shifted' | 'direct' | 'im2col' {
  const [, cin, cout, groups, , , , , kh, kw, sh, sw, , , dh, dw] = geo;
  if (winogradFits(geo)) return weightGradientTile(geo);
  if (winogradS2Fits(geo, WINOGRAD_MIN_TILES) && Math.max(cin, cout) <= S2_WEIGHT_GRAD_MAX_CHANNELS) return 'winograd-s2';
  const direct = groups === 1 && sh === 1 && sw === 1 && dh === 1 && dw === 1 &&
    Math.max(cin, cout) <= DIRECT_WEIGHT_GRAD_MAX_CHANNELS;
  if (shiftedFits(geo) && shiftedWeightGradExcess(geo) <= DIRECT_WEIGHT_GRAD_MAX_EXCESS) return 'shifted';
  const fits = (kh === 3 && kw === 3) || directWeightGradExcess(geo) <= DIRECT_WEIGHT_GRAD_MAX_EXCESS;
  return direct && fits ? 'direct' : 'im2col';
}

/**
 * For a stride-1 undilated ungrouped conv the input gradient is itself such a conv: gy with the
 * weights rotated and transposed, padded k − 1 − pad. Its geometry (null when that padding would
 * be negative).
 */
function transposed(geo: Geometry): Geometry | null {
  const [b, cin, cout, groups, ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw] = geo;
  if (groups !== 1 || sh !== 1 || sw !== 1 || dh !== 1 || dw !== 1 || ph > kh - 1 || pw > kw - 1) return null;
  return [b, cout, cin, 1, oh, ow, ih, iw, kh, kw, 1, 1, kh - 1 - ph, kw - 1 - pw, 1, 1];
}

/**
 * The input gradient's path, and for Winograd and direct the transposed conv they run (weights
 * flipped). 3×3 stride 2 by winograd-s2's adjoint where it fits with 40 tiles (winogradS2Fits).
 * Winograd where it fits both convs (its flipped weights are not cached: the forward's tile
 * minimum). Else direct where the direct kernel fits the transposed conv and that conv is
 * no larger than the forward one ("same" padding): with less padding its full correlation
 * multiplies the padding too (LeNet-5's unpadded conv2: 2.1 ms vs 1.4 ms by im2col). ResNet-20's
 * 3→16 stem at 32², batch 128, 1 thread (CPU time, 4 alternating rounds): direct 3.5–4.8 ms vs
 * im2col 4.6–6.8. Else, where the shifted copies fit, by their adjoint
 * (assembly/shifted-input-grad.ts), at any padding: LeNet-5's conv2 (6 → 16, 14², unpadded),
 * batch 64, 1 thread (CPU time, alternating rounds, busy machine) 0.87–1.30 ms vs im2col 1.35–1.87.
 */
export function inputGradientPath(geo: Geometry):
  { path: 'winograd' | 'winograd4' | 'direct' | 'winograd-s2'; geo: Geometry } | { path: 'shifted' | 'im2col'; geo: null } {
  if (winogradS2Fits(geo, WINOGRAD_MIN_TILES)) {
    // winograd-s2-input-grad.ts on the transposed conv's channels and sizes, the forward's padding.
    const [b, cin, cout, , ih, iw, oh, ow, , , , , ph, pw] = geo;
    return { path: 'winograd-s2', geo: [b, cout, cin, 1, oh, ow, ih, iw, 3, 3, 2, 2, ph, pw, 1, 1] };
  }
  const t = transposed(geo);
  if (t && winogradFits(geo) && winogradFits(t)) return { path: winogradTile(t), geo: t };
  if (t && directFits(t) && t[6] * t[7] <= geo[6] * geo[7]) return { path: 'direct', geo: t };
  if (shiftedFits(geo)) return { path: 'shifted', geo: null };
  return { path: 'im2col', geo: null };
}
