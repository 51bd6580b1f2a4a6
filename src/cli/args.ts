// Argument parsing shared by the commands: typed option parsers that fail with commander's own
// "invalid argument" error (exit code 2), and the error class for usage mistakes found later.
import { existsSync, statSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';

export { UsageError } from './usage-error.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Parser for an integer option, at least `min`. */
export function intArg(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^[-+]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected an integer, got "${value}"`);
    if (n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}, got ${n}`);
    return n;
  };
}

/** Parser for a finite number option, strictly positive when `positive`. */
export function numberArg(positive = false): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${value}"`);
    if (positive && n <= 0) throw new InvalidArgumentError(`expected a number > 0, got ${n}`);
    return n;
  };
}

/** Parser for one of a fixed set of words. */
export function choiceArg<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got "${value}"`);
    }
    return value as T;
  };
}

/** Parser for a shape such as "1,3,224,224" or "1x3x224x224". */
export function shapeArg(value: string): number[] {
  const parts = value.split(/[,x×\s]+/).filter((p) => p.length > 0);
  if (parts.length === 0 || !parts.every((p) => /^\d+$/.test(p) && Number(p) > 0)) {
    throw new InvalidArgumentError(`expected positive integers separated by commas or x (e.g. 1,3,224,224), got "${value}"`);
  }
  return parts.map(Number);
}

/** Throws a runtime error naming `what` when `path` does not exist. */
export function requireFile(path: string, what: string): void {
  if (!existsSync(path)) throw new Error(`${what} not found: ${path}`);
  if (!statSync(path).isFile()) throw new Error(`${what} is not a file: ${path}`);
}
