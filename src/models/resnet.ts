// ResNet (He et al., 2015) in torchvision's layout: a 7×7 stem, four stages of residual blocks
// (BasicBlock for 18/34, Bottleneck for 50), global average pooling, one dense layer. A block
// adds its input back (x + F(x)); where the shape changes, a 1×1 strided conv + BN projects it.
import * as nn from '../nn/index.js';
import { classifyPooled, convBnRelu, runFused } from '../nn/fused.js';
import { constant, kaimingNormal } from '../nn/init.js';
import { releasePassed, SEALED, type SealedClass } from '../nn/private-activations.js';
import { subsamplePadChannels } from '../ops/pad.js';
import type { Tensor } from '../ops/tensor.js';
import { classesOpt, named, type ModelOptions } from './options.js';

const conv3x3 = (inC: number, outC: number, stride = 1): nn.Conv2d =>
  new nn.Conv2d(inC, outC, 3, { stride, padding: 1, bias: false });
const conv1x1 = (inC: number, outC: number, stride = 1): nn.Conv2d => new nn.Conv2d(inC, outC, 1, { stride, bias: false });

/** The parameter-free option-A shortcut: x[:, :, ::stride, ::stride], zero-padded to outC channels. */
export class PadShortcut extends nn.Module {
  constructor(readonly inC: number, readonly outC: number, readonly stride: number) {
    super();
  }

  override forward(x: Tensor): Tensor {
    const extra = this.outC - this.inC;
    const before = Math.floor(extra / 2);
    return this.stride === 1 && extra === 0 ? x : subsamplePadChannels(x, this.stride, before, extra - before);
  }

  override extraRepr(): string {
    return `${this.inC} → ${this.outC}, stride=${this.stride}`;
  }

  /** One op (or its input itself, which releasePassed refuses to free), nothing kept. @internal */
  static readonly [SEALED]: SealedClass<PadShortcut> = { forward: PadShortcut.prototype.forward, parts: () => [] };
}

/** Two 3×3 convolutions with a skip connection (ResNet-18/34). */
export class BasicBlock extends nn.Module {
  static readonly expansion = 1;
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  relu = new nn.ReLU();
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  downsample: nn.Module | null;

  constructor(inC: number, planes: number, stride = 1, downsample: nn.Module | null = null) {
    super();
    this.conv1 = conv3x3(inC, planes, stride);
    this.bn1 = new nn.BatchNorm2d(planes);
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = new nn.BatchNorm2d(planes);
    this.downsample = downsample;
  }

  // conv → bn → (+ shortcut) → relu fused (nn/fused.ts): folded into the conv in inference, one
  // batch-norm-ReLU op in training. `out` is the block's own: freed once conv2 is through with it,
  // and so is the shortcut's output (the residual add reads it; W8's option-A pads: 6 MB a step).
  override forward(x: Tensor): Tensor {
    const out = convBnRelu(x, this.conv1, this.bn1, this.relu);
    const short = this.downsample ? this.downsample.forward(x) : x;
    const y = convBnRelu(out, this.conv2, this.bn2, this.relu, short);
    releasePassed(out, [this.bn1, this.relu, this.conv2], [y]);
    releasePassed(short, [this.downsample], [x, y]);
    return y;
  }

  /** Its forward and the modules it runs (nn/private-activations.ts). @internal */
  static readonly [SEALED]: SealedClass<BasicBlock> = {
    forward: BasicBlock.prototype.forward, parts: (b) => [b.conv1, b.bn1, b.relu, b.conv2, b.bn2, b.downsample],
  };
}

/** 1×1 reduce, 3×3 (strided), 1×1 expand ×4, with a skip connection (ResNet-50 and deeper). */
export class Bottleneck extends nn.Module {
  static readonly expansion = 4;
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  conv3: nn.Conv2d;
  bn3: nn.BatchNorm2d;
  relu = new nn.ReLU();
  downsample: nn.Module | null;

  constructor(inC: number, planes: number, stride = 1, downsample: nn.Module | null = null) {
    super();
    // torchvision's v1.5: the stride sits on the 3×3 conv, not the first 1×1.
    this.conv1 = conv1x1(inC, planes);
    this.bn1 = new nn.BatchNorm2d(planes);
    this.conv2 = conv3x3(planes, planes, stride);
    this.bn2 = new nn.BatchNorm2d(planes);
    this.conv3 = conv1x1(planes, planes * 4);
    this.bn3 = new nn.BatchNorm2d(planes * 4);
    this.downsample = downsample;
  }

