// The benchmark architectures built with TensorFlow.js layers (peer code, NHWC as tfjs wants).
// Shapes and FLOPs equal torchvision's ResNet-18 and AlexNet and the API.md LeNet-5; PyTorch's
// symmetric paddings are reproduced with explicit zero padding before 'valid' layers where
// tfjs' 'same' would pad asymmetrically (stride 2).
import * as tf from '@tensorflow/tfjs';

type Sym = tf.SymbolicTensor;

function conv(x: Sym, filters: number, k: number, stride: number, pad: number, opts: { bias: boolean; relu?: boolean }): Sym {
  const same = stride === 1 && pad === (k - 1) / 2;
  const input = !same && pad > 0 ? (tf.layers.zeroPadding2d({ padding: pad }).apply(x) as Sym) : x;
  return tf.layers
    .conv2d({ filters, kernelSize: k, strides: stride, padding: same ? 'same' : 'valid', useBias: opts.bias, activation: opts.relu ? 'relu' : 'linear' })
    .apply(input) as Sym;
}

function bn(x: Sym): Sym {
  return tf.layers.batchNormalization({ axis: -1, epsilon: 1e-5 }).apply(x) as Sym;
}

function relu(x: Sym): Sym {
  return tf.layers.reLU().apply(x) as Sym;
}

function basicBlock(x: Sym, filters: number, stride: number): Sym {
  let out = relu(bn(conv(x, filters, 3, stride, 1, { bias: false })));
  out = bn(conv(out, filters, 3, 1, 1, { bias: false }));
  const inC = x.shape[x.shape.length - 1];
  const shortcut = stride !== 1 || inC !== filters ? bn(conv(x, filters, 1, stride, 0, { bias: false })) : x;
  return relu(tf.layers.add().apply([out, shortcut]) as Sym);
}

/** torchvision's resnet18 (BasicBlock, [2, 2, 2, 2]), 1000 classes, input [1, 224, 224, 3]. */
export function resnet18(): tf.LayersModel {
  const input = tf.input({ shape: [224, 224, 3] });
  let x = relu(bn(conv(input, 64, 7, 2, 3, { bias: false })));
  // Max pooling pads with -inf in PyTorch; after a ReLU zero padding is equivalent.
  x = tf.layers.zeroPadding2d({ padding: 1 }).apply(x) as Sym;
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid' }).apply(x) as Sym;
  for (const [filters, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]]) {
    x = basicBlock(x, filters, stride);
    x = basicBlock(x, filters, 1);
  }
  x = tf.layers.globalAveragePooling2d({}).apply(x) as Sym;
  const out = tf.layers.dense({ units: 1000 }).apply(x) as Sym;
  return tf.model({ inputs: input, outputs: out });
}

/** torchvision's alexnet, 1000 classes, input [1, 224, 224, 3] (its 6×6 adaptive pool is the identity here). */
export function alexnet(): tf.LayersModel {
  const input = tf.input({ shape: [224, 224, 3] });
  const pool = (x: Sym) => tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid' }).apply(x) as Sym;
  let x = pool(conv(input, 64, 11, 4, 2, { bias: true, relu: true }));
  x = pool(conv(x, 192, 5, 1, 2, { bias: true, relu: true }));
  x = conv(x, 384, 3, 1, 1, { bias: true, relu: true });
  x = conv(x, 256, 3, 1, 1, { bias: true, relu: true });
  x = pool(conv(x, 256, 3, 1, 1, { bias: true, relu: true }));
  x = tf.layers.flatten().apply(x) as Sym;
  x = tf.layers.dropout({ rate: 0.5 }).apply(x) as Sym;
  x = tf.layers.dense({ units: 4096, activation: 'relu' }).apply(x) as Sym;
  x = tf.layers.dropout({ rate: 0.5 }).apply(x) as Sym;
  x = tf.layers.dense({ units: 4096, activation: 'relu' }).apply(x) as Sym;
  const out = tf.layers.dense({ units: 1000 }).apply(x) as Sym;
  return tf.model({ inputs: input, outputs: out });
}

