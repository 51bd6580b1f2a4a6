// `npm run bench` needs TensorFlow.js and onnxruntime-node as peers; they live in bench/'s own
// package so that striate's install stays small. Installed here on first use, from
// bench/package-lock.json.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench');
const peers = [['@tensorflow', 'tfjs-backend-wasm'], ['@tensorflow', 'tfjs-backend-webgpu'], ['onnxruntime-node']];
if (!peers.every((p) => existsSync(join(bench, 'node_modules', ...p, 'package.json')))) {
  console.log('bench: installing the TensorFlow.js and onnxruntime-node peers into bench/node_modules (once)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: bench, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
