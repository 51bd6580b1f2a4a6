// The page's side of the engine worker: typed calls that resolve with the worker's answer (or
// reject with its error message) and listeners for the events it sends while training.
import type { Arg, Op, Reply, Result } from './worker/handlers.js';

export class Engine {
  private readonly worker = new Worker(new URL('./worker/engine.worker.ts', import.meta.url), { type: 'module' });
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly listeners = new Map<string, Set<(data: unknown) => void>>();
  private nextId = 1;

  constructor(onFatal: (message: string) => void) {
    this.worker.onmessage = (e: MessageEvent<Reply>) => {
      const m = e.data;
      if ('event' in m) {
        for (const fn of this.listeners.get(m.event) ?? []) fn(m.data);
        return;
      }
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if ('error' in m) p?.reject(new Error(m.error));
      else p?.resolve(m.result);
    };
    this.worker.onerror = (e) => {
      const message = `the engine worker failed: ${e.message || 'its module did not load'}`;
      for (const p of this.pending.values()) p.reject(new Error(message));
      this.pending.clear();
      onFatal(message);
    };
  }

  call<K extends Op>(op: K, ...arg: Arg<K> extends void ? [] : [Arg<K>]): Promise<Result<K>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, op, arg: arg[0] });
    });
  }

  on(event: string, fn: (data: unknown) => void): () => void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(fn);
    return () => this.listeners.get(event)!.delete(fn);
  }
}
