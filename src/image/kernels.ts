// The classic image kernels of the lecture, plus Sobel, and reading a custom kernel from a file.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { FormatError } from '../tensor/errors.js';

/** A 2D kernel: rows of equal length, applied as cross-correlation (like every CNN's conv). */
export type Kernel2d = number[][];

const scaled = (k: Kernel2d, s: number): Kernel2d => k.map((row) => row.map((v) => v * s));
const binomial5 = [1, 4, 6, 4, 1];

/** The named kernels `striate filter` knows, with a line describing each. */
export const IMAGE_KERNELS: Readonly<Record<string, { kernel: Kernel2d; description: string }>> = {
  identity: { kernel: [[0, 0, 0], [0, 1, 0], [0, 0, 0]], description: 'leaves the image unchanged' },
  ridge: { kernel: [[0, -1, 0], [-1, 4, -1], [0, -1, 0]], description: 'ridge/edge detector, 4-neighbour Laplacian' },
  edge: { kernel: [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], description: 'ridge/edge detector, 8-neighbour Laplacian' },
  sharpen: { kernel: [[0, -1, 0], [-1, 5, -1], [0, -1, 0]], description: 'identity plus the 4-neighbour Laplacian' },
  'box-blur': { kernel: scaled([[1, 1, 1], [1, 1, 1], [1, 1, 1]], 1 / 9), description: 'mean of the 3×3 neighbourhood (1/9 · ones)' },
  'gaussian-3': { kernel: scaled([[1, 2, 1], [2, 4, 2], [1, 2, 1]], 1 / 16), description: 'Gaussian blur 3×3 (1/16 · [1 2 1]ᵀ[1 2 1])' },
  'gaussian-5': {
    kernel: scaled(binomial5.map((a) => binomial5.map((b) => a * b)), 1 / 256),
    description: 'Gaussian blur 5×5 (1/256 · [1 4 6 4 1]ᵀ[1 4 6 4 1])',
  },
  'sobel-x': { kernel: [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], description: 'horizontal gradient (responds to vertical edges)' },
  'sobel-y': { kernel: [[-1, -2, -1], [0, 0, 0], [1, 2, 1]], description: 'vertical gradient (responds to horizontal edges)' },
};

/** Throws unless `k` is a non-empty rectangle of finite numbers; `source` labels the error. */
export function checkKernel(k: unknown, source: string): Kernel2d {
  if (!Array.isArray(k) || k.length === 0 || !k.every((r) => Array.isArray(r))) {
    throw new FormatError(source, `kernel from ${source}: expected a non-empty 2D array of numbers (rows of equal length)`);
  }
  const rows = k as unknown[][];
  const width = rows[0]!.length;
  rows.forEach((r, i) => {
    if (r.length !== width || width === 0) {
      throw new FormatError(source, `kernel from ${source}: row ${i} has ${r.length} values, row 0 has ${width}; rows must have equal, non-zero length`);
    }
    r.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new FormatError(source, `kernel from ${source}: entry [${i}][${j}] is ${JSON.stringify(v)}, expected a finite number`);
      }
    });
  });
  return rows as Kernel2d;
}

/**
 * Parses a kernel from text: JSON (`[[0,-1,0],[-1,5,-1],[0,-1,0]]`, or `{"kernel": [...], "scale": s}`)
 * or CSV (one row per line, values separated by commas, semicolons or whitespace; `#` comments).
 * @example parseKernel('1,2,1\n2,4,2\n1,2,1', 'blur.csv')
 */
export function parseKernel(text: string, source: string, format: 'json' | 'csv' | 'auto' = 'auto'): Kernel2d {
  const trimmed = text.trim();
  const asJson = format === 'json' || (format === 'auto' && (trimmed.startsWith('[') || trimmed.startsWith('{')));
  if (asJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (e) {
      throw new FormatError(source, `kernel from ${source}: invalid JSON (${(e as Error).message})`);
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const obj = parsed as { kernel?: unknown; scale?: unknown };
      const k = checkKernel(obj.kernel, source);
      const s = obj.scale ?? 1;
      if (typeof s !== 'number' || !Number.isFinite(s)) throw new FormatError(source, `kernel from ${source}: "scale" must be a number, got ${JSON.stringify(s)}`);
      return scaled(k, s);
    }
    return checkKernel(parsed, source);
  }
  const rows = trimmed
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line.length > 0)
    .map((line) => line.split(/[\s,;]+/).filter((v) => v.length > 0).map((v) => (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v) ? Number(v) : v)));
  return checkKernel(rows, source);
}

/** Reads a kernel file (.json or .csv/.txt); errors name the path. */
export function readKernelFile(path: string): Kernel2d {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `kernel file not found: ${path}` : `cannot read kernel file ${path} (${code ?? (e as Error).message})`);
  }
  const ext = extname(path).toLowerCase();
  return parseKernel(text, path, ext === '.json' ? 'json' : ext === '.csv' ? 'csv' : 'auto');
}
