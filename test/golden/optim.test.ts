// Optimiser trajectories against torch.optim: several steps with given gradients, lr changed between steps.
import { test } from 'node:test';
import { optim, tensor, type Tensor } from '../../src/index.js';
import { assertClose } from './close.js';
import { fromRef, loadCases, type RefTensor } from './fixtures.js';

interface OptimCase {
  name: string;
  kind: 'SGD' | 'Adam' | 'AdamW';
  options: Record<string, unknown>;
  lrs: number[] | null;
  init: RefTensor;
  grads: RefTensor[];
  params: RefTensor[];
}

function make(kind: OptimCase['kind'], p: Tensor, options: Record<string, unknown>): optim.Optimizer {
  switch (kind) {
    case 'SGD': return new optim.SGD([p], options as unknown as optim.SGDOptions);
    case 'Adam': return new optim.Adam([p], options as optim.AdamOptions);
    case 'AdamW': return new optim.AdamW([p], options as optim.AdamOptions);
  }
}

for (const c of loadCases<OptimCase>('optim.json')) {
  test(`golden ${c.name}`, () => {
    const p = fromRef(c.init, true);
    const opt = make(c.kind, p, c.options);
    c.grads.forEach((g, i) => {
      if (c.lrs) opt.lr = c.lrs[i]!;
      p.grad = tensor(g.data, g.shape);
      opt.step();
      assertClose(p, c.params[i]!, `${c.name} after step ${i + 1}`);
    });
  });
}
