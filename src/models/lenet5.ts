// LeNet-5 (LeCun et al., 1998) as the lecture uses it on 28×28 images: two conv–ReLU–pool stages
// (run as conv–pool–ReLU, the same function), then three dense layers. 61,706 parameters for 1
// input channel and 10 classes.
import * as nn from '../nn/index.js';
import { runFused } from '../nn/fused.js';
import type { Tensor } from '../ops/tensor.js';
import { named } from './options.js';

export interface LeNet5Options {
  numClasses?: number;
  inChannels?: number;
}

/**
 * The model class; every stage is a registered layer, so summary() lists each one.
 * Parameters: conv1.weight, conv1.bias, conv2.*, fc1.*, fc2.*, fc3.*.
 */
export class LeNet5 extends nn.Module {
  conv1: nn.Conv2d;
  pool1 = new nn.MaxPool2d(2);
  relu1 = new nn.ReLU();
  conv2: nn.Conv2d;
  pool2 = new nn.MaxPool2d(2);
  relu2 = new nn.ReLU();
  flatten = new nn.Flatten();
  fc1: nn.Linear;
  relu3 = new nn.ReLU();
  fc2: nn.Linear;
  relu4 = new nn.ReLU();
  fc3: nn.Linear;

  // The layers with weights are created here, in order, so the random draws follow the layers.
  constructor({ numClasses = 10, inChannels = 1 }: LeNet5Options = {}) {
    super();
    this.conv1 = new nn.Conv2d(inChannels, 6, 5, { padding: 2 });
    this.conv2 = new nn.Conv2d(6, 16, 5);
    this.fc1 = new nn.Linear(16 * 5 * 5, 120);
    this.fc2 = new nn.Linear(120, 84);
    this.fc3 = new nn.Linear(84, numClasses);
  }

  /** x: [N, inChannels, 28, 28] → logits [N, numClasses]. */
  override forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[2] !== 28 || x.shape[3] !== 28) {
      throw new Error(`lenet5: expected input [N, ${this.conv1.inChannels}, 28, 28], got [${x.shape.join(', ')}]`);
    }
    // Pool, then ReLU: the same values and gradients as ReLU then pool (both are monotone; a
    // window with no positive value gives 0 and no gradient either way), on a quarter of the
    // elements. Run as a Sequential runs its children: each output is freed once the next layer
    // has read it (nn/private-activations.ts).
    return runFused([this.conv1, this.pool1, this.relu1, this.conv2, this.pool2, this.relu2, this.flatten,
      this.fc1, this.relu3, this.fc2, this.relu4, this.fc3], x);
  }
}

/**
 * LeNet-5 for 28×28 images (MNIST, Fashion-MNIST).
 * @example
 * const model = models.lenet5();
 * model.forward(zeros([2, 1, 28, 28])).shape; // [2, 10]
 */
export function lenet5(options: LeNet5Options = {}): LeNet5 {
  return named(new LeNet5(options), 'lenet5', options);
}
