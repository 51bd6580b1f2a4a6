// Recorded kernel calls made again cheaply (Backend.compile; nn/recorded-forward.ts): each conv
// forward as the dispatches it made, their parameter blocks restored and their scratch kept,
// instead of its wrapper's JavaScript working them out again (the geometry, path, prepared
// weights, parameter block and scratch: 16–23 µs a call right after a kernel has swept the
// caches, 0.45–0.6 ms of ResNet-18's batch-1 forward); every other call is made again as it is.
// A conv forward's work is all dispatches (conv-kernels.ts); what its wrapper computes on the
// host (a polyphase stem's phase kernels, only while its prepared weights are stale) lands in
// scratch, which is kept, so replayed dispatches read it as the captured ones did.
import { makeCall, type KernelCall, type Kernels } from '../kernels.js';
import type { WasmHeap } from './memory.js';
import type { CapturedDispatch, ThreadPool } from './thread-pool.js';

// A call (holding its storages for the plan's lifetime), and for a conv forward its dispatches.
interface Step {
  call: KernelCall;
  dispatches: CapturedDispatch[] | null;
}

interface Plan {
  threads: number;
  steps: Step[];
}

/** A function making `calls` again; they are made once now, the conv forwards' dispatches captured. */
export function compileCalls(pool: ThreadPool, heap: WasmHeap, own: Kernels, calls: readonly KernelCall[]): () => void {
  let plan = capture(pool, heap, own, calls);
  return () => {
    // Dispatches are split for the threads they were captured with.
    if (plan.threads !== pool.numThreads) {
      plan = capture(pool, heap, own, calls);
      return;
    }
    for (const { call, dispatches } of plan.steps) {
      if (dispatches) pool.replay(dispatches);
      else makeCall(call);
    }
  };
}

// The calls made once, the conv forwards' dispatches captured. Their scratch stays allocated as
// long as the plan (the registry frees it after), shared from call to call as the free lists
// would share it: one conv's scratch was still cached for the next (each its own: 0.3–0.5 ms
// more of a ResNet-18 forward).
function capture(pool: ThreadPool, heap: WasmHeap, own: Kernels, calls: readonly KernelCall[]): Plan {
  const plan: Plan = { threads: pool.numThreads, steps: [] };
  const scratch = heap.keepScratch(() => {
    for (const call of calls) {
      const conv = call.kernels === own && call.name === 'convForward';
      plan.steps.push({ call, dispatches: conv ? pool.capture(() => makeCall(call)) : null });
      if (!conv) makeCall(call);
    }
  });
  for (const [ptr, bytes] of scratch) heap.track(plan, ptr, bytes);
  return plan;
}
