// The browsers' Vite config: `npm run playground` (dev server) and `npm run build:web`, which
// builds the playground (static files in web/dist-playground/, relative URLs, so any static host
// or a subfolder serves them) and, with `--mode library`, the package bundle web/dist/striate.js
// (ESM, the .wasm kernels next to it). The playground has two pages: index.html and smoke.html
// (the browser check: one conv2d forward and backward on every backend the browser gives,
// compared with Node's by the tests).
//
// The engine is imported from the library's sources, so two duties fall to small plugins:
//  - Node built-ins (node:fs, node:os, ...) appear only on Node code paths; in the browser they
//    resolve to a stub module whose named exports exist but are undefined.
//  - The kernels are found with `new URL('../../../build/wasm/x.wasm', import.meta.url)`; in a
//    build that URL is rewritten to the chunk's own folder and build/wasm/*.wasm copied there.
// Both headers below make the page cross-origin isolated, which allows SharedArrayBuffer, so the
// engine's worker may run the WebAssembly kernels on several threads.
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const WEB = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(WEB);
const WASM_DIR = join(ROOT, 'build', 'wasm');
const ASSETS = 'assets';

/** The two headers that make a page cross-origin isolated (documented in README's Playground section). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Node's built-in module names, with or without the node: prefix. */
const NODE_BUILTIN = new RegExp(`^(node:.*|${builtinModules.map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`);
/** A quoted relative path ending in build/wasm/: '../../../build/wasm/' -> './'. */
const WASM_DIR_URL = /(['"`])(?:\.\.\/)+build\/wasm\//g;
const STUB = '\0node-stub:';
// Rolldown's notes that are expected here: see `worker` below; and its plugin timings, which on a
// busy machine report the machine, not the build.
const QUIET = { ineffectiveDynamicImport: false, pluginTimings: false };

function nodeStub(): Plugin {
  return {
    name: 'striate-node-builtins-stub',
    enforce: 'pre',
    resolveId: (id) => (NODE_BUILTIN.test(id) ? STUB + id : null),
    async load(id) {
      if (!id.startsWith(STUB)) return null;
      const name = id.slice(STUB.length);
      const real = (await import(name)) as Record<string, unknown>;
      const names = Object.keys(real).filter((k) => k !== 'default' && /^[A-Za-z_$][\w$]*$/.test(k));
      return `// ${name} is not available in browsers\nexport default {};\n${names.map((k) => `export const ${k} = undefined;`).join('\n')}\n`;
    },
  };
}

function wasmNextToChunk(): Plugin {
  return {
    name: 'striate-wasm-next-to-chunk',
    apply: 'build',
    transform(code, id) {
      if (!/[\\/]src[\\/]kernels[\\/]wasm[\\/]loader\.ts$/.test(id)) return null;
      return { code: code.replace(WASM_DIR_URL, '$1./'), map: null };
    },
  };
}

/** Copies build/wasm/*.wasm into `dir`, the folder of the chunk that loads them. */
function copyWasm(dir: string): Plugin {
  return {
    name: 'striate-copy-wasm',
    apply: 'build',
    closeBundle() {
      if (!existsSync(WASM_DIR)) throw new Error('build:web: build/wasm/ is missing; run `npm run build:wasm` first');
      mkdirSync(dir, { recursive: true });
      for (const f of readdirSync(WASM_DIR).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(WASM_DIR, f), join(dir, f));
    },
  };
}

/** The config, with the output folder as a parameter so tests can build into a temporary one. */
export function playgroundConfig(outDir = join(WEB, 'dist-playground')): UserConfig {
  return {
    root: WEB,
    base: './',
    publicDir: join(WEB, 'public'),
    logLevel: 'warn',
    plugins: [nodeStub(), wasmNextToChunk(), copyWasm(join(outDir, ASSETS))],
    // fit.ts imports io/files.ts lazily (Node checkpoints) while the package root imports it
    // eagerly; rolldown's note that the lazy import cannot split a chunk is expected here (in the
    // workers, and on the browser check's page, which runs the engine itself when not isolated).
    worker: { format: 'es', plugins: () => [nodeStub(), wasmNextToChunk()], rolldownOptions: { checks: QUIET } },
    server: { headers: ISOLATION_HEADERS, fs: { allow: [ROOT] } },
    preview: { headers: ISOLATION_HEADERS },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      assetsDir: ASSETS,
      rolldownOptions: { input: { index: join(WEB, 'index.html'), smoke: join(WEB, 'smoke.html') }, checks: QUIET },
      chunkSizeWarningLimit: 2000,
      // Unminified: the engine names layers and errors by class name (summary's 'Conv2d' column).
      minify: false,
    },
  };
}

/** The package for browsers: web/dist/striate.js (with its lazily loaded chunks) and the kernels. */
export function libraryConfig(outDir = join(WEB, 'dist')): UserConfig {
  return {
    root: WEB,
    publicDir: false,
    logLevel: 'warn',
    plugins: [nodeStub(), wasmNextToChunk(), copyWasm(outDir)],
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: true,
      minify: false,
      lib: { entry: join(ROOT, 'src', 'index.ts'), formats: ['es'], fileName: () => 'striate.js' },
      rolldownOptions: { checks: QUIET },
    },
  };
}

export default defineConfig(({ mode }) => (mode === 'library' ? libraryConfig() : playgroundConfig()));
