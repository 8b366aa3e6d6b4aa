import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../core/logger.js';
import { Output } from './output.js';

/**
 * The one place that reads the environment, the home directory, the working directory and
 * whether we talk to a terminal. Everything below the CLI receives plain values from here.
 */
export interface Context {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The resolved distseal home (see resolveHome). */
  home: string;
  /** Where `home` came from, for --verbose. */
  homeSource: 'flag' | 'DISTSEAL_HOME' | 'XDG_CONFIG_HOME' | 'default';
  /** The user's home directory (for ~/.pypirc and friends). */
  userHome: string;
  stdin: Readable & { isTTY?: boolean; fd?: number };
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  /** True when prompts may be shown: a TTY on stdin and stderr, no --no-interactive, no CI. */
  interactive: boolean;
  json: boolean;
  verbose: boolean;
  quiet: boolean;
  out: Output;
  logger: Logger;
}

export interface GlobalFlags {
  home?: string;
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  interactive?: boolean;
}

export interface ContextIO {
  env?: Record<string, string | undefined>;
  cwd?: string;
  stdin?: Context['stdin'];
  stdout?: Context['stdout'];
  stderr?: Context['stderr'];
  /** Only for errors reported before a context exists: --json seen in the raw arguments. */
  json?: boolean;
}

/** The default home: --home, else DISTSEAL_HOME, else $XDG_CONFIG_HOME/distseal, else ~/.config/distseal. */
export function resolveHome(
  flag: string | undefined,
  env: Context['env'],
  cwd: string,
  userHome: string,
): Pick<Context, 'home' | 'homeSource'> {
  if (flag) return { home: path.resolve(cwd, flag), homeSource: 'flag' };
  if (env.DISTSEAL_HOME) return { home: path.resolve(cwd, env.DISTSEAL_HOME), homeSource: 'DISTSEAL_HOME' };
  if (env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)) {
    return { home: path.join(env.XDG_CONFIG_HOME, 'distseal'), homeSource: 'XDG_CONFIG_HOME' };
  }
  return { home: path.join(userHome, '.config', 'distseal'), homeSource: 'default' };
}

/** True when a CI variable is set to anything but an explicit false. */
export function isCI(env: Context['env']): boolean {
  const value = env.CI;
  return value !== undefined && value !== '' && !/^(0|false|no)$/i.test(value);
}

export function createContext(flags: GlobalFlags, io: ContextIO = {}): Context {
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  const stdin = io.stdin ?? process.stdin;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const userHome = env.HOME || os.homedir();
  const { home, homeSource } = resolveHome(flags.home, env, cwd, userHome);
  const json = Boolean(flags.json);
  const interactive =
    flags.interactive !== false &&
    Boolean(stdin.isTTY) &&
    Boolean(stderr.isTTY) &&
    !isCI(env) &&
    env.DISTSEAL_NO_INTERACTIVE !== '1';
  const out = new Output({
    stdout,
    stderr,
    json,
    verbose: Boolean(flags.verbose),
    quiet: Boolean(flags.quiet),
  });
  return {
    env,
    cwd,
    home,
    homeSource,
    userHome,
    stdin,
    stdout,
    stderr,
    interactive,
    json,
    verbose: Boolean(flags.verbose),
    quiet: Boolean(flags.quiet),
    out,
    logger: out.logger,
  };
}
