// The published package as a new user gets it: `npm pack` (of the build `npm test` just made),
// installed into an empty project, used from ESM, from CommonJS, through `npx striate`, and from
// TypeScript under strict.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const app = mkdtempSync(join(tmpdir(), 'striate-app-'));
const env = { ...process.env, STRIATE_BACKEND: undefined, FORCE_COLOR: '0' };

function sh(cmd: string, args: string[], opts: SpawnSyncOptions = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd: app, env, encoding: 'utf8', timeout: 180_000, ...opts });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

let files: string[] = [];

before(() => {
  assert.ok(existsSync(join(ROOT, 'dist', 'index.js')), 'dist/ is missing: run `npm run build` (npm test does)');
  // --ignore-scripts: pack the build npm test made, rather than rebuild dist/ under the other tests' feet.
  const pack = sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', app], { cwd: ROOT });
  assert.equal(pack.status, 0, pack.stderr);
  const info = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  files = info[0]!.files.map((f) => f.path);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'striate-user', version: '1.0.0', private: true }));
  // Dependencies come from npm's cache, filled by the `npm ci` that set this repository up.
  const install = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(app, info[0]!.filename)]);
  assert.equal(install.status, 0, install.stderr);
});

test('the tarball holds the compiled library, its types, the .wasm kernels, the data and the CLI; no tests, no sources', () => {
  for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/image/index.js', 'dist/cli/main.js', 'bin/striate.mjs', 'bin/esm-only.cjs',
    'build/wasm/kernels-relaxed-mt.wasm', 'build/wasm/kernels-simd.wasm', 'data/fashion-mnist-subset/t10k-images-idx3-ubyte.gz']) {
    assert.ok(files.includes(f), `${f} is missing from the package`);
  }
  assert.deepEqual(files.filter((f) => /\.test\.|^src\/|^test\/|^bench\/|^scripts\//.test(f)), []);
});

test('ESM: the README example computes on the WebAssembly backend; striate/image is there', () => {
  writeFileSync(join(app, 'esm.mjs'), `
import { tensor, F, describeBackend } from 'striate';
import { IMAGE_KERNELS, filterImage, imageToInput } from 'striate/image';
const x = tensor([3, 3, 2, 1, 0, 0, 0, 1, 3, 1, 3, 1, 2, 2, 3, 2, 0, 0, 2, 2, 2, 0, 0, 0, 1], [1, 1, 5, 5]);
const k = tensor([0, 1, 2, 2, 2, 0, 0, 1, 2], [1, 1, 3, 3]);
const img = { width: 4, height: 4, channels: 1, pixels: new Uint8Array(16).fill(100) };
console.log(JSON.stringify({ y: Array.from(F.conv2d(x, k).toArray()), backend: describeBackend(),
  filtered: filterImage(img, IMAGE_KERNELS.identity.kernel).pixels[5], input: imageToInput(img, { channels: 3, height: 8, width: 8 }).shape }));
`);
  const r = sh(process.execPath, ['esm.mjs']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { y: number[]; backend: string; filtered: number; input: number[] };
  assert.deepEqual(out.y, [12, 12, 17, 10, 17, 19, 9, 6, 14]);
  assert.match(out.backend, /^wasm/);
  assert.equal(out.filtered, 100);
  assert.deepEqual(out.input, [1, 3, 8, 8]);
  assert.equal(r.stderr, '');
});

test('CommonJS: await import() works; require() says the package is ESM-only and what to write', () => {
  writeFileSync(join(app, 'cjs.cjs'), `
try { require('striate'); } catch (e) { console.log('require: ' + e.message); }
(async () => {
  const { models, summary } = await import('striate');
  console.log('params: ' + summary(models.lenet5(), [1, 1, 28, 28], { print: false }).totalParams);
})();
`);
  const r = sh(process.execPath, ['cjs.cjs']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /require: striate is ESM-only: from CommonJS use `const striate = await import\('striate'\);`/);
  assert.match(r.stdout, /params: 61706/);
});

test('npx striate runs the compiled CLI (no tsx in the package)', () => {
  const help = sh('npx', ['--no-install', 'striate', '--help']);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /Usage: striate/);
  const explain = sh('npx', ['--no-install', 'striate', 'explain', 'conv']);
  assert.equal(explain.status, 0, explain.stderr);
  assert.match(explain.stdout, /r = \(q − k \+ 2p\)\/s \+ 1 = \(5 − 3 \+ 2·0\)\/1 \+ 1 = 3/);
});

test('TypeScript under strict resolves the types of both entry points, and they are real types', () => {
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: true, types: [] },
    files: ['ok.mts'],
  }));
  writeFileSync(join(app, 'ok.mts'), `
import { tensor, F, models, type Tensor } from 'striate';
import { IMAGE_KERNELS, type Kernel2d } from 'striate/image';
const y: Tensor = F.relu(tensor([1, -1], [2]));
const k: Kernel2d = IMAGE_KERNELS.edge!.kernel;
const n: number = models.lenet5().parameters().length + y.numel() + k.length;
export { n };
`);
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const ok = sh(process.execPath, [tsc, '-p', 'tsconfig.json']);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  // A wrong call must fail to compile: the declarations are not `any`.
  writeFileSync(join(app, 'ok.mts'), `import { F } from 'striate';\nF.conv2d('not a tensor', 3);\n`);
  const bad = sh(process.execPath, [tsc, '-p', 'tsconfig.json']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stdout, /not assignable to parameter of type 'Tensor'/);
});
