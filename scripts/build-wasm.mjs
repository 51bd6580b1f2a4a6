// Compiles the AssemblyScript kernels (src/kernels/wasm/assembly) into build/wasm/*.wasm with the
// asc from node_modules: no native toolchain, no download. Four variants, chosen at load time:
// relaxed SIMD (FMA) or plain SIMD, each with shared memory (threads) or without.
// Skips a variant whose output is newer than every source; --force rebuilds all.
import asc from 'assemblyscript/asc';
import { mkdirSync, readdirSync, renameSync, statSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'src/kernels/wasm/assembly');
const outDir = join(root, 'build/wasm');
const force = process.argv.includes('--force');
// --text DIR: each variant's text format into DIR instead (function names in index order, which the
// release binaries do not carry: bench/wasm-functions.ts names its profile from them); build/ untouched.
const textAt = process.argv.indexOf('--text');
const textDir = textAt >= 0 ? process.argv[textAt + 1] : null;
if (textAt >= 0 && (!textDir || textDir.startsWith('--'))) {
  console.error('build-wasm: --text needs a directory (node scripts/build-wasm.mjs --text DIR)');
  process.exit(2);
}

const common = [
  join(srcDir, 'index.ts'), '-O3', '--noAssert', '--runtime', 'stub', '--importMemory',
  '--initialMemory', '1', '--maximumMemory', '65536', '--use', 'abort=', '--enable', 'simd',
];
const variants = [
  { name: 'kernels-relaxed-mt', flags: ['--enable', 'relaxed-simd', '--enable', 'threads', '--sharedMemory'] },
  { name: 'kernels-simd-mt', flags: ['--enable', 'threads', '--sharedMemory'] },
  { name: 'kernels-relaxed', flags: ['--enable', 'relaxed-simd'] },
  { name: 'kernels-simd', flags: [] },
];

const newestSource = Math.max(
  statSync(join(srcDir, '../abi.ts')).mtimeMs, // shared with the TypeScript side
  ...readdirSync(srcDir).filter((f) => f.endsWith('.ts')).map((f) => statSync(join(srcDir, f)).mtimeMs),
  statSync(fileURLToPath(import.meta.url)).mtimeMs,
);
mkdirSync(textDir ?? outDir, { recursive: true });
for (const v of variants) {
  if (textDir) {
    const { error, stderr } = await asc.main([...common, ...v.flags, '--textFile', join(textDir, `${v.name}.wat`)]);
    if (error) {
      console.error(`build-wasm: ${v.name} (text) failed: ${error.message}\n${stderr.toString()}`);
      process.exit(1);
    }
    continue;
  }
  const out = join(outDir, `${v.name}.wasm`);
  if (!force && existsSync(out) && statSync(out).mtimeMs > newestSource) continue;
  // Written beside the target and renamed: a test process loading the module meanwhile sees
  // either the old file or the new one, never half of one.
  const tmp = `${out}.${process.pid}.tmp`;
  const { error, stderr } = await asc.main([...common, ...v.flags, '--outFile', tmp]);
  if (error) {
    console.error(`build-wasm: ${v.name} failed: ${error.message}\n${stderr.toString()}`);
    process.exit(1);
  }
  renameSync(tmp, out);
  console.log(`build-wasm: ${out}`);
}