  override forward(x: Tensor): Tensor {
    const out1 = convBnRelu(x, this.conv1, this.bn1, this.relu);
    const out2 = convBnRelu(out1, this.conv2, this.bn2, this.relu);
    releasePassed(out1, [this.bn1, this.relu, this.conv2], [out2]);
    const short = this.downsample ? this.downsample.forward(x) : x;
    const y = convBnRelu(out2, this.conv3, this.bn3, this.relu, short);
    releasePassed(out2, [this.bn2, this.relu, this.conv3], [y]);
    releasePassed(short, [this.downsample], [x, y]);
    return y;
  }

  /** Its forward and the modules it runs (nn/private-activations.ts). @internal */
  static readonly [SEALED]: SealedClass<Bottleneck> = {
    forward: Bottleneck.prototype.forward,
    parts: (b) => [b.conv1, b.bn1, b.conv2, b.bn2, b.conv3, b.bn3, b.relu, b.downsample],
  };
}

export type BlockClass = (typeof BasicBlock | typeof Bottleneck);

export class ResNet extends nn.Module {
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  relu = new nn.ReLU();
  maxpool = new nn.MaxPool2d(3, { stride: 2, padding: 1 });
  layer1: nn.Sequential;
  layer2: nn.Sequential;
  layer3: nn.Sequential;
  layer4: nn.Sequential;
  avgpool = new nn.AdaptiveAvgPool2d(1);
  fc: nn.Linear;

  constructor(block: BlockClass, layers: readonly [number, number, number, number], { numClasses = 1000, inChannels = 3 }: ModelOptions = {}) {
    super();
    let inC = 64;
    const stage = (planes: number, blocks: number, stride: number): nn.Sequential => {
      const out = planes * block.expansion;
      const down = stride !== 1 || inC !== out ? new nn.Sequential(conv1x1(inC, out, stride), new nn.BatchNorm2d(out)) : null;
      const list: nn.Module[] = [new block(inC, planes, stride, down)];
      inC = out;
      for (let i = 1; i < blocks; i++) list.push(new block(inC, planes));
      return new nn.Sequential(...list);
    };
    this.conv1 = new nn.Conv2d(inChannels, 64, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = new nn.BatchNorm2d(64);
    this.layer1 = stage(64, layers[0], 1);
    this.layer2 = stage(128, layers[1], 2);
    this.layer3 = stage(256, layers[2], 2);
    this.layer4 = stage(512, layers[3], 2);
    this.fc = new nn.Linear(512 * block.expansion, numClasses);
    initResNetWeights(this);
  }

  // The stem's output and each stage's are handed on as a Sequential hands on its children's, and
  // the pool's once the classifier has read it.
  override forward(x: Tensor): Tensor {
    const stem = convBnRelu(x, this.conv1, this.bn1, this.relu);
    const stages = [this.maxpool, this.layer1, this.layer2, this.layer3, this.layer4, this.avgpool];
    return classifyPooled(runFused(stages, stem, { from: x, by: [this.conv1, this.bn1, this.relu] }), this.avgpool, this.fc);
  }
}

/** torchvision's ResNet initialisation: convs Kaiming-normal (fan-out, ReLU), batch norms 1 and 0. */
export function initResNetWeights(model: nn.Module): void {
  for (const m of model.modules()) {
    if (m instanceof nn.Conv2d) kaimingNormal(m.weight, { mode: 'fanOut', nonlinearity: 'relu' });
    else if (m instanceof nn.BatchNorm2d) {
      if (m.weight) constant(m.weight, 1);
      if (m.bias) constant(m.bias, 0);
    }
  }
}

function make(name: string, block: BlockClass, layers: readonly [number, number, number, number], opts: ModelOptions): ResNet {
  classesOpt(name, opts.numClasses ?? 1000, opts.inChannels ?? 3);
  return named(new ResNet(block, layers, opts), name, opts);
}

/**
 * ResNet-18 for 224×224 RGB images: 11,689,512 parameters with 1000 classes, torchvision's names.
 * @example const net = models.resnet18({ numClasses: 10 }); net.eval(); net.forward(randn([1, 3, 224, 224]));
 */
export const resnet18 = (opts: ModelOptions = {}): ResNet => make('resnet18', BasicBlock, [2, 2, 2, 2], opts);
/** ResNet-34: 21,797,672 parameters with 1000 classes. @example models.resnet34({ numClasses: 100 }) */
export const resnet34 = (opts: ModelOptions = {}): ResNet => make('resnet34', BasicBlock, [3, 4, 6, 3], opts);
/** ResNet-50 (bottleneck blocks): 25,557,032 parameters with 1000 classes. @example models.resnet50() */
export const resnet50 = (opts: ModelOptions = {}): ResNet => make('resnet50', Bottleneck, [3, 4, 6, 3], opts);
