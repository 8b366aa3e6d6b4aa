import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.js';
import { listDir } from './dirs.js';
import type { StoreFiles } from './layout.js';

/**
 * Warn when the home or a secret file is readable by others (gpg's "unsafe permissions"), and
 * when what decides trust (the home, trusted/, its key files, policy.json) is writable by group
 * or others: they could add a key of theirs or change which key may sign which project.
 */
export async function warnUnsafePermissions(
  home: string,
  at: StoreFiles['path'],
  logger: Logger,
): Promise<void> {
  if (process.platform === 'win32') return;
  const check = async (file: string, what: string): Promise<void> => {
    const st = await fs.stat(file).catch(() => undefined);
    if (st && (st.mode & 0o077) !== 0) {
      const want = st.isDirectory() ? '700' : '600';
      logger.warn(
        `unsafe permissions on ${what} ${file} (${(st.mode & 0o777).toString(8)}); others may read it. Run: chmod ${want} '${file}'`,
      );
    }
  };
  const writable = async (file: string, could: string): Promise<void> => {
    const st = await fs.stat(file).catch(() => undefined);
    if (st && (st.mode & 0o022) !== 0) {
      const who = st.mode & 0o002 ? 'anyone on this machine' : 'your group';
      logger.warn(
        `unsafe permissions on ${file} (${(st.mode & 0o777).toString(8)}): ${who} can write it and so ${could}. Run: chmod go-w '${file}'`,
      );
    }
  };
  await check(home, 'the distseal home');
  await writable(home, 'could replace your keys, trusted keys and pins');
  for (const dir of [at('keys'), at('revocations')]) {
    await check(dir, 'the directory');
    for (const name of await listDir(dir)) await check(path.join(dir, name), 'the secret file');
  }
  await writable(at('trusted'), 'could add a key of theirs to the trusted keyring or change the pins');
  for (const name of await listDir(at('trusted'))) {
    const file = path.join(at('trusted'), name);
    if (file === at('policy')) await writable(file, 'could change which keys may sign which project');
    else if (name.endsWith('.asc')) await writable(file, 'could replace a trusted key with one of theirs');
  }
}
