/** Reading the key store's files: key directories, config.json and the trust pins. Never writes. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type * as openpgp from 'openpgp';
import { errnoCode, InputError } from '../errors.js';
import { wrapFsError } from '../io/atomic.js';
import { parsePolicy, type TrustPolicy } from '../trust/policy.js';
import { listDir } from './dirs.js';
import type { StoreConfig } from './layout.js';
import { readKeysFromBytes } from './parse.js';

/** A key read from a store directory. */
export interface StoredKey {
  fingerprint: string;
  key: openpgp.Key;
  file: string;
}

/** Read every key file in a store directory; a damaged file is an error naming it. */
export async function readKeyDir(dir: string): Promise<StoredKey[]> {
  const result: StoredKey[] = [];
  for (const name of (await listDir(dir)).filter((n) => n.endsWith('.asc') && !n.startsWith('.')).sort()) {
    const file = path.join(dir, name);
    let data: Buffer;
    try {
      data = await fs.readFile(file);
    } catch (error) {
      throw wrapFsError(error, file, 'read');
    }
    const keys = await readKeysFromBytes(data, file).catch((error: unknown) => {
      throw new InputError(
        'E_STORE_DAMAGED',
        `The key store file ${file} is damaged: ${(error as Error).message}`,
        {
          subject: file,
          cause: error,
          hint: 'Restore it from a backup, or move it away and import the key again.',
        },
      );
    });
    for (const key of keys) result.push({ fingerprint: key.getFingerprint().toUpperCase(), key, file });
  }
  return result;
}

/** A file's text, or undefined when it does not exist. */
async function readOptional(file: string): Promise<string | undefined> {
  return fs.readFile(file, 'utf8').catch((error: unknown) => {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw wrapFsError(error, file, 'read');
  });
}

/** The per-project pins written by `trust add --for` (empty when none). */
export async function readTrustPolicy(file: string): Promise<TrustPolicy> {
  const text = await readOptional(file);
  return text === undefined ? { version: 1, projects: {} } : parsePolicy(text, file);
}

/** config.json (the default key); a missing file is an empty config. */
export async function readStoreConfig(file: string): Promise<StoreConfig> {
  const text = await readOptional(file);
  if (text === undefined) return { version: 1 };
  try {
    const data = JSON.parse(text) as { defaultKey?: unknown };
    return {
      version: 1,
      ...(typeof data.defaultKey === 'string' ? { defaultKey: data.defaultKey.toUpperCase() } : {}),
    };
  } catch (error) {
    throw new InputError('E_STORE_DAMAGED', `${file} is not valid JSON.`, {
      subject: file,
      cause: error,
      hint: 'Fix or delete it, then set the default key again with `distseal keys default FPR`.',
    });
  }
}
