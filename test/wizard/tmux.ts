import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BIN } from '../helpers/cli.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One distseal process in a real pseudo-terminal: a detached tmux session on a private server
 * socket (`tmux -S` in the test's temp dir), so the user's tmux is never touched and `kill()` ends exactly ours.
 * The child gets a clean environment (no CI, no DISTSEAL_*, a throwaway HOME, TERM set) and
 * writes its exit status to `exitFile` when it ends.
 */
export class TmuxSession {
  /** A private server socket inside the test's temp dir (removed with it). */
  readonly socket: string;
  readonly exitFile: string;

  constructor(
    readonly dir: string,
    args: string[],
    extraEnv: string[] = [],
  ) {
    this.socket = path.join(dir, `tmux-${randomBytes(3).toString('hex')}.sock`);
    this.exitFile = path.join(dir, 'exit-status');
    const quote = (w: string) => `'${w.replace(/'/g, `'\\''`)}'`;
    const env = [
      'env',
      '-i',
      `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`,
      `HOME=${dir}`,
      'TERM=xterm-256color',
      'LANG=C.UTF-8',
      ...extraEnv,
    ];
    const child = [...env, process.execPath, BIN, ...args].map(quote).join(' ');
    // `sleep` keeps the pane (and its last screen) around after distseal exits.
    const command = `${child}; echo EXIT:$? > ${quote(this.exitFile)}; sleep 60`;
    this.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'w', '-x', '120', '-y', '40', command);
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, TERM: 'xterm-256color' },
    });
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-t', 'w');
  }

  /** Type literal text (no key names). */
  type(text: string): void {
    this.tmux('send-keys', '-t', 'w', '-l', '--', text);
  }

  /** Press keys by tmux name: Enter, Down, Up, C-c ... */
  press(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'w', ...keys);
  }

  /** Wait until the screen matches (polling; generous limit for slow CI, not a timing assertion). */
  async waitFor(pattern: RegExp, limitMs = 30_000): Promise<string> {
    const end = Date.now() + limitMs;
    for (;;) {
      const screen = this.screen();
      if (pattern.test(screen)) return screen;
      if (Date.now() > end) throw new Error(`The terminal never showed ${pattern}. Last screen:\n${screen}`);
      await sleep(100);
    }
  }

  /** The child's exit status once it has ended. */
  async exitCode(limitMs = 30_000): Promise<number> {
    const end = Date.now() + limitMs;
    for (;;) {
      const text = await readFile(this.exitFile, 'utf8').catch(() => '');
      const m = /EXIT:(\d+)/.exec(text);
      if (m) return Number(m[1]);
      if (Date.now() > end) throw new Error(`distseal did not exit. Last screen:\n${this.screen()}`);
      await sleep(100);
    }
  }

  /** Stop our private tmux server (and the pane's processes with it). */
  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}
