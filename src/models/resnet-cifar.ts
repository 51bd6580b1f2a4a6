// ResNet-20 for 32×32 images (He et al., 2015, section 4.2): a 3×3 stem with 16 channels, three
// stages of three BasicBlocks (16, 32, 64 channels; the last two halve the size), global average
// pooling and one dense layer. Shortcuts are option A: identity where shapes agree; where they do
// not, the input is subsampled with stride 2 and the new channels are zeros, so the shortcut has
// no parameters (0.27M parameters in all).
import * as nn from '../nn/index.js';
import type { Tensor } from '../ops/tensor.js';
import { classifyPooled, convBnRelu, runFused } from '../nn/fused.js';
import { BasicBlock, initResNetWeights, PadShortcut } from './resnet.js';
import { classesOpt, named, type ModelOptions } from './options.js';

export class CifarResNet extends nn.Module {
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  relu = new nn.ReLU();
  layer1: nn.Sequential;
  layer2: nn.Sequential;
  layer3: nn.Sequential;
  avgpool = new nn.AdaptiveAvgPool2d(1);
  fc: nn.Linear;

  /** `n` blocks per stage: depth 6n + 2 (n = 3 gives ResNet-20). */
  constructor(n: number, { numClasses = 10, inChannels = 3 }: ModelOptions = {}) {
    super();
    let inC = 16;
    const stage = (outC: number, stride: number): nn.Sequential => {
      const blocks: nn.Module[] = [];
      for (let i = 0; i < n; i++) {
        const s = i === 0 ? stride : 1;
        const short = s !== 1 || inC !== outC ? new PadShortcut(inC, outC, s) : null;
        blocks.push(new BasicBlock(inC, outC, s, short));
        inC = outC;
      }
      return new nn.Sequential(...blocks);
    };
    this.conv1 = new nn.Conv2d(inChannels, 16, 3, { padding: 1, bias: false });
    this.bn1 = new nn.BatchNorm2d(16);
    this.layer1 = stage(16, 1);
    this.layer2 = stage(32, 2);
    this.layer3 = stage(64, 2);
    this.fc = new nn.Linear(64, numClasses);
    initResNetWeights(this);
  }

  // The stem's output and each stage's are handed on as a Sequential hands on its children's, and
  // the pool's once the classifier has read it through the flatten view.
  override forward(x: Tensor): Tensor {
    const stem = convBnRelu(x, this.conv1, this.bn1, this.relu);
    const pooled = runFused([this.layer1, this.layer2, this.layer3, this.avgpool], stem, { from: x, by: [this.conv1, this.bn1, this.relu] });
    return classifyPooled(pooled, this.avgpool, this.fc);
  }
}

/**
 * ResNet-20 for 32×32 images (CIFAR-10, or Fashion-MNIST padded to 32×32 with inChannels 1):
 * 269,722 parameters with 10 classes and 3 input channels (269,434 with 1); option-A shortcuts add none.
 * @example const net = models.resnet20({ numClasses: 10, inChannels: 1 }); net.forward(randn([8, 1, 32, 32]));
 */
export function resnet20(opts: ModelOptions = {}): CifarResNet {
  classesOpt('resnet20', opts.numClasses ?? 10, opts.inChannels ?? 3);
  return named(new CifarResNet(3, opts), 'resnet20', opts);
}
