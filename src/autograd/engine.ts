// Reverse-mode autodiff over a define-by-run tape. Each operation's output keeps a node with its
// inputs and a closure mapping the output's gradient to its inputs' gradients (micrograd's
// design); backward walks the nodes in reverse topological order. Generic over the tensor type so
// this layer stays below the operations that create nodes.
import { noGrad } from './grad-mode.js';

export interface GradNode<T> {
  readonly name: string;
  readonly inputs: readonly T[];
  /**
   * null once backward has run through it without retainGraph: its saved tensors are freed.
   * `last`: this run is its only one (no retainGraph), so it may release memory only it holds.
   */
  backward: ((gradOut: T, last: boolean) => (T | null)[]) | null;
}

export interface GradValue<T> {
  readonly node: GradNode<T> | null;
  readonly requiresGrad: boolean;
}

export interface Accumulator<T> {
  add(a: T, b: T): T;
  /**
   * a + b into a's memory, as `add` computes it (a: a gradient nobody else can reach); false,
   * adding nothing, where the sum's shape would not be a's.
   */
  addInPlace(a: T, b: T): boolean;
  /**
   * Adds g into the `.grad` of a leaf that requires grad. `owned`: nothing else can reach g (the
   * engine would release it), so it may become `.grad` as it is; returns whether it did.
   */
  accumulateLeaf(leaf: T, g: T, owned: boolean): boolean;
  /** What a gradient's memory is: gradients that share it are views of one another. */
  memoryOf(g: T): unknown;
  /** Gives a tensor's memory back now (a gradient's, or a forward output's marked by releaseAfterBackward). */
  release(g: T): void;
}

// Post-order DFS without recursion, so deep graphs (long unrolled nets) cannot overflow the stack.
function topologicalOrder<T extends GradValue<T>>(root: T): T[] {
  const order: T[] = [];
  const visited = new Set<T>([root]);
  const stack: { t: T; next: number }[] = [{ t: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const inputs = top.t.node?.inputs ?? [];
    if (top.next < inputs.length) {
      const child = inputs[top.next++]!;
      if (child.requiresGrad && !visited.has(child)) {
        visited.add(child);
        stack.push({ t: child, next: 0 });
      }
    } else {
      stack.pop();
      order.push(top.t);
    }
  }
  return order;
}

// Forward outputs that only the graph can reach: an nn function's private intermediate, read by
// the one op it was made for (the conv output inside conv → batch norm → ReLU). Without this their
// memory, most of a training step's forward, waits for a forced full collection (see above).
const graphOwned = new WeakSet<object>();

/**
 * Marks `t`, which no user object and no other node may reach (only the node that consumes it),
 * for release by the next backward that runs through it without retainGraph, once its own node
 * has run. Later reads of it throw.
 */
export function releaseAfterBackward(t: object): void {
  graphOwned.add(t);
}

// Gradients flowing between nodes are the engine's own: made by backward closures, read once,
// then dead, while their memory would wait for a garbage collection (which the WebAssembly heap
// forces every 128 MB allocated, ~10 ms each). So a gradient is released as soon as it is consumed
// (by its node's backward, a leaf's accumulation or a sum of two), unless its memory is still
// reachable: it is the caller's seed, or a gradient still pending shares it (pass-through ops and
// views hand on a gradient's own memory). An unreachable one a leaf takes as its first `.grad`
// is handed over instead of copied and released.
export function runBackward<T extends GradValue<T>>(root: T, seed: T, retainGraph: boolean, acc: Accumulator<T>): void {
  const order = topologicalOrder(root);
  for (const t of order) {
    if (t.node && !t.node.backward) {
      throw new Error(
        `backward: trying to backward through the graph a second time (through ${t.node.name}); ` +
          'its saved tensors were freed. Pass { retainGraph: true } to the first backward call.',
      );
    }
  }
  noGrad(() => {
    const grads = new Map<T, T>([[root, seed]]);
    const seedMemory = acc.memoryOf(seed);
    const reachable = (m: unknown) => {
      if (m === seedMemory) return true;
      for (const pending of grads.values()) if (acc.memoryOf(pending) === m) return true;
      return false;
    };
    const release = (consumed: readonly T[]) => {
      for (const g of consumed) if (!reachable(acc.memoryOf(g))) acc.release(g);
    };
    // A gradient arriving for an input that already has one (a residual's two paths) is added into
    // the pending one's memory, when that memory is the engine's alone: not the seed, not shared
    // with another pending gradient, nor with the node's own gradient or its other outputs (still
    // to be read). Same additions (prev + gi), no new tensor, one pass instead of two.
    const addsInPlace = (input: T, prev: T, g: T, inputGrads: readonly (T | null)[]) => {
      const m = acc.memoryOf(prev);
      if (m === seedMemory || m === acc.memoryOf(g) || inputGrads.some((gi) => gi && acc.memoryOf(gi) === m)) return false;
      for (const [other, pending] of grads) if (other !== input && acc.memoryOf(pending) === m) return false;
      return true;
    };
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = grads.get(t);
      grads.delete(t);
      if (!g) continue;
      const node = t.node;
      if (!node) {
        if (!acc.accumulateLeaf(t, g, !reachable(acc.memoryOf(g)))) release([g]);
        continue;
      }
      const inputGrads = node.backward!(g, !retainGraph);
      if (!retainGraph) node.backward = null;
      // Its consumer and its own node have run: a marked output is dead (unless a gradient shares its memory).
      if (!retainGraph && graphOwned.delete(t)) release([t]);
      const consumed = [g];
      node.inputs.forEach((input, k) => {
        const gi = inputGrads[k];
        if (!gi || !input.requiresGrad) return;
        const prev = grads.get(input);
        if (!prev) return void grads.set(input, gi);
        if (addsInPlace(input, prev, g, inputGrads) && acc.addInPlace(prev, gi)) return void consumed.push(gi);
        grads.set(input, acc.add(prev, gi));
        consumed.push(prev, gi);
      });
      release(consumed);
    }
  });
}
