// Containers: Sequential chains its children, ModuleList only holds them. Children are named
// "0", "1", ... as in PyTorch, so state-dict keys read `features.0.weight`.
import type { Tensor } from '../ops/tensor.js';
import { runFused } from './fused.js';
import { Module } from './module.js';
import { SEALED, type SealedClass } from './private-activations.js';

function indexIn(owner: string, i: number, length: number): number {
  const k = i < 0 ? i + length : i;
  if (!Number.isInteger(i) || k < 0 || k >= length) {
    throw new Error(`${owner}.get: index ${i} is out of range for ${length} modules`);
  }
  return k;
}

// What both containers share: children registered under their list index.
export class IndexedModules extends Module {
  constructor(modules: Iterable<Module>) {
    super();
    for (const m of modules) this.append(m);
  }

  get length(): number {
    return this.namedChildren().length;
  }

  /** The i-th module; negative i counts from the end. */
  get(i: number): Module {
    return this.children()[indexIn(this.constructor.name, i, this.length)]!;
  }

  append(m: Module): this {
    this.registerModule(String(this.length), m);
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }
}

/** Holds submodules in a list (registered, so their parameters are found); has no forward. */
export class ModuleList extends IndexedModules {
  constructor(modules: Iterable<Module> = []) {
    super(modules);
  }
}

/**
 * Applies its modules in order, each output feeding the next.
 * @example
 * const net = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 10));
 * net.forward(x); // x: [N, 1, 28, 28] → [N, 10]; state-dict keys '1.weight', '1.bias'
 */
export class Sequential extends IndexedModules {
  constructor(...modules: Module[]) {
    super(modules);
  }

  // In evaluation without gradients, conv → batch norm → ReLU runs as one conv (nn/fused.ts).
  override forward(x: Tensor): Tensor {
    return runFused(this.children(), x);
  }

  /** Its children see its input and make its output (nn/private-activations.ts). @internal */
  static readonly [SEALED]: SealedClass<Sequential> = { forward: Sequential.prototype.forward, parts: (s) => s.children() };
}
