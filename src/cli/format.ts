// Plain-text layout for the terminal: numbers, matrices and column-aligned tables.

/** An integer as is, otherwise up to 4 decimals without trailing zeros. */
export function fmtNum(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(4).replace(/\.?0+$/, '');
}

/** Rows of numbers, right-aligned in columns, each line prefixed with `indent`. */
export function formatMatrix(rows: readonly (readonly number[])[], indent = '  '): string {
  const cells = rows.map((r) => r.map(fmtNum));
  const width = Math.max(1, ...cells.flat().map((c) => c.length));
  return cells.map((r) => `${indent}[ ${r.map((c) => c.padStart(width)).join(' ')} ]`).join('\n');
}

/** A flat row-major array as rows × cols. */
export function toRows(values: ArrayLike<number>, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => values[i * cols + j]!));
}
