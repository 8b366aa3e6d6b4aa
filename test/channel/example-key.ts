import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { createDetachedSignature } from '../../src/core/sign/index.js';
import { KEYS_EXAMPLE } from '../helpers/cli.js';

/** The example key, unlocked in-process (fast core-level tests sign for real with it). */
export async function exampleKeys(): Promise<{
  sign: (file: string) => Promise<string>;
  publicKeys: openpgp.PublicKey[];
}> {
  const armoredKey = await readFile(path.join(KEYS_EXAMPLE, 'example-secret.asc'), 'utf8');
  const privateKey = await openpgp.decryptKey({
    privateKey: await openpgp.readPrivateKey({ armoredKey }),
    passphrase: 'example-passphrase-do-not-use',
  });
  const publicKey = await openpgp.readKey({
    armoredKey: await readFile(path.join(KEYS_EXAMPLE, 'example-public.asc'), 'utf8'),
  });
  return { sign: (file) => createDetachedSignature(file, privateKey), publicKeys: [publicKey] };
}
