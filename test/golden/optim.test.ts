// Optimiser trajectories against torch.optim: several steps with given gradients, lr changed
// between steps; the state dict after each step against torch's (momentum_buffer, step, exp_avg,
// exp_avg_sq), and a run resumed halfway from torch's state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { optim, type Tensor } from '../../src/index.js';
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
  states: Record<string, RefTensor | number>[];
}

function make(kind: OptimCase['kind'], p: Tensor, options: Record<string, unknown>): optim.Optimizer {
  switch (kind) {
    case 'SGD': return new optim.SGD([p], options as unknown as optim.SGDOptions);
    case 'Adam': return new optim.Adam([p], options as optim.AdamOptions);
    case 'AdamW': return new optim.AdamW([p], options as optim.AdamOptions);
  }
}

/** Steps `from`..end of the case's trajectory, checking parameters and state after each. */
async function run(c: OptimCase, p: Tensor, opt: optim.Optimizer, from: number, label: string): Promise<void> {
  for (let i = from; i < c.grads.length; i++) {
    if (c.lrs) opt.lr = c.lrs[i]!;
    const g = c.grads[i]!;
    p.grad = fromRef(g);
    opt.step();
    await assertClose(p, c.params[i]!, `${label} after step ${i + 1}`);
    const ours = opt.stateDict().state[0] ?? {};
    const ref = c.states[i]!;
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(ref).sort(), `${label} state keys after step ${i + 1}`);
    for (const [k, v] of Object.entries(ref)) {
      if (typeof v === 'number') assert.equal(ours[k], v, `${label} state ${k} after step ${i + 1}`);
      else await assertClose(ours[k] as Tensor, v, `${label} state ${k} after step ${i + 1}`);
    }
  }
}

for (const c of loadCases<OptimCase>('optim.json')) {
  test(`golden ${c.name}`, async () => {
    const p = fromRef(c.init, true);
    await run(c, p, make(c.kind, p, c.options), 0, c.name);
  });

  test(`golden ${c.name}: resumed halfway from torch's state`, async () => {
    const half = Math.floor(c.grads.length / 2);
    const p = fromRef(c.params[half - 1]!, true);
    const opt = make(c.kind, p, c.options);
    const group = opt.stateDict().param_groups[0]!;
    const state: Record<string, Tensor | number> = {};
    for (const [k, v] of Object.entries(c.states[half - 1]!)) state[k] = typeof v === 'number' ? v : fromRef(v);
    opt.loadStateDict({ state: Object.keys(state).length ? { 0: state } : {}, param_groups: [group] });
    await run(c, p, opt, half, `${c.name} (resumed)`);
  });
}
