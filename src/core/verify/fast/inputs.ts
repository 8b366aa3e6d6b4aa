import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HOME_LAYOUT } from '../../keys/layout.js';

/** The verification index, in the distseal home (written by the full verifier only). */
export const VERIFY_INDEX_FILE = 'verify-cache.json';

/** Names in a directory, as the key store lists them: a missing directory is empty. */
function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}

/** The key files the key store reads from one of its directories, in its order (keys/store-read.ts). */
function keyFiles(dir: string): string[] {
  return listDir(dir)
    .filter((n) => n.endsWith('.asc') && !n.startsWith('.'))
    .sort()
    .map((n) => path.join(dir, n));
}

/**
 * SHA-256 over the names and exact bytes of every file the full verifier's trust decision reads
 * in `home` without --keyring or --policy (KeyStore: your own keys, the trusted keys, the pins), in
 * the order it reads them. Throws when one cannot be read (the caller then uses the full path).
 */
export function trustInputsDigest(home: string): string {
  const hash = createHash('sha256');
  const add = (label: string, bytes: Uint8Array | undefined) => {
    const head = bytes === undefined ? `${label}\0absent\0` : `${label}\0${bytes.length}\0`;
    hash.update(head);
    if (bytes) hash.update(bytes);
  };
  for (const dir of ['keys', 'trusted'] as const) {
    for (const file of keyFiles(path.join(home, HOME_LAYOUT[dir])))
      add(`${HOME_LAYOUT[dir]}/${path.basename(file)}`, fs.readFileSync(file));
  }
  let policy: Uint8Array | undefined;
  try {
    policy = fs.readFileSync(path.join(home, HOME_LAYOUT.policy));
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  add(HOME_LAYOUT.policy, policy);
  return hash.digest('hex');
}

/**
 * True when opening the key store would print a permission warning (keys/permissions.ts, the same
 * tests on the same files): the fast path then leaves the run to the full verifier. A synchronous
 * copy on purpose: fs.promises and the store's modules cost the fast path ~6 ms of its ~20 ms;
 * test/verify/fast/inputs.test.ts holds the two equal.
 */
export function homeWouldWarn(home: string, platform = process.platform): boolean {
  if (platform === 'win32') return false;
  const mode = (file: string): number | undefined => {
    try {
      return fs.statSync(file).mode;
    } catch {
      return undefined;
    }
  };
  const readable = (file: string) => ((mode(file) ?? 0) & 0o077) !== 0;
  const writable = (file: string) => ((mode(file) ?? 0) & 0o022) !== 0;
  if (readable(home) || writable(home)) return true;
  for (const dir of [path.join(home, HOME_LAYOUT.keys), path.join(home, HOME_LAYOUT.revocations)]) {
    if (readable(dir)) return true;
    for (const name of listDir(dir)) if (readable(path.join(dir, name))) return true;
  }
  const trusted = path.join(home, HOME_LAYOUT.trusted);
  if (writable(trusted)) return true;
  for (const name of listDir(trusted)) {
    const file = path.join(trusted, name);
    if ((file === path.join(home, HOME_LAYOUT.policy) || name.endsWith('.asc')) && writable(file))
      return true;
  }
  return false;
}
