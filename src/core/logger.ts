/**
 * The core never writes to the terminal. It reports through a Logger the CLI injects
 * (stderr lines, progress bars, nothing under --json) or the silent default.
 */
export interface Logger {
  /** Routine progress a user may want to see ("Signed dist/x.whl"). Suppressed by --quiet/--json. */
  info(message: string): void;
  /** Something the user must know even when quiet (unsafe permissions, keychain missing). */
  warn(message: string): void;
  /** Details for --verbose only (where a credential came from, never its value). */
  debug(message: string): void;
  /** Byte progress of a long task; `total` may be unknown. The CLI decides how to draw it. */
  progress?(event: ProgressEvent): void;
}

export interface ProgressEvent {
  /** A stable id for the task (usually the file path). */
  id: string;
  label: string;
  done: number;
  total?: number;
  finished?: boolean;
}

/** A logger that drops everything: the default for library callers. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
};
