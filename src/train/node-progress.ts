// Node-only progress: a live cli-progress bar per epoch in a terminal, plain lines otherwise,
// and the JSON-lines epoch log.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import cliProgress from 'cli-progress';
import { formatEpoch, lineReporter, type EpochLog, type ProgressReporter } from './progress.js';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

/** A bar per epoch: step, loss, accuracy, images/s and ETA, redrawn in place. */
function barReporter(stream: NodeJS.WriteStream): ProgressReporter {
  let bar: cliProgress.SingleBar | null = null;
  let epochs = 0;
  const stop = () => { bar?.stop(); bar = null; };
  return {
    epochStart(epoch, total, steps) {
      epochs = total;
      bar = new cliProgress.SingleBar({
        format: `epoch ${epoch}/${total} {bar} {value}/{total} · loss {loss} acc {acc} · {ips} img/s · ETA {eta_formatted}`,
        stream, hideCursor: true, clearOnComplete: true, barsize: 24, etaBuffer: 20,
      }, cliProgress.Presets.shades_classic);
      bar.start(steps, 0, { loss: '—', acc: '—', ips: 0 });
    },
    step(s) {
      bar?.update(s.step, { loss: s.loss.toFixed(4), acc: `${(100 * s.accuracy).toFixed(1)}%`, ips: Math.round(s.imagesPerSecond) });
    },
    epochEnd(log) {
      stop();
      stream.write(formatEpoch(log, epochs) + '\n');
    },
    note(m) { stop(); stream.write(m + '\n'); },
    close() { stop(); },
  };
}

/** The reporter for a mode: 'auto' is a bar in a TTY, lines otherwise. */
export function nodeReporter(mode: ProgressMode, every?: number, stream: NodeJS.WriteStream = process.stdout): ProgressReporter | null {
  if (mode === 'none') return null;
  if (mode === 'bar' || (mode === 'auto' && stream.isTTY)) return barReporter(stream);
  return lineReporter((line) => { stream.write(line + '\n'); }, every === undefined ? {} : { every });
}

/** Starts a fresh JSON-lines file and returns a function appending one epoch per line. */
export function jsonLinesLog(path: string): (log: EpochLog) => void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '');
  return (log) => appendFileSync(path, JSON.stringify(log) + '\n');
}
