import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fetchToCache, resolveFashionMnistDir, verifyChecksum } from './node-fashion-mnist.js';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('fetchToCache: downloads once, verifies, caches; bad checksum leaves no file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'striate-cache-'));
  const local = new Uint8Array(readFileSync(new URL('../../data/fashion-mnist-subset/t10k-labels-idx1-ubyte.gz', import.meta.url)));
  let calls = 0;
  const fetchBytes = async (url: string) => { calls++; assert.equal(url, 'http://x/labels.gz'); return local; };
  const dest = join(dir, 'c', 'labels.gz');
  await fetchToCache('http://x/labels.gz', dest, { md5: md5(local), sha256: sha256(local) }, fetchBytes);
  await fetchToCache('http://x/labels.gz', dest, { md5: md5(local) }, fetchBytes);
  assert.equal(calls, 1, 'second call served from the cache');
  assert.deepEqual(new Uint8Array(readFileSync(dest)), local);
  writeFileSync(dest, 'corrupt');
  await fetchToCache('http://x/labels.gz', dest, { md5: md5(local) }, fetchBytes);
  assert.equal(calls, 2, 'a corrupt cache entry is fetched again');

  const bad = join(dir, 'bad.gz');
  await assert.rejects(fetchToCache('http://x/labels.gz', bad, { md5: '0'.repeat(32) }, fetchBytes),
    /checksum: http:\/\/x\/labels\.gz has md5 [0-9a-f]{32}, expected 0{32}/);
  assert.ok(!existsSync(bad));
  assert.deepEqual(readdirSync(dir).sort(), ['c']);
  assert.throws(() => verifyChecksum(local, { sha256: 'ab' }, 'f'), /f has sha256/);
});

test('no network: the download fails with a clear message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'striate-cache-'));
  const offline = async (url: string): Promise<Uint8Array> => { throw new Error(`download: cannot reach ${url} (ENOTFOUND); no network?`); };
  await assert.rejects(fetchToCache('http://fashion-mnist.invalid/a.gz', join(dir, 'a.gz'), { md5: 'x' }, offline), /cannot reach .*no network/);
  await assert.rejects(resolveFashionMnistDir({ dataDir: dir }), /--data-dir .* must hold train-images-idx3-ubyte\.gz/);
});
