// What the browser tests share: a static server with or without the cross-origin isolation
// headers, and Debian's chromium driven by playwright-core with a fresh profile.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type BrowserContext } from 'playwright-core';
import { ISOLATION_HEADERS } from '../../web/vite.config.js';

export const CHROMIUM = '/usr/bin/chromium';
/** A skip reason when chromium is missing, else false. */
export const NO_CHROMIUM: string | false = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium; CI installs .ci/apt-packages)`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.gz': 'application/gzip',
};

/** Resolves to undefined after `ms`, so a hung close cannot hold a test. */
export const within = <T>(p: Promise<T>, ms: number) => Promise.race([p.catch(() => undefined), sleep(ms, undefined, { ref: false })]);

export interface StaticServer { url: string; close(): Promise<void> }

/** Serves `root` read-only on 127.0.0.1; with `isolate`, COOP/COEP make its pages cross-origin isolated. */
export async function serveStatic(root: string, { isolate = true } = {}): Promise<StaticServer> {
  const base = root.endsWith(sep) ? root : root + sep;
  const server: Server = createServer((req, res) => {
    let path = normalize(join(base, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (path.endsWith(sep)) path = join(path, 'index.html');
    const ok = path.startsWith(base) && existsSync(path) && statSync(path).isFile();
    if (isolate) for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
    res.setHeader('Cache-Control', 'no-store');
    if (!ok || req.method !== 'GET') {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      server.closeAllConnections();
      await within(new Promise((r) => server.close(r)), 5_000);
    },
  };
}

export interface Browser { context: BrowserContext; close(): Promise<void> }

/**
 * Headless chromium with a new empty profile, removed again on close. With `webgpu`, pages get a
 * WebGPU adapter: without a GPU, Debian's chromium gives SwiftShader's (Vulkan on the CPU) once
 * --enable-unsafe-webgpu allows such a fallback adapter; without the flag requestAdapter() gives null.
 */
export async function launchChromium({ webgpu = false } = {}): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'striate-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      timeout: 60_000,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', ...(webgpu ? ['--enable-unsafe-webgpu'] : [])],
    });
    return {
      context,
      close: async () => {
        await within(context.close(), 15_000);
        rmSync(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw e;
  }
}
