import type { Writable } from 'node:stream';
import type { Logger, ProgressEvent } from '../core/logger.js';
import { stripControls } from '../core/safe-text.js';

export interface OutputOptions {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  json: boolean;
  verbose: boolean;
  quiet: boolean;
}

const MASK = '********';

/**
 * Mask secrets where they can really appear in text: a password in a URL
 * (`https://user:PASS@host`), the value of an authorization-like header (a server's error body or
 * a debug line may echo one), `Basic`/`Bearer` credentials, and PyPI API tokens.
 *
 * Secret values are never looked for elsewhere: masking every occurrence of a passphrase told an
 * onlooker what it was (the passphrase `perf` masked in the path /tmp/perf/x, `2026` in a date).
 * Passphrases and tokens stay out of messages by construction: no message formats one in.
 */
export function redact(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+):[^@\s/]+@/gi, `$1:${MASK}@`)
    .replace(
      /\b((?:proxy-)?authorization|x-api-key|api-key|x-auth-token|(?:set-)?cookie)(["']?\s*[:=]\s*["']?)[^\r\n"',}]+/gi,
      `$1$2${MASK}`,
    )
    .replace(/\b(Basic|Bearer) [A-Za-z0-9._~+/-]{16,}=*/g, `$1 ${MASK}`)
    .replace(/\bpypi-[A-Za-z0-9_-]{40,}/g, `pypi-${MASK}`);
}

/**
 * Results go to stdout (text or one JSON document), everything else to stderr. Every string
 * that leaves the process passes through `redact`.
 */
export class Output {
  readonly logger: Logger;
  private readonly progressState = new Map<string, number>();
  /** The command being run (`keys-list`), naming the JSON schema: `distseal/keys-list@1`. */
  command = 'distseal';
  /** A terminal progress bar is drawn and its line not yet ended. */
  private barOpen = false;

  constructor(private readonly options: OutputOptions) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the logger's methods are plain functions
    const self = this;
    this.logger = {
      info(message) {
        if (!options.quiet && !options.json) self.err(message);
      },
      warn(message) {
        self.err(`warning: ${message}`);
      },
      debug(message) {
        if (options.verbose) self.err(`debug: ${message}`);
      },
      progress(event) {
        self.progress(event);
      },
    };
  }

  /**
   * Mask secrets, and strip terminal control characters and escape sequences: server replies and
   * archive member names end up in messages, and must not recolour, retitle or rewrite the
   * terminal (issue 10 G). JSON output is unaffected (JSON.stringify escapes controls itself).
   */
  redact(text: string): string {
    return redact(stripControls(text));
  }

  /** Print a command's result: `text` normally, `data` as JSON under --json. */
  result(text: string | string[], data?: unknown): void {
    if (this.options.json) {
      if (data !== undefined)
        this.options.stdout.write(`${this.redact(JSON.stringify(this.envelope(data), null, 2))}\n`);
      return;
    }
    if (this.barOpen) {
      this.options.stderr.write('\n');
      this.barOpen = false;
    }
    const lines = Array.isArray(text) ? text.join('\n') : text;
    if (lines !== '') this.options.stdout.write(`${this.redact(lines)}\n`);
  }

  /**
   * Every JSON document names its versioned schema (docs/json.md) and says `ok`; a command's own
   * `schema` or `ok` wins.
   */
  private envelope(data: unknown): unknown {
    if (!data || typeof data !== 'object' || Array.isArray(data)) return data;
    return { schema: `distseal/${this.command}@1`, ok: true, ...(data as Record<string, unknown>) };
  }

  /** A line on stderr (not suppressed by --json; used for errors and prompts' context). */
  err(message: string): void {
    // End a progress bar's line first, so the message does not run on after "136 MiB".
    if (this.barOpen) {
      this.options.stderr.write('\n');
      this.barOpen = false;
    }
    this.options.stderr.write(`${this.redact(message)}\n`);
  }

  get json(): boolean {
    return this.options.json;
  }

  /**
   * Progress: a redrawn bar per task in a terminal, a line at start and end otherwise, and
   * nothing at all under --json or --quiet.
   */
  progress(event: ProgressEvent): void {
    if (this.options.json || this.options.quiet) return;
    const tty = Boolean(this.options.stderr.isTTY);
    if (!tty) {
      if (event.finished) this.err(`${event.label}: done (${formatBytes(event.done)})`);
      return;
    }
    const now = Date.now();
    const last = this.progressState.get(event.id) ?? 0;
    if (!event.finished && now - last < 100) return;
    this.progressState.set(event.id, now);
    const width = Math.max(10, Math.min(30, (this.options.stderr.columns ?? 80) - 50));
    const ratio = event.total ? Math.min(1, event.done / event.total) : 0;
    const filled = Math.round(ratio * width);
    const bar = event.total
      ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(ratio * 100)}%`
      : formatBytes(event.done);
    this.options.stderr.write(`\r\x1b[K${this.redact(event.label)} ${bar}${event.finished ? '\n' : ''}`);
    this.barOpen = !event.finished;
    if (event.finished) this.progressState.delete(event.id);
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}
