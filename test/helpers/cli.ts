import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/...). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = path.join(ROOT, 'bin', 'distseal.js');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const KEYS_EXAMPLE = path.join(ROOT, 'keys-example');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  cwd?: string;
  timeoutMs?: number;
}

/**
 * Run the built CLI as a user would, in a clean environment: no CI flag leaking in from the
 * runner unless given, no real HOME (a throwaway one), no inherited DISTSEAL_* variables.
 */
export async function runCli(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const base: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      k.startsWith('DISTSEAL_') ||
      k.startsWith('TWINE_') ||
      k === 'CI' ||
      k.endsWith('_API_TOKEN') ||
      k === 'PREFIX_API_KEY' ||
      /_proxy$/i.test(k) // the runner's proxies would catch the loopback test servers
    )
      continue;
    base[k] = v;
  }
  const env = { ...base, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A fresh temp directory, removed by the returned cleanup. */
export async function tempDir(
  prefix = 'distseal-test-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
