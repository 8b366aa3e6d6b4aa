/**
 * Run the real Bandit on an extracted tree and read its JSON report (specs/audit.md: exit 1
 * means "found something", so the JSON decides, not the exit code). Bandit 1.6.2 (Debian) has
 * no `issue_cwe` and no TOML config: `[tool.bandit]` is handed over as a YAML file, which every
 * Bandit version reads. A Bandit that runs longer than the timeout is killed with its process group.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError, OperationalError } from '../errors.js';

export const DEFAULT_BANDIT_TIMEOUT_MS = 10 * 60 * 1000;
/** Bandit's JSON for a huge dist is a few MiB; refuse to buffer more than this. */
export const MAX_BANDIT_OUTPUT = 256 * 1024 * 1024;

export type Level = 'low' | 'medium' | 'high';

export interface BanditOptions {
  /** The program (a name on PATH or a path). */
  bandit: string;
  /** The environment Bandit runs with (PATH, PYTHONPATH ...), handed in by the caller. */
  env?: Record<string, string | undefined>;
  severity?: Level;
  confidence?: Level;
  /** A Bandit config file (-c). */
  config?: string;
  timeoutMs?: number;
}

export interface BanditResult {
  filename: string;
  line_number: number;
  test_id: string;
  test_name: string;
  issue_severity: string;
  issue_confidence: string;
  issue_text: string;
  code: string;
  more_info?: string;
  issue_cwe?: { id?: number; link?: string };
}

export interface BanditReport {
  results: BanditResult[];
  errors: Array<{ filename: string; reason: string }>;
}

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function missing(bandit: string, cause: unknown): InputError {
  return new InputError(
    'E_BANDIT_MISSING',
    `Bandit (${bandit}) is not installed or cannot be run, so the code scan cannot run.`,
    {
      subject: bandit,
      cause,
      hint:
        'Install it (`pipx install bandit`, or `apt install bandit` on Debian/Ubuntu), ' +
        'name it with --bandit PATH, or skip the code scan with --no-code.',
    },
  );
}

function run(bandit: string, args: string[], env: BanditOptions['env'], timeoutMs: number): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(bandit, args, {
      env: env as NodeJS.ProcessEnv | undefined,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let size = 0;
    let timedOut = false;
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      size += d.length;
      if (size > MAX_BANDIT_OUTPUT) killGroup();
      else stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 64 * 1024) stderr += d;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(missing(bandit, error));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

async function executable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Where `program` is (a path, or a name looked up on `env.PATH` like the shell does), without
 * running it; throws E_BANDIT_MISSING with the install hints when it is not there.
 */
export async function requireProgram(program: string, env?: BanditOptions['env']): Promise<string> {
  if (program.includes('/')) {
    if (await executable(program)) return program;
  } else if (env === undefined) {
    return program; // no environment handed in: the spawn itself finds it (or fails as missing)
  } else {
    for (const dir of (env?.PATH ?? '').split(path.delimiter)) {
      if (dir && (await executable(path.join(dir, program)))) return path.join(dir, program);
    }
  }
  throw missing(
    program,
    new Error(`${program} is not an executable file${program.includes('/') ? '' : ' on PATH'}`),
  );
}

/** `bandit --version`'s first line; throws E_BANDIT_MISSING when it cannot be run. */
export async function banditVersion(bandit: string, env?: BanditOptions['env']): Promise<string> {
  const ran = await run(bandit, ['--version'], env, 60_000);
  if (ran.code !== 0)
    throw missing(bandit, new Error(`--version exited ${ran.code ?? ran.signal}: ${ran.stderr.trim()}`));
  return (ran.stdout.split('\n')[0] ?? '').trim();
}

/** The arguments distseal gives Bandit for `dir` (also what a user runs by hand to compare). */
export function banditArgs(
  dir: string,
  options: Pick<BanditOptions, 'severity' | 'confidence' | 'config'>,
): string[] {
  const rank = { low: 1, medium: 2, high: 3 } as const;
  return [
    '-f',
    'json',
    '-q',
    '-r',
    dir,
    `-${'l'.repeat(rank[options.severity ?? 'low'])}`,
    `-${'i'.repeat(rank[options.confidence ?? 'low'])}`,
    ...(options.config ? ['-c', options.config] : []),
  ];
}

/** Run Bandit on `dir` and parse its report. Hangs, crashes and garbage are OperationalErrors (exit 1). */
export async function runBandit(dir: string, options: BanditOptions): Promise<BanditReport> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_BANDIT_TIMEOUT_MS;
  const ran = await run(options.bandit, banditArgs(dir, options), options.env, timeoutMs);
  const tail = ran.stderr.trim().split('\n').slice(-5).join('\n  ');
  if (ran.timedOut) {
    throw new OperationalError(
      'E_BANDIT_TIMEOUT',
      `Bandit did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped.`,
      {
        subject: options.bandit,
        hint: 'Give it longer with --bandit-timeout SECONDS, or skip the code scan with --no-code.',
      },
    );
  }
  let parsed: { results?: unknown; errors?: unknown } | undefined;
  try {
    parsed = JSON.parse(ran.stdout) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  if ((ran.code !== 0 && ran.code !== 1) || !parsed || !Array.isArray(parsed.results)) {
    throw new OperationalError(
      'E_BANDIT_FAILED',
      `Bandit failed (exit ${ran.code ?? ran.signal}) without a JSON report${tail ? `:\n  ${tail}` : '.'}`,
      {
        subject: options.bandit,
        hint: 'Run the same Bandit by hand to see what is wrong, or skip the code scan with --no-code.',
      },
    );
  }
  const errors = Array.isArray(parsed.errors)
    ? (parsed.errors as Array<{ filename?: string; reason?: string }>)
    : [];
  return {
    results: parsed.results as BanditResult[],
    errors: errors.map((e) => ({ filename: String(e.filename ?? ''), reason: String(e.reason ?? '') })),
  };
}
