// Numeric CSV for 1D signals: one sample per row, the label in one column (first by default),
// the remaining columns the signal's values. Pure text parsing; file access in node-datasets.ts.
import { FormatError } from '../tensor/errors.js';
import { checkLimit } from '../tensor/limits.js';
import { ArrayDataset } from './dataset.js';

export interface CsvOptions {
  /** Column holding the class index; negative counts from the end. Default 0. */
  labelColumn?: number;
  /** Skip the first line. Default: skipped when it is not numeric. */
  header?: boolean;
  delimiter?: string;
  /** Channels per sample: each row's values are split into [channels, length]. Default 1. */
  channels?: number;
  classNames?: readonly string[];
}

/**
 * Parses numeric CSV text into a dataset of [channels, length] signals.
 * @example const ds = parseSignalCsv('0,0.1,0.2\n1,0.3,0.4\n', 'signals.csv'); // 2 samples of [1, 2]
 */
export function parseSignalCsv(text: string, name: string, opts: CsvOptions = {}): ArrayDataset {
  const delim = opts.delimiter ?? ',';
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const rows: { line: number; cells: string[] }[] = [];
  lines.forEach((l, i) => { if (l !== '') rows.push({ line: i + 1, cells: l.split(delim).map((c) => c.trim()) }); });
  if (rows.length === 0) throw new FormatError(name, `CSV ${name}: no rows`);
  const firstNumeric = rows[0]!.cells.every((c) => c !== '' && Number.isFinite(Number(c)));
  if (opts.header ?? !firstNumeric) rows.shift();
  if (rows.length === 0) throw new FormatError(name, `CSV ${name}: only a header, no data rows`);
  const width = rows[0]!.cells.length;
  if (width < 2) throw new FormatError(name, `CSV ${name}: rows need a label and at least one value, line ${rows[0]!.line} has ${width} column`);
  const labelCol = opts.labelColumn ?? 0;
  const lc = labelCol < 0 ? width + labelCol : labelCol;
  if (lc < 0 || lc >= width) throw new FormatError(name, `CSV ${name}: label column ${labelCol} outside the ${width} columns`);
  const channels = opts.channels ?? 1;
  const values = width - 1;
  if (values % channels !== 0) throw new FormatError(name, `CSV ${name}: ${values} values per row do not split into ${channels} channels`);
  const data = new Float32Array(rows.length * values);
  const labels = new Int32Array(rows.length);
  rows.forEach(({ line, cells }, r) => {
    if (cells.length !== width) throw new FormatError(name, `CSV ${name}: line ${line} has ${cells.length} columns, expected ${width}`);
    let k = r * values;
    cells.forEach((c, j) => {
      const v = Number(c);
      if (c === '' || !Number.isFinite(v)) throw new FormatError(name, `CSV ${name}: line ${line}, column ${j + 1}: '${c}' is not a number`);
      if (j === lc) {
        if (!Number.isInteger(v) || v < 0) throw new FormatError(name, `CSV ${name}: line ${line}: label '${c}' is not a class index`);
        checkLimit('maxClasses', v + 1, `CSV ${name}: line ${line}: label ${c} implies ${v + 1} classes`);
        labels[r] = v;
      } else data[k++] = v;
    });
  });
  let max = 0;
  for (const y of labels) max = Math.max(max, y);
  const numClasses = opts.classNames?.length ?? max + 1;
  if (max >= numClasses) throw new FormatError(name, `CSV ${name}: label ${max} is outside the ${numClasses} class names given`);
  return new ArrayDataset(data, [channels, values / channels], labels, numClasses, opts.classNames, name);
}
