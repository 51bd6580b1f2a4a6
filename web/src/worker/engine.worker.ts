// The engine's Web Worker: the page never computes, so it never freezes. Importing the package
// installs the fastest backend (WebAssembly SIMD, threaded when the page is cross-origin isolated)
// with a top-level await; the listener is set before that import starts, because messages that
// arrive while a worker's module graph is still evaluating would find no listener and be lost.
import type { Emit, Reply, Request } from './handlers.js';

const port = self as unknown as { postMessage(m: Reply): void; onmessage: ((e: MessageEvent<Request>) => void) | null };
const emit: Emit = (event, data) => port.postMessage({ event, data });
const loaded = import('./handlers.js');

port.onmessage = async (e) => {
  const { id, op, arg } = e.data;
  try {
    const handler = (await loaded).handlers[op] as (a: unknown, emit: Emit) => unknown;
    port.postMessage({ id, result: await handler(arg, emit) });
  } catch (err) {
    port.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
