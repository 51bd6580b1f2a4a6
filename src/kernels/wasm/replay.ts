// Recorded kernel calls made again cheaply (Backend.compile; nn/recorded-forward.ts): a call as
// the dispatches it made, their parameter blocks restored and their scratch kept, instead of its
// wrapper's JavaScript working them out again (a conv's geometry, path, prepared weights,
// parameter block and scratch: 16–23 µs a call right after a kernel has swept the caches, 0.45–0.6
// ms of ResNet-18's batch-1 forward). Only kernels whose work is all dispatches when they
// dispatch (DISPATCHED); others (direct calls, host fallbacks) are made again as they are.
import { makeCall, type KernelCall, type Kernels } from '../kernels.js';
import type { WasmHeap } from './memory.js';
import type { CapturedDispatch, ThreadPool } from './thread-pool.js';

// The kernels whose wrappers, when they dispatch at all, do nothing else to memory but write the
// parameter block once their prepared weights are current (which the call before the captured one
// makes them): a conv forward (conv-kernels.ts: a polyphase stem computes its phase kernels on the
// host while its weights are stale), max pooling, element-wise ops and gemm (whose host fallbacks
// do not dispatch: those calls are made again). Scratch then holds nothing from one call to the
// next, which lets the calls share it.
const DISPATCHED: ReadonlySet<keyof Kernels> = new Set(['convForward', 'maxPoolForward', 'unary', 'binary', 'gemm']);

// A call (holding its storages for the plan's lifetime), and its dispatches where they are its work.
interface Step {
  call: KernelCall;
  dispatches: CapturedDispatch[] | null;
}

interface Plan {
  threads: number;
  steps: Step[];
  scratch: [number, number][]; // [ptr, bytes] kept for it (tracked: freed with the plan)
}

/** A function making `calls` again; they are made now (DISPATCHED ones twice, the second captured). */
export function compileCalls(pool: ThreadPool, heap: WasmHeap, own: Kernels, calls: readonly KernelCall[]): () => void {
  let plan = capture(pool, heap, own, calls);
  return () => {
    // Dispatches are split for the threads they were captured with. Capturing makes the calls
    // too, but an in-place one twice: the replay after it computes the values.
    // The plan replaced gives its scratch back now: nothing else would ask for a collection, and
    // alternating thread counts had grown the memory by a plan's scratch per call, to its limit.
    if (plan.threads !== pool.numThreads) {
      heap.untrackAll(plan, plan.scratch);
      plan = capture(pool, heap, own, calls);
    }
    for (const { call, dispatches } of plan.steps) {
      if (dispatches) pool.replay(dispatches);
      else makeCall(call);
    }
  };
}

// The calls made once, DISPATCHED ones' dispatches captured. Their scratch stays allocated as
// long as the plan (the registry frees it after), shared from call to call as the free lists
// would share it, so one conv's scratch is still cached for the next: with each call's its own,
// ResNet-18's recorded forward gained 0.2–0.6 ms over model.forward's median, shared 1.0–1.4
// (BENCHMARKS.md, the eighteenth session).
function capture(pool: ThreadPool, heap: WasmHeap, own: Kernels, calls: readonly KernelCall[]): Plan {
  const plan: Plan = { threads: pool.numThreads, steps: [], scratch: [] };
  plan.scratch = heap.keepScratch(() => {
    for (const call of calls) {
      if (call.kernels !== own || !DISPATCHED.has(call.name)) {
        makeCall(call);
        plan.steps.push({ call, dispatches: null });
        continue;
      }
      makeCall(call);
      const dispatches = pool.capture(() => makeCall(call));
      plan.steps.push({ call, dispatches: dispatches.length > 0 ? dispatches : null });
    }
  });
  for (const [ptr, bytes] of plan.scratch) heap.track(plan, ptr, bytes);
  return plan;
}
