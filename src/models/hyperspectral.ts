// A hyperspectral pixel classifier in the spirit of HybridSN (Roy et al., 2019): the input is a
// small spatial patch around a pixel with many spectral bands, [N, bands, P, P]. Two 3D
// convolutions slide along the spectrum as well as across space (kernels 7×3×3 and 5×3×3, no
// spectral padding), so they learn spectral shapes such as absorption dips; the remaining
// spectral positions are folded into channels for a 2D convolution; global average pooling and
// one dense layer classify.
import * as nn from '../nn/index.js';
import type { Tensor } from '../ops/tensor.js';
import { GlobalAvgPool } from './global-pool.js';
import { classesOpt, named, type ModelOptions } from './options.js';

export interface HyperspectralOptions extends ModelOptions {
  /** Channels of the first 3D conv; the second has 2×, the 2D conv 8× (default 8). */
  width?: number;
}

/** Spectral positions the two 3D convolutions consume (6 + 4). */
const SPECTRAL_SHRINK = 10;

export class HyperspectralCNN extends nn.Module {
  spectral: nn.Sequential;
  spatial: nn.Sequential;
  pool = new GlobalAvgPool();
  fc: nn.Linear;
  readonly bands: number;

  constructor({ numClasses = 16, inChannels = 30, width = 8 }: HyperspectralOptions = {}) {
    super();
    classesOpt('hyperspectralCnn', numClasses, inChannels);
    if (inChannels <= SPECTRAL_SHRINK) {
      throw new Error(`models.hyperspectralCnn: needs more than ${SPECTRAL_SHRINK} spectral bands (inChannels), got ${inChannels}: the 3D kernels span 7 and 5 bands`);
    }
    this.bands = inChannels;
    this.spectral = new nn.Sequential(
      new nn.Conv3d(1, width, [7, 3, 3], { padding: [0, 1, 1], bias: false }), new nn.BatchNorm3d(width), new nn.ReLU(),
      new nn.Conv3d(width, 2 * width, [5, 3, 3], { padding: [0, 1, 1], bias: false }), new nn.BatchNorm3d(2 * width), new nn.ReLU(),
    );
    const folded = 2 * width * (inChannels - SPECTRAL_SHRINK);
    this.spatial = new nn.Sequential(
      new nn.Conv2d(folded, 8 * width, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(8 * width), new nn.ReLU(),
    );
    this.fc = new nn.Linear(8 * width, numClasses);
  }

  override forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.bands) {
      throw new Error(`HyperspectralCNN: expected patches [N, ${this.bands} bands, P, P], got [${x.shape.join(', ')}]`);
    }
    const [n, , h, w] = x.shape as [number, number, number, number];
    // [N, bands, H, W] → [N, 1, bands, H, W]: the spectrum becomes the 3D convs' depth.
    const cube = this.spectral.forward(x.unsqueeze(1));
    const folded = cube.reshape([n, -1, h, w]);
    return this.fc.forward(this.pool.forward(this.spatial.forward(folded)));
  }
}

/**
 * Hyperspectral classifier for patches [N, bands, P, P] (native: 30 bands, 9×9 patches — e.g.
 * Indian Pines after PCA, 16 classes): 3D convs over the bands, then 2D.
 * @example const net = models.hyperspectralCnn({ numClasses: 5, inChannels: 24 }); net.forward(randn([4, 24, 9, 9])); // [4, 5]
 */
export function hyperspectralCnn(opts: HyperspectralOptions = {}): HyperspectralCNN {
  return named(new HyperspectralCNN(opts), 'hyperspectralCnn', opts);
}
