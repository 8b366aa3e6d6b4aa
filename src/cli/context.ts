import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../core/logger.js';
import type { ProxyConfig } from '../core/net/proxy.js';
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
  /** Proxies from the environment (see proxyFromEnv), handed to every network call. */
  proxy: ProxyConfig;
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

/**
 * HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY as Python's urllib (so requests, twine and pip)
 * reads them: the lower-case name wins over the upper-case one, even when it is empty (which
 * turns that proxy off); ALL_PROXY serves a scheme with no proxy of its own; and in a CGI script
 * (REQUEST_METHOD set) upper-case HTTP_PROXY is ignored, since a request header can set it.
 */
export function proxyFromEnv(env: Context['env']): ProxyConfig {
  const read = (name: string): string | undefined => {
    const lower = env[name];
    const upper =
      name === 'http_proxy' && env.REQUEST_METHOD !== undefined ? undefined : env[name.toUpperCase()];
    const value = lower !== undefined ? lower : upper;
    return value?.trim() ? value.trim() : undefined;
  };
  const all = read('all_proxy');
  const http = read('http_proxy') ?? all;
  const https = read('https_proxy') ?? all;
  const noProxy = read('no_proxy');
  return { ...(http ? { http } : {}), ...(https ? { https } : {}), ...(noProxy ? { noProxy } : {}) };
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
    proxy: proxyFromEnv(env),
  };
}