/** The API.md LeNet-5 (61,706 parameters), input [N, 28, 28, 1], 10 logits. */
export function lenet5(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: 'relu' }),
      tf.layers.dense({ units: 84, activation: 'relu' }),
      tf.layers.dense({ units: 10 }),
    ],
  });
}

/**
 * striate's models.resnet20 (3 stages of 3 basic blocks, 16/32/64 channels, option-A shortcuts:
 * stride-2 subsampling and zero channels, 269,722 parameters) in tfjs ops, input [N, 32, 32, 3]:
 * layers cannot express option-A shortcuts. Batch norm normalises with the batch's statistics
 * (training mode); the running averages, which cost next to nothing, are not kept.
 */
export function resnet20(): { variables: tf.Variable[]; forward(x: tf.Tensor4D): tf.Tensor2D } {
  const variables: tf.Variable[] = [];
  const v = (t: tf.Tensor) => {
    const w = tf.variable(t);
    variables.push(w);
    return w;
  };
  const convW = (cin: number, cout: number) => v(tf.randomNormal([3, 3, cin, cout], 0, Math.sqrt(2 / (9 * cin)))) as tf.Variable<tf.Rank.R4>;
  const bnP = (c: number) => ({ gamma: v(tf.ones([c])), beta: v(tf.zeros([c])) });
  const bn = (x: tf.Tensor4D, p: { gamma: tf.Variable; beta: tf.Variable }): tf.Tensor4D => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return tf.batchNorm4d(x, mean as tf.Tensor1D, variance as tf.Tensor1D, p.beta as tf.Tensor1D, p.gamma as tf.Tensor1D, 1e-5);
  };
  // PyTorch's padding 1 on both sides: 'same' at stride 1; explicit for stride 2.
  const conv = (x: tf.Tensor4D, w: tf.Tensor4D, stride: number) =>
    stride === 1 ? tf.conv2d(x, w, 1, 'same') : tf.conv2d(tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]), w, stride, 'valid');
  const stem = { w: convW(3, 16), bn: bnP(16) };
  const blocks: { w1: tf.Variable<tf.Rank.R4>; bn1: ReturnType<typeof bnP>; w2: tf.Variable<tf.Rank.R4>; bn2: ReturnType<typeof bnP>; stride: number; extra: number }[] = [];
  let cin = 16;
  for (const [cout, stride] of [[16, 1], [32, 2], [64, 2]] as const) {
    for (let i = 0; i < 3; i++) {
      blocks.push({ w1: convW(cin, cout), bn1: bnP(cout), w2: convW(cout, cout), bn2: bnP(cout), stride: i === 0 ? stride : 1, extra: cout - cin });
      cin = cout;
    }
  }
  const fcW = v(tf.randomUniform([64, 10], -0.125, 0.125)), fcB = v(tf.zeros([10]));
  return {
    variables,
    forward(x) {
      let h: tf.Tensor4D = tf.relu(bn(conv(x, stem.w, 1), stem.bn));
      for (const b of blocks) {
        const y = bn(conv(tf.relu(bn(conv(h, b.w1, b.stride), b.bn1)), b.w2, 1), b.bn2);
        // Stride-2 subsampling as a 1×1 average pool (tfjs has no gradient for strided slices).
        let s = b.stride === 1 ? h : tf.avgPool(h, 1, 2, 'valid');
        if (b.extra) s = tf.pad(s, [[0, 0], [0, 0], [0, 0], [b.extra >> 1, b.extra - (b.extra >> 1)]]);
        h = tf.relu(tf.add(y, s)) as tf.Tensor4D;
      }
      return tf.add(tf.matMul(tf.mean(h, [1, 2]) as tf.Tensor2D, fcW), fcB);
    },
  };
}
