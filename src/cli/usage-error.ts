// Its own module so that code shared with the browser playground (explain-conv.ts) can throw it
// without importing commander and node:fs from args.ts.

/** A mistake in how the command was called (exit code 2), as opposed to a failure while running (1). */
export class UsageError extends Error {}
