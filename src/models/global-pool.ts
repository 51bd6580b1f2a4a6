// Global average pooling as a layer: [N, C, ...spatial] → [N, C], for heads without dense layers
// and for networks of any spatial rank (1D, 2D, 3D).
import * as nn from '../nn/index.js';
import * as F from '../ops/functional.js';
import type { Tensor } from '../ops/tensor.js';

/** Mean over every spatial position, flattened to [N, C]. @example new GlobalAvgPool().forward(x) // [8, 64, 7, 7] → [8, 64] */
export class GlobalAvgPool extends nn.Module {
  override forward(x: Tensor): Tensor {
    return F.globalAvgPool(x).flatten(1);
  }
}
