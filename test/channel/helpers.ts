import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { FIXTURES, KEYS_EXAMPLE, runCli, type RunOptions, type RunResult } from '../helpers/cli.js';

export const CONDA = path.join(FIXTURES, 'conda', 'distseal-demo-1.0.0-py_0.conda');
export const BZ2 = path.join(FIXTURES, 'conda', 'distseal-demo-1.0.0-py_0.tar.bz2');
export const TINY = path.join(FIXTURES, 'conda', 'tinylib-0.1-h0_1.conda');
export const PUBLIC_KEY = path.join(KEYS_EXAMPLE, 'example-public.asc');
export const PASSPHRASE_ENV = { DISTSEAL_PASSPHRASE: 'example-passphrase-do-not-use' };

/** A home holding the example key as the default signing key. */
export async function homeWithKey(dir: string): Promise<string> {
  const home = path.join(dir, 'home');
  const r = await runCli(['--home', home, 'keys', 'import', path.join(KEYS_EXAMPLE, 'example-secret.asc')]);
  if (r.code !== 0) throw new Error(`keys import failed: ${r.stderr}`);
  return home;
}

/** Run the CLI with the home and the passphrase in the environment. */
export function cli(home: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runCli(['--home', home, ...args], { ...options, env: { ...PASSPHRASE_ENV, ...options.env } });
}

/** Copy fixtures into `dir` (so tests can change them without touching the fixtures). */
export async function copies(dir: string, files: string[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  return Promise.all(
    files.map(async (f) => {
      const target = path.join(dir, path.basename(f));
      await copyFile(f, target);
      return target;
    }),
  );
}
