#!/usr/bin/env node
// The `striate` command. In a clone (src/ present) it runs the TypeScript CLI through tsx's API,
// so an edit needs no rebuild; an installed package (no src/, no tsx) runs the compiled dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const source = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

let cli;
if (existsSync(source)) {
  const { tsImport } = await import('tsx/esm/api');
  cli = await tsImport(pathToFileURL(source).href, import.meta.url);
} else if (existsSync(compiled)) {
  cli = await import(pathToFileURL(compiled).href);
} else {
  process.stderr.write('striate: neither src/cli/main.ts nor dist/cli/main.js found; run `npm ci` (which builds dist/ too)\n');
  process.exit(1);
}
// Exit explicitly: a backend may keep worker threads alive. (Writes to pipes are synchronous on Linux.)
process.exit(await cli.run(process.argv.slice(2)));
