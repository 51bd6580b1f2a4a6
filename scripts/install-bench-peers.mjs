// `npm run bench` needs TensorFlow.js as a peer; it lives in bench/'s own package so that
// striate's install stays small. Installed here on first use, from bench/package-lock.json.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench');
if (!existsSync(join(bench, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'package.json'))) {
  console.log('bench: installing the TensorFlow.js peers into bench/node_modules (once)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: bench, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
