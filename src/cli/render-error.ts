import type { DistsealError } from '../core/errors.js';

/** Where an error is written: the stderr side of Output. */
export interface ErrorSink {
  err(message: string): void;
}

/**
 * The one way a DistsealError is shown to a person: `distseal: MESSAGE`, then the hint, then
 * (with --verbose) the wrapped cause. Used by main.ts, the wizard and per-file command summaries.
 */
export function printError(out: ErrorSink, error: DistsealError, verbose = false): void {
  out.err(`distseal: ${error.message}`);
  if (error.hint) out.err(`  hint: ${error.hint}`);
  if (verbose && error.cause instanceof Error) out.err(`  cause: ${error.cause.message}`);
}
