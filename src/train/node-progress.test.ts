import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { nodeReporter } from './node-progress.js';
import type { EpochLog } from './progress.js';

function fakeStream(isTTY: boolean) {
  let text = '';
  const s = new Writable({ write(chunk, _enc, cb) { text += String(chunk); cb(); } }) as unknown as NodeJS.WriteStream;
  Object.assign(s, { isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { s, text: () => text };
}

const log: EpochLog = { epoch: 1, trainLoss: 0.5, trainAccuracy: 0.8, valLoss: 0.6, valAccuracy: 0.75, lr: 0.01,
  iterations: 4, seconds: 2, imagesPerSecond: 64, best: true };
const step = (i: number) => ({ epoch: 1, epochs: 2, step: i, steps: 4, loss: 0.5, accuracy: 0.8, imagesPerSecond: 64, lr: 0.01, seconds: i });

test('progress: a terminal gets a live bar, a pipe gets plain lines, none gets nothing', async () => {
  assert.equal(nodeReporter('none'), null);
  const pipe = fakeStream(false);
  const lines = nodeReporter('auto', 2, pipe.s)!;
  lines.epochStart(1, 2, 4);
  for (let i = 1; i <= 4; i++) lines.step(step(i));
  lines.epochEnd(log);
  assert.deepEqual(pipe.text().trim().split('\n').map((l) => l.slice(0, 24)),
    ['epoch 1/2 step 2/4 · los', 'epoch 1/2 step 4/4 · los', 'epoch 1/2 · loss 0.5000 ']);
  const tty = fakeStream(true);
  const bar = nodeReporter('auto', undefined, tty.s)!;
  bar.epochStart(1, 2, 4);
  bar.step(step(2));
  bar.epochEnd(log);
  bar.close();
  assert.match(tty.text(), /epoch 1\/2 .* 2\/4 · loss 0\.5000 acc 80\.0% · 64 img\/s · ETA/);
  assert.match(tty.text(), /epoch 1\/2 · loss 0\.5000 acc 80\.00% · val loss 0\.6000 acc 75\.00% · lr 0\.0100 · 2\.0s 64 img\/s · best\n/);
});
