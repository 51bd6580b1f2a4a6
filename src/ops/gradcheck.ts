// Finite-difference gradient checking, like torch.autograd.gradcheck: compares the tape's
// gradients with central differences of the same function.
import { noGrad } from '../autograd/grad-mode.js';
import { Rng } from '../tensor/rng.js';
import { shapeStr } from '../tensor/shape.js';
import { tensor } from './creation.js';
import type { Tensor } from './tensor.js';

export interface GradCheckOptions {
  /** Step of the central difference. Float32 forward passes want about 1e-3. */
  eps?: number;
  atol?: number;
  rtol?: number;
  seed?: number;
}

/**
 * Checks d/dx of Σ w·fn(inputs) (w random, fixed by seed) for every input that requires grad.
 * The sum accumulates in float64 so only the forward pass carries float32 rounding.
 * Throws naming the input, the element and both values on the first mismatch.
 * @example gradCheck((a) => F.tanh(a), [randn([3, 4], { requiresGrad: true })]);
 */
export function gradCheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradCheckOptions = {}): void {
  const { eps = 1e-3, atol = 5e-3, rtol = 1e-2, seed = 1 } = opts;
  const out = fn(...inputs);
  const rng = new Rng(seed);
  const w = Float64Array.from({ length: out.numel() }, () => rng.uniform() * 2 - 1);
  const objective = (): number => {
    const y = noGrad(() => fn(...inputs)).data;
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i]! * w[i]!;
    return s;
  };
  for (const x of inputs) x.grad = null;
  out.backward(tensor(w, out.shape));
  inputs.forEach((x, k) => {
    if (!x.requiresGrad) return;
    if (!x.grad) throw new Error(`gradCheck: input ${k} ${shapeStr(x.shape)} received no gradient`);
    const analytic = x.grad.toArray();
    for (let i = 0; i < x.numel(); i++) {
      const orig = x.data[i]!;
      x.data[i] = orig + eps;
      const plus = objective();
      x.data[i] = orig - eps;
      const minus = objective();
      x.data[i] = orig;
      const numeric = (plus - minus) / (2 * eps);
      if (Math.abs(numeric - analytic[i]!) > atol + rtol * Math.abs(numeric)) {
        throw new Error(
          `gradCheck: input ${k} ${shapeStr(x.shape)}, element ${i}: analytic ${analytic[i]} vs numeric ${numeric}`,
        );
      }
    }
  });
}
