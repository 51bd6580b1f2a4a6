// im2col / col2im: the lecture's way of turning a convolution into one matrix product.
// Each receptive field of the input is unrolled into one column of a matrix A; the kernels,
// flattened one per row, form a matrix W; then out = W · A. col2im is the adjoint (scatter-add),
// which carries gradients from the columns back to the image.
//
// One implementation serves 1D, 2D and 3D: spatial arrays are lifted to three dimensions by
// prepending size-1 dimensions (kernel 1, stride 1, no padding), which changes no index.

import type { ConvParams } from '../kernels.js';

/** Geometry of one image's (or one group's) unrolling: the spatial part of ConvParams. */
export type Im2colParams = Pick<ConvParams, 'inSize' | 'outSize' | 'kernelSize' | 'stride' | 'padBegin' | 'dilation'> & {
  channels: number;
};

/** A spatial array lifted to exactly three entries by prepending `fill`. */
export function lift3d(values: readonly number[], fill: number, op: string): [number, number, number] {
  if (values.length < 1 || values.length > 3) {
    throw new Error(`${op}: need 1 to 3 spatial dimensions, got ${values.length} ([${values.join(', ')}])`);
  }
  const v = [fill, fill, ...values].slice(-3);
  return [v[0]!, v[1]!, v[2]!];
}

/**
 * [rows, cols] of the im2col matrix: rows = channels·∏kernelSize (one per weight of a kernel),
 * cols = ∏outSize (one per receptive field, i.e. per output position).
 */
export function im2colShape(p: Im2colParams): [number, number] {
  let k = 1;
  for (const v of p.kernelSize) k *= v;
  let o = 1;
  for (const v of p.outSize) o *= v;
  return [p.channels * k, o];
}

/**
 * Unrolls every receptive field of `x` into one column of `cols`.
 *
 * x: (C, ...inSize) — one image (or one group's channels of it), row-major.
 * cols: (C·∏kernelSize, ∏outSize), overwritten. Row r = ((c·kD + kd)·kH + kh)·kW + kw, the
 * order of a PyTorch weight [outC, C, ...kernel] flattened per output channel, so
 * out (outC, P) = W (outC, C·K) · cols (C·K, P). Column j is the output position j in row-major
 * order. Positions that fall into the padding read as 0.
 *
 * @example
 * // 1 channel 3×3 image, 2×2 kernel, stride 1: cols is (4, 4)
 * const cols = new Float32Array(16);
 * im2col(Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9), cols, { channels: 1, inSize: [3, 3], outSize: [2, 2],
 *   kernelSize: [2, 2], stride: [1, 1], padBegin: [0, 0], dilation: [1, 1] });
 * // cols rows: [1,2,4,5] (kernel top-left), [2,3,5,6], [4,5,7,8], [5,6,8,9]
 */
export function im2col(x: Float32Array, cols: Float32Array, p: Im2colParams): void {
  walk(x, cols, p, false);
}

/**
 * The adjoint of im2col: adds every entry of `cols` into the input position it was read from
 * (entries from the padding are dropped). `x` is accumulated into, not overwritten — zero it first
 * for a plain col2im.
 *
 * cols: (C·∏kernelSize, ∏outSize), x: (C, ...inSize), layouts as in im2col.
 */
export function col2im(cols: Float32Array, x: Float32Array, p: Im2colParams): void {
  walk(x, cols, p, true);
}

// Row by row of cols: a row fixes (c, kd, kh, kw), so along the innermost output dim the input
// index advances by the stride; the valid range [owLo, owHi) is computed once per row instead of
// testing bounds per element. scatter=false gathers x → cols, scatter=true adds cols → x.
function walk(x: Float32Array, cols: Float32Array, p: Im2colParams, scatter: boolean): void {
  const op = scatter ? 'col2im' : 'im2col';
  const [ID, IH, IW] = lift3d(p.inSize, 1, op);
  const [OD, OH, OW] = lift3d(p.outSize, 1, op);
  const [KD, KH, KW] = lift3d(p.kernelSize, 1, op);
  const [SD, SH, SW] = lift3d(p.stride, 1, op);
  const [PD, PH, PW] = lift3d(p.padBegin, 0, op);
  const [DD, DH, DW] = lift3d(p.dilation, 1, op);
  const inPlane = ID * IH * IW;
  let col = 0; // running index into cols
  for (let c = 0; c < p.channels; c++) {
    const xc = c * inPlane;
    for (let kd = 0; kd < KD; kd++) {
      for (let kh = 0; kh < KH; kh++) {
        for (let kw = 0; kw < KW; kw++) {
          // iw = ow·SW + off is inside [0, IW) exactly for ow in [owLo, owHi).
          const off = kw * DW - PW;
          const owLo = Math.min(OW, off >= 0 ? 0 : Math.ceil(-off / SW));
          const owHi = IW - 1 - off < 0 ? 0 : Math.min(OW, Math.floor((IW - 1 - off) / SW) + 1);
          for (let od = 0; od < OD; od++) {
            const id = od * SD - PD + kd * DD;
            for (let oh = 0; oh < OH; oh++) {
              const ih = oh * SH - PH + kh * DH;
              if (id < 0 || id >= ID || ih < 0 || ih >= IH || owLo >= owHi) {
                if (!scatter) cols.fill(0, col, col + OW);
                col += OW;
                continue;
              }
              const xRow = xc + (id * IH + ih) * IW + off; // x index of ow = 0 (may be outside)
              if (scatter) {
                for (let ow = owLo; ow < owHi; ow++) {
                  const i = xRow + ow * SW;
                  x[i] = x[i]! + cols[col + ow]!;
                }
              } else {
                for (let ow = 0; ow < owLo; ow++) cols[col + ow] = 0;
                for (let ow = owLo; ow < owHi; ow++) cols[col + ow] = x[xRow + ow * SW]!;
                for (let ow = owHi; ow < OW; ow++) cols[col + ow] = 0;
              }
              col += OW;
            }
          }
        }
      }
    }
  }
}
