// Makes @tensorflow/tfjs-backend-wasm run its threaded SIMD build under Node.js.
// tfjs turns threads off under Node (WASM_HAS_MULTITHREAD_SUPPORT is false there), and even when
// forced on, its Emscripten glue starts pthreads from Blob URLs, which Node's worker_threads
// cannot load. So, in this dedicated benchmark process only:
//  1. the flag is forced on;
//  2. `Blob` and `URL.createObjectURL` are replaced so that each blob is written to a file in a
//     temporary directory and its "URL" is that path (the worker script gets a prelude that
//     resolves the main-script blob it receives the same way, plus the bundle-local names
//     `require$$N`/`commonjsGlobal` the serialised factory refers to);
//  3. os.cpus() reports twice the wanted thread count, because tfjs-backend-wasm caps XNNPACK's
//     pool at half the logical cores (it assumes two hyper-threads per core).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';

const require = createRequire(import.meta.url);

interface WasmBackendModule {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

// What the bundle's serialised factory expects to find in scope when a worker evaluates it.
const MAIN_PRELUDE =
  "var require$$0=require('fs'),require$$1=require('path'),require$$3=require('perf_hooks'),require$$4=require('os'),commonjsGlobal=globalThis;\n";
// In the worker, the main-script "blob" arrives as a plain object carrying its file path.
const WORKER_PRELUDE = 'URL.createObjectURL=(b)=>b.__path;URL.revokeObjectURL=()=>{};\n';

function installFileBlobs(): void {
  const dir = mkdtempSync(join(tmpdir(), 'striate-bench-tfjs-wasm-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  let count = 0;
  class FileBlob {
    readonly __path: string;
    constructor(parts: unknown[]) {
      const text = parts.map(String).join('');
      const isWorker = text.includes('var Module={}');
      this.__path = join(dir, `blob-${count++}.cjs`);
      writeFileSync(this.__path, (isWorker ? WORKER_PRELUDE : MAIN_PRELUDE) + text);
    }
  }
  const createObjectURL = URL.createObjectURL.bind(URL);
  (globalThis as { Blob: unknown }).Blob = FileBlob;
  URL.createObjectURL = ((b: unknown) => (b instanceof FileBlob ? b.__path : createObjectURL(b as Blob))) as typeof URL.createObjectURL;
}

/**
 * Initialises tfjs' wasm backend with `threads` XNNPACK threads (1 = the unthreaded SIMD build)
 * and returns the thread count the backend reports.
 * @example const n = await initTfjsWasm(tf, 2); // 2 once the workaround works
 */
export async function initTfjsWasm(tf: typeof TF, threads: number): Promise<number> {
  const wasm = require('@tensorflow/tfjs-backend-wasm') as WasmBackendModule;
  if (threads > 1) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    installFileBlobs();
    const os = require('node:os') as { cpus: () => unknown[] };
    const cpus = os.cpus.bind(os);
    os.cpus = () => {
      const real = cpus();
      return Array.from({ length: Math.max(real.length, 2 * threads) }, (_, i) => real[i % real.length]);
    };
  }
  wasm.setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-wasm: tf.setBackend("wasm") failed');
  await tf.ready();
  return wasm.getThreadsCount();
}
