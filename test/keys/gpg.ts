import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/cli.js';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  raw: Buffer;
}

/** Run a program with an env addition and optional stdin. */
export function run(
  program: string,
  args: string[],
  options: { env?: Record<string, string>; input?: string | Buffer } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const raw = Buffer.concat(out);
      resolve({ code, stdout: raw.toString('utf8'), stderr, raw });
    });
    // A program that exits without reading its input (gpg with nothing to ask) must not crash the test.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** A throwaway GNUPGHOME (never the user's ~/.gnupg); `cleanup` stops its agent by gpgconf. */
export async function tempGnupg(): Promise<{
  home: string;
  gpg: (args: string[], input?: string | Buffer) => Promise<Run>;
  cleanup: () => Promise<void>;
}> {
  const { dir, cleanup } = await tempDir('distseal-gpg-');
  const home = path.join(dir, 'g');
  await fs.mkdir(home, { mode: 0o700 });
  const env = { GNUPGHOME: home };
  return {
    home,
    gpg: (args, input) => run('gpg', ['--batch', '--no-tty', ...args], { env, input }),
    cleanup: async () => {
      await run('gpgconf', ['--kill', 'all'], { env }).catch(() => undefined);
      await cleanup();
    },
  };
}

/** Parsed `gpg --with-colons` records of one kind ("pub", "sec", "fpr", "uid", "sub", "ssb"). */
export function colons(text: string, kind: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${kind}:`))
    .map((l) => l.split(':'));
}
