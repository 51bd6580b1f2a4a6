#!/usr/bin/env node
// The `striate` command. In a clone (src/ present) it runs the TypeScript CLI directly through
// tsx's API, so `npm ci` is the only setup; an installed package (no src/) runs the compiled
// dist/ from `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const source = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const compiled = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));

let cli;
if (existsSync(source)) {
  const { tsImport } = await import('tsx/esm/api');
  cli = await tsImport(pathToFileURL(source).href, import.meta.url);
} else if (existsSync(compiled)) {
  cli = await import(pathToFileURL(compiled).href);
} else {
  process.stderr.write('striate: neither src/cli/main.ts nor dist/src/cli/main.js found; run `npm ci` (and `npm run build` for dist)\n');
  process.exit(1);
}
// Exit explicitly: a backend may keep worker threads alive. (Writes to pipes are synchronous on Linux.)
process.exit(await cli.run(process.argv.slice(2)));
