/**
 * One error base for the whole engine. Every error the core throws on purpose is a
 * DistsealError with a machine-readable `code`, a human `hint` saying what to do next, and
 * the underlying `cause` when a third-party error was wrapped at the boundary.
 *
 * Only src/cli/main.ts turns these into exit codes (see `exitCodeFor`).
 */

/** The documented process exit codes (PRODUCT.md). */
export const ExitCode = {
  ok: 0,
  operational: 1,
  usage: 2,
  verification: 3,
  findings: 4,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** What kind of failure this is; decides the exit code. */
export type ErrorKind = 'usage' | 'input' | 'operational' | 'verification' | 'findings' | 'interrupted';

export interface DistsealErrorOptions {
  /** What to do next, in the user's words ("Run `distseal trust add KEYFILE` ..."). */
  hint?: string;
  /** The wrapped error (openpgp, fs, network). Never shown when it might hold a secret. */
  cause?: unknown;
  /** The file, URL or key the error is about, for messages and --json. */
  subject?: string;
}

export class DistsealError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly hint?: string;
  readonly subject?: string;

  constructor(code: string, kind: ErrorKind, message: string, options: DistsealErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.kind = kind;
    this.hint = options.hint;
    this.subject = options.subject;
  }

  /** Plain data for --json output. Never includes `cause` (it may quote secrets). */
  toJSON(): { code: string; kind: ErrorKind; message: string; hint?: string; subject?: string } {
    return {
      code: this.code,
      kind: this.kind,
      message: this.message,
      hint: this.hint,
      subject: this.subject,
    };
  }
}

/** Bad flags, bad arguments, contradictory options. Exit 2. */
export class UsageError extends DistsealError {
  constructor(message: string, options?: DistsealErrorOptions) {
    super('E_USAGE', 'usage', message, options);
  }
}

/** Unreadable or malformed input files: keys, dists, configs. Exit 2. */
export class InputError extends DistsealError {
  constructor(code: string, message: string, options?: DistsealErrorOptions) {
    super(code, 'input', message, options);
  }
}

/** Problems with keys: unknown, ambiguous, wrong passphrase, no secret. Exit 2. */
export class KeyError extends DistsealError {
  constructor(code: string, message: string, options?: DistsealErrorOptions) {
    super(code, 'input', message, options);
  }
}

/** I/O failure, locked store, keychain failure that matters. Exit 1. */
export class OperationalError extends DistsealError {
  constructor(code: string, message: string, options?: DistsealErrorOptions) {
    super(code, 'operational', message, options);
  }
}

/** A signature is bad, missing, untrusted or too weak. Exit 3. */
export class VerificationError extends DistsealError {
  constructor(code: string, message: string, options?: DistsealErrorOptions) {
    super(code, 'verification', message, options);
  }
}

/** An audit found problems at or above the --fail-on threshold. Exit 4. */
export class FindingsError extends DistsealError {
  constructor(message: string, options?: DistsealErrorOptions) {
    super('E_FINDINGS', 'findings', message, options);
  }
}

/** The user pressed Ctrl-C or closed a prompt. Exit 130. */
export class InterruptedError extends DistsealError {
  constructor(message = 'Interrupted.', options?: DistsealErrorOptions) {
    super('E_INTERRUPTED', 'interrupted', message, options);
  }
}

/** HTTP / upload failure with the server's status and reason. Exit 1 (usage 2 for 4xx caused by input is decided by the caller). */
export class HttpError extends DistsealError {
  readonly status?: number;
  readonly url?: string;
  constructor(
    code: string,
    message: string,
    options: DistsealErrorOptions & { status?: number; url?: string } = {},
  ) {
    super(code, 'operational', message, options);
    this.status = options.status;
    this.url = options.url;
  }
}

/** Map an error kind to the documented exit code. */
export function exitCodeFor(error: unknown): ExitCodeValue {
  if (!(error instanceof DistsealError)) return ExitCode.operational;
  switch (error.kind) {
    case 'usage':
    case 'input':
      return ExitCode.usage;
    case 'verification':
      return ExitCode.verification;
    case 'findings':
      return ExitCode.findings;
    case 'interrupted':
      return ExitCode.interrupted;
    default:
      return ExitCode.operational;
  }
}

/** Node's errno code of an fs error, if any. */
export function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof (error as { code: unknown }).code === 'string'
    ? (error as { code: string }).code
    : undefined;
}
