// One step of each workload the profiles run (bench/profile.ts, bench/memory-step.ts): a
// training step for W8 and W3, W2's conv forward and backward, an inference without gradients for W4 and W5.
import * as st from '../../src/index.js';
import { CONV, LENET_BATCH, RESNET20_BATCH } from './workloads.js';

// `recorded`: W4 and W5 replay their forward recorded once (nn.recordForward), as `npm run bench`
// times them; else the modules' forward.
export function profiledStep(w: string, { recorded = false } = {}): { title: string; step: () => void } {
  if (w === 'W8') {
    const model = st.models.resnet20();
    const opt = new st.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const x = st.randn([RESNET20_BATCH, 3, 32, 32], { seed: 9 });
    const y = Array.from({ length: RESNET20_BATCH }, (_, i) => (i * 7) % 10);
    return { title: 'W8 ResNet-20 training step, batch 128', step: () => { opt.zeroGrad(); st.F.crossEntropy(model.forward(x), y).backward(); opt.step(); } };
  }
  if (w === 'W2') {
    const leaf = (shape: number[], seed: number) => {
      const t = st.randn(shape, { seed });
      t.requiresGrad = true;
      return t;
    };
    const x = leaf([CONV.n, CONV.cIn, CONV.h, CONV.w], 1), wt = leaf([CONV.cOut, CONV.cIn, CONV.k, CONV.k], 2);
    const b = leaf([CONV.cOut], 3), g = st.randn([CONV.n, CONV.cOut, CONV.h, CONV.w], { seed: 4 });
    return { title: 'W2 conv2d forward + both backward passes, N=8, 64→64 ch, 56×56', step: () => {
      x.grad = wt.grad = b.grad = null;
      st.F.conv2d(x, wt, b, { padding: CONV.pad }).backward(g);
    } };
  }
  if (w === 'W3') {
    const model = st.models.lenet5();
    const opt = new st.optim.SGD(model.parameters(), { lr: 0.01 });
    const x = st.randn([LENET_BATCH, 1, 28, 28], { seed: 5 });
    const y = Array.from({ length: LENET_BATCH }, (_, i) => (i * 7) % 10);
    return { title: 'W3 LeNet-5 training step, batch 64', step: () => { opt.zeroGrad(); st.F.crossEntropy(model.forward(x), y).backward(); opt.step(); } };
  }
  if (w === 'W4' || w === 'W5') {
    const model = (w === 'W4' ? st.models.resnet18() : st.models.alexnet()).eval();
    const x = st.randn([1, 3, 224, 224], { seed: 6 });
    const title = `${w} ${w === 'W4' ? 'ResNet-18' : 'AlexNet'} inference, batch 1`;
    if (recorded) {
      const forward = st.nn.recordForward(model, x);
      return { title: `${title}, recorded`, step: () => { forward.forward(x); } };
    }
    return { title, step: () => { st.noGrad(() => model.forward(x)); } };
  }
  throw new Error(`unknown workload ${w} (W8, W3, W2, W4 or W5)`);
}
