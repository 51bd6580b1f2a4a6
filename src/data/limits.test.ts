// The readers' protective limits: a gzip bomb is refused from its header (or stopped at the length
// it declares), a label implying an absurd class count is refused, and the limits can be raised.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FormatError, LimitError, getLimits, loadIdx, loadSignalCsv, parseSignalCsv, setLimits } from '../index.js';
import { encodeIdx } from './idx.js';
import { readIdxFile } from './node-datasets.js';

const dir = mkdtempSync(join(tmpdir(), 'striate-limits-'));

test('an IDX .gz whose header declares more than maxDecompressedBytes is refused before inflating', () => {
  // Header [2^20, 1024, 1024] uint8: 1 TiB declared; the stream itself is a few kilobytes.
  const header = new Uint8Array(16);
  const v = new DataView(header.buffer);
  header[2] = 0x08; header[3] = 3;
  v.setUint32(4, 2 ** 20); v.setUint32(8, 1024); v.setUint32(12, 1024);
  const path = join(dir, 'declared.gz');
  writeFileSync(path, gzipSync(Buffer.concat([header, new Uint8Array(1 << 20)])));
  assert.throws(() => readIdxFile(path), (e: Error) => e instanceof LimitError &&
    /IDX .*declared\.gz: the inflated size its header \[1048576, 1024, 1024\] declares: 1,099,511,627,792 exceeds the limit maxDecompressedBytes = 536,870,912; raise it with setLimits\(\{ maxDecompressedBytes: n \}\) or the environment variable STRIATE_MAX_DECOMPRESSED_BYTES=n/.test(e.message));
});

test('an IDX .gz that inflates past the length its header declares is stopped there', () => {
  // 10 labels declared, 64 MiB of zeros after them: the inflater stops one byte past the 18 declared.
  const path = join(dir, 'bomb.gz');
  writeFileSync(path, gzipSync(Buffer.concat([encodeIdx(new Uint8Array(10), [10]), new Uint8Array(64 << 20)])));
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => readIdxFile(path), (e: Error) => e instanceof FormatError &&
    /IDX .*bomb\.gz: inflates to more than the 18 bytes its header \[10\] declares/.test(e.message));
  assert.ok(process.memoryUsage().arrayBuffers - before < 32 << 20, 'the 64 MiB were never inflated whole');
  const ok = join(dir, 'labels.gz');
  writeFileSync(ok, gzipSync(encodeIdx(Uint8Array.of(1, 2, 3), [3])));
  assert.deepEqual(Array.from(readIdxFile(ok).data), [1, 2, 3]);
});

test('a label implying more than maxClasses classes is refused, naming the file and line', async () => {
  assert.throws(() => parseSignalCsv('0,1,2\n100000,3,4\n', 's.csv'), (e: Error) => e instanceof LimitError &&
    /CSV s\.csv: line 2: label 100000 implies 100001 classes: 100,001 exceeds the limit maxClasses = 4,096/.test(e.message));
  const path = join(dir, 's.csv');
  writeFileSync(path, '0,1,2\n100000,3,4\n');
  await assert.rejects(loadSignalCsv(path), LimitError);
  const images = join(dir, 'i.idx');
  const labels = join(dir, 'l.idx');
  writeFileSync(images, encodeIdx(new Uint8Array(4), [1, 2, 2]));
  writeFileSync(labels, encodeIdx(Uint8Array.of(3), [1]));
  const previous = setLimits({ maxClasses: 3 });
  try {
    await assert.rejects(loadIdx(images, labels), /label 0 \(3\) implies 4 classes: 4 exceeds the limit maxClasses = 3/);
    assert.equal(getLimits().maxClasses, 3);
  } finally {
    setLimits(previous);
  }
  assert.equal((await loadIdx(images, labels)).numClasses, 4);
  assert.throws(() => setLimits({ maxPixels: -1 }), /setLimits: maxPixels must be a positive integer, got -1/);
  assert.throws(() => setLimits({ maxPixel: 1 } as never), /setLimits: unknown limit 'maxPixel'/);
});
