// Feature detection and loading of the compiled kernels. Node-only modules are imported
// dynamically so that the engine also loads in browsers (which fetch the .wasm next to the
// package instead).

const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

// (module (func (result v128) (i32x4.splat (i32.const 0))))
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 17, 11,
]);
// (module (func (result v128) (f32x4.relaxed_madd (splat 0) (splat 0) (splat 0))))
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 19, 1, 17, 0,
  65, 0, 253, 17, 65, 0, 253, 17, 65, 0, 253, 17, 253, 133, 2, 11,
]);

export interface Features {
  simd: boolean;
  relaxed: boolean;
  threads: boolean; // shared WebAssembly memory and a way to block (Atomics.wait) on this thread
}

/** Enables relaxed SIMD in Node 20 (on by default from Node 22); workers inherit the flag. */
async function enableNodeFlags(): Promise<void> {
  if (!isNode) return;
  try {
    const v8 = await import('node:v8');
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // Without the flag the relaxed probe fails and the plain SIMD build is used.
  }
}

export async function detectFeatures(): Promise<Features> {
  await enableNodeFlags();
  const simd = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  const relaxed = simd && WebAssembly.validate(RELAXED_PROBE);
  let threads = false;
  try {
    const g = globalThis as { crossOriginIsolated?: boolean; document?: unknown };
    const isolated = isNode || g.crossOriginIsolated === true;
    // A browser's main thread may not Atomics.wait: threads only when the engine runs in a worker.
    const canBlock = isNode || g.document === undefined;
    if (typeof SharedArrayBuffer === 'function' && isolated && canBlock) {
      const m = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
      threads = m.buffer instanceof SharedArrayBuffer;
    }
  } catch {
    threads = false;
  }
  return { simd, relaxed, threads };
}

export function variantName(f: Features): string {
  return `kernels-${f.relaxed ? 'relaxed' : 'simd'}${f.threads ? '-mt' : ''}`;
}

// From src/kernels/wasm/ (tsx) or dist/kernels/wasm/ (compiled), both three levels below the
// package root.
const WASM_DIR = '../../../build/wasm/';

/** The compiled module of the given variant, or an Error naming the file and the fix. */
export async function loadModule(name: string): Promise<WebAssembly.Module> {
  const url = new URL(`${WASM_DIR}${name}.wasm`, import.meta.url);
  let bytes: ArrayBuffer | Uint8Array;
  try {
    if (isNode) {
      const fs = await import('node:fs/promises');
      bytes = await fs.readFile(url);
    } else {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      bytes = await res.arrayBuffer();
    }
  } catch (e) {
    throw new Error(`could not read ${url.href} (${(e as Error).message}); run \`npm run build:wasm\``);
  }
  return WebAssembly.compile(bytes as BufferSource);
}

export { isNode };
