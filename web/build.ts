// `npm run build:web`: bundles the package for browsers into web/dist/ (ESM, one file plus the
// smoke-test case) with esbuild's JavaScript API, and copies the compiled kernels
// (build/wasm/*.wasm, when `npm run build:wasm` has produced them) next to the bundle.
//
// Two bundler duties, both done by small plugins:
//  - Node built-ins (node:fs, node:worker_threads, ...) are only used on Node code paths; in the
//    bundle they resolve to an empty stub module instead of failing the build.
//  - Assets the engine finds with `new URL('../../../build/wasm/x.wasm', import.meta.url)` move
//    next to the bundle, so such relative URLs are rewritten to './x.wasm' (what Vite and webpack
//    do for `new URL(..., import.meta.url)` assets).
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(WEB);

export interface WebBuild {
  outDir: string;
  /** The package bundle, web/dist/striate.js. */
  bundle: string;
  /** The .wasm files copied next to it (empty when build/wasm/ has none). */
  wasmFiles: string[];
  /** Source files whose build/wasm/ URLs were rewritten. */
  rewritten: string[];
}

/** Node's built-in module names, with or without the node: prefix (the playground's Vite config uses it too). */
export const NODE_BUILTIN = new RegExp(`^(node:.*|${builtinModules.map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`);
/** A quoted relative path ending in build/wasm/: '../../../build/wasm/' -> './' (shared with web/vite.config.ts). */
export const WASM_DIR_URL = /(['"`])(?:\.\.\/)+build\/wasm\//g;

function plugins(rewritten: string[]): esbuild.Plugin[] {
  const nodeStub: esbuild.Plugin = {
    name: 'node-builtins-stub',
    setup(build) {
      build.onResolve({ filter: NODE_BUILTIN }, (args) => ({ path: args.path, namespace: 'node-stub' }));
      // CommonJS, so that any named import compiles; using one in a browser fails loudly.
      build.onLoad({ filter: /.*/, namespace: 'node-stub' }, (args) => ({
        contents: `module.exports = {}; // ${args.path} is not available in browsers`,
        loader: 'js',
      }));
    },
  };
  const wasmUrls: esbuild.Plugin = {
    name: 'wasm-asset-urls',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!WASM_DIR_URL.test(text)) return undefined;
        WASM_DIR_URL.lastIndex = 0;
        rewritten.push(relative(ROOT, args.path));
        return { contents: text.replace(WASM_DIR_URL, '$1./'), loader: 'ts' };
      });
    },
  };
  return [nodeStub, wasmUrls];
}

/**
 * Builds web/dist/ and returns what it wrote.
 * @example const { bundle, wasmFiles } = await buildWeb(); // bundle = '.../web/dist/striate.js'
 */
export async function buildWeb(opts: { outDir?: string } = {}): Promise<WebBuild> {
  const outDir = opts.outDir ?? join(WEB, 'dist');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const rewritten: string[] = [];
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { striate: join(ROOT, 'src/index.ts'), 'smoke-case': join(WEB, 'smoke-case.ts') },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'error',
    plugins: plugins(rewritten),
  });
  const wasmDir = join(ROOT, 'build', 'wasm');
  const wasmFiles: string[] = [];
  if (existsSync(wasmDir)) {
    for (const f of readdirSync(wasmDir).filter((n) => n.endsWith('.wasm'))) {
      copyFileSync(join(wasmDir, f), join(outDir, f));
      wasmFiles.push(f);
    }
  }
  return { outDir, bundle: join(outDir, 'striate.js'), wasmFiles, rewritten };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await buildWeb();
  console.log(`build:web: ${relative(ROOT, r.bundle)}; wasm next to it: ${r.wasmFiles.join(', ') || 'none (run npm run build:wasm)'}`);
  if (r.rewritten.length) console.log(`build:web: build/wasm/ URLs made bundle-relative in ${r.rewritten.join(', ')}`);
}
