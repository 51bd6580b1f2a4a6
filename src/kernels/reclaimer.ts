// Giving dead tensors' memory back during a long synchronous loop. Storages are reclaimed by a
// FinalizationRegistry, whose callbacks normally run only when the event loop turns; and memory
// outside the JavaScript heap (WebAssembly blocks, GPU buffers) never makes V8 collect. The
// allocators therefore force a collection after allocating enough since the last one. A minor
// collection (gc({ type: 'minor' })) would cost less, but Node 20's scavenger keeps registered
// targets alive: cleanupSome after one finds nothing, even for objects that died young (tried).

/**
 * Synchronous reclamation hook (Node only): a full GC followed by FinalizationRegistry
 * cleanupSome, so that `release` has run for every storage found dead when collect() returns.
 */
export interface Reclaimer<T> {
  registry: FinalizationRegistry<T>;
  collect(): void;
}

/** Node: a GC + cleanupSome reclaimer from a fresh context (flags set before it is created). */
export async function nodeReclaimer<T>(release: (held: T) => void): Promise<Reclaimer<T> | null> {
  try {
    const v8 = await import('node:v8');
    const vm = await import('node:vm');
    v8.setFlagsFromString('--expose-gc');
    v8.setFlagsFromString('--harmony-weak-refs-with-cleanup-some');
    const ctx = vm.createContext({});
    const gc = vm.runInContext('gc', ctx) as () => void;
    const FR = vm.runInContext('FinalizationRegistry', ctx) as typeof FinalizationRegistry;
    const registry = new FR<T>(release) as FinalizationRegistry<T> & { cleanupSome?: (cb: (held: T) => void) => void };
    if (typeof gc !== 'function' || typeof registry.cleanupSome !== 'function') return null;
    // A collection posts this registry's cleanup as a task; one still queued when Node tears the
    // environment down runs where JavaScript may no longer run, and the process aborts with
    // "illegal access" (nodejs/node#47748; once in CI, after a test file's last test passed).
    // Drained at exit, the registry leaves that task nothing to call (test/backends/exit.test.ts
    // makes such a collection in an earlier 'exit' listener: it aborted without this).
    const { default: proc } = await import('node:process');
    proc.on('exit', () => registry.cleanupSome!(() => {}));
    return {
      registry,
      collect: () => {
        gc();
        registry.cleanupSome!(release);
      },
    };
  } catch {
    return null;
  }
}
