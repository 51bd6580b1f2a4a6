// The library's own error types for bad files and limits: a reader fed garbage throws one of
// these (never a TypeError, a RangeError or an out-of-memory abort), so callers and the fuzz
// tests can tell a rejected file from a bug.

/** A file (or bytes) that is not what its reader expects; the message names the file and the field. */
export class FormatError extends Error {
  override name = 'FormatError';
  constructor(readonly file: string, message: string) {
    super(message);
  }
}

/** A size above one of the protective limits (see limits.ts); the message names the limit and how to raise it. */
export class LimitError extends Error {
  override name = 'LimitError';
  constructor(readonly limit: string, message: string) {
    super(message);
  }
}
