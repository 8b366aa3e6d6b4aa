import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { errnoCode, InputError } from '../errors.js';
import { readFileBounded } from '../io/bounded-read.js';
import { MAX_KEYRING_BYTES } from '../limits.js';
import type { Logger } from '../logger.js';

/** Extensions read from a keyring directory. */
export const KEYRING_EXTENSIONS = ['.asc', '.gpg', '.pgp'];

const ARMOR_BLOCK = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g;

/**
 * Load public keys from files and directories: armored (several armor blocks in one file are
 * split here, because openpgp.js `readKeys` silently reads only the first — spec section 1) or
 * binary (`gpg --export`, a legacy `pubring.gpg` with trust packets, a `pubring.kbx` keybox).
 * A directory contributes its `.asc`/`.gpg`/`.pgp` files. Secret keys are reduced to public.
 * Duplicate fingerprints are merged (so a revocation in one file applies to the key from another).
 * Throws InputError naming the file when a path is missing or holds no keys.
 */
export async function loadKeyring(
  paths: string[],
  options: { logger?: Logger } = {},
): Promise<openpgp.PublicKey[]> {
  const byFpr = new Map<string, openpgp.PublicKey>();
  for (const p of paths) {
    for (const file of await expand(p)) {
      for (const key of await readKeyFile(file)) {
        const fpr = key.getFingerprint();
        const existing = byFpr.get(fpr);
        if (!existing) byFpr.set(fpr, key);
        else {
          try {
            byFpr.set(fpr, await existing.update(key));
          } catch (error) {
            options.logger?.warn(
              `could not merge the two copies of ${fpr.toUpperCase()} (${file}): ${(error as Error).message}`,
            );
          }
        }
      }
    }
  }
  return [...byFpr.values()];
}

async function expand(p: string): Promise<string[]> {
  let stat;
  try {
    stat = await fs.stat(p);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT')
      throw new InputError('E_KEYRING', `The keyring ${p} does not exist.`, {
        subject: p,
        hint: 'Check the --keyring path.',
      });
    throw new InputError('E_KEYRING', `Cannot read the keyring ${p}: ${(error as Error).message}`, {
      subject: p,
      cause: error,
    });
  }
  if (!stat.isDirectory()) return [p];
  const names = (await fs.readdir(p))
    .filter((n) => KEYRING_EXTENSIONS.includes(path.extname(n).toLowerCase()))
    .sort();
  if (names.length === 0)
    throw new InputError('E_KEYRING', `The keyring directory ${p} has no .asc, .gpg or .pgp files.`, {
      subject: p,
      hint: 'Put one public key per .asc file in it.',
    });
  return names.map((n) => path.join(p, n));
}

/** Read every key in one file. */
export async function readKeyFile(file: string): Promise<openpgp.PublicKey[]> {
  let bytes: Buffer;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile())
      throw new InputError('E_KEYRING', `The keyring ${file} is not a regular file.`, { subject: file });
    if (stat.size > MAX_KEYRING_BYTES)
      throw new InputError(
        'E_KEYRING',
        `The keyring ${file} is larger than ${MAX_KEYRING_BYTES >> 20} MiB.`,
        { subject: file },
      );
    // Bounded while read too: the file may grow after the stat.
    bytes = await readFileBounded(file, MAX_KEYRING_BYTES, 'the keyring limit, 64 MiB');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError('E_KEYRING', `Cannot read the keyring ${file}: ${(error as Error).message}`, {
      subject: file,
      cause: error,
    });
  }
  let keys: openpgp.Key[];
  try {
    keys = await parseKeyBytes(bytes);
  } catch (error) {
    throw new InputError(
      'E_KEYRING',
      `${file} is not a readable OpenPGP keyring: ${(error as Error).message}`,
      {
        subject: file,
        hint: 'Pass an armored (.asc) or binary (gpg --export) public key file, or a directory of them.',
        cause: error,
      },
    );
  }
  if (keys.length === 0)
    throw new InputError('E_KEYRING', `${file} holds no OpenPGP keys.`, {
      subject: file,
      hint: 'Pass an armored (.asc) or binary (gpg --export) public key file.',
    });
  return keys.map((k) => (k.isPrivate() ? k.toPublic() : (k as openpgp.PublicKey)));
}

/** Parse armored (any number of blocks), keybox, or binary key bytes. */
export async function parseKeyBytes(bytes: Uint8Array): Promise<openpgp.Key[]> {
  const text = Buffer.from(bytes).toString('latin1');
  if (/-----BEGIN PGP /.test(text)) {
    const blocks = [...text.matchAll(ARMOR_BLOCK)].map((m) => m[0]);
    if (blocks.length === 0) throw new Error('no complete PUBLIC KEY BLOCK armor found');
    const keys: openpgp.Key[] = [];
    for (const block of blocks) keys.push(...(await openpgp.readKeys({ armoredKeys: block })));
    return keys;
  }
  const kbx = keyboxBlocks(bytes);
  if (kbx) {
    const keys: openpgp.Key[] = [];
    for (const block of kbx) keys.push(...(await openpgp.readKeys({ binaryKeys: block })));
    return keys;
  }
  return openpgp.readKeys({ binaryKeys: bytes });
}

/**
 * The OpenPGP keyblocks of a GnuPG keybox (`pubring.kbx`), or undefined if `bytes` is not one.
 * Format (gnupg kbx/keybox-blob.c): blobs of u32 length + u8 type; the first blob (type 1) says
 * "KBXf" at offset 8; type 2 blobs hold the raw keyblock at the u32 offset/length at bytes 8..15.
 */
export function keyboxBlocks(bytes: Uint8Array): Uint8Array[] | undefined {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length < 32 || view[4] !== 1 || view.toString('latin1', 8, 12) !== 'KBXf') return undefined;
  const out: Uint8Array[] = [];
  let pos = 0;
  while (pos + 5 <= view.length) {
    const len = view.readUInt32BE(pos);
    if (len < 5 || pos + len > view.length) break;
    if (view[pos + 4] === 2 && len >= 16) {
      const off = view.readUInt32BE(pos + 8);
      const size = view.readUInt32BE(pos + 12);
      if (off + size <= len) out.push(view.subarray(pos + off, pos + off + size));
    }
    pos += len;
  }
  return out;
}
