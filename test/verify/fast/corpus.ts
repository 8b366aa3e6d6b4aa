import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { KEYS_EXAMPLE, runCli, type RunResult } from '../../helpers/cli.js';

/** Test keys made with openpgp.js, and signatures over test files, for the fast-path corpus. */

export type KeyKind = 'ed25519Legacy' | 'ed25519' | 'rsa';

export async function makeKey(
  kind: KeyKind,
  name: string,
  options: { date?: Date; keyExpirationTime?: number } = {},
): Promise<openpgp.PrivateKey> {
  const common = {
    userIDs: [{ name, email: `${name.toLowerCase().replace(/\W+/g, '-')}@example.invalid` }],
    format: 'object' as const,
    ...options,
  };
  const generated =
    kind === 'rsa'
      ? await openpgp.generateKey({ ...common, type: 'rsa', rsaBits: 2048 })
      : kind === 'ed25519'
        ? await openpgp.generateKey({ ...common, type: 'curve25519' })
        : await openpgp.generateKey({ ...common, type: 'ecc', curve: 'ed25519Legacy' });
  return generated.privateKey;
}

/** The keys-example secret key, unlocked (it signs with its Ed25519 signing subkey). */
export async function exampleKey(): Promise<openpgp.PrivateKey> {
  const readme = await readFile(path.join(KEYS_EXAMPLE, 'README.md'), 'utf8');
  const passphrase = /^Passphrase: `(.*)`$/m.exec(readme)![1]!;
  const armoredKey = await readFile(path.join(KEYS_EXAMPLE, 'example-secret.asc'), 'utf8');
  return openpgp.decryptKey({ privateKey: await openpgp.readPrivateKey({ armoredKey }), passphrase });
}

export async function sign(
  key: openpgp.PrivateKey | openpgp.PrivateKey[],
  data: Uint8Array,
  options: { binary?: boolean; text?: boolean; date?: Date } = {},
): Promise<string | Uint8Array> {
  const signingKeys = Array.isArray(key) ? key : [key];
  const date = options.date;
  if (options.text) {
    const message = await openpgp.createMessage({ text: Buffer.from(data).toString('utf8') });
    return openpgp.sign({ message, signingKeys, detached: true, date });
  }
  const message = await openpgp.createMessage({ binary: data });
  return options.binary
    ? openpgp.sign({ message, signingKeys, detached: true, format: 'binary', date })
    : openpgp.sign({ message, signingKeys, detached: true, date });
}

/** A home laid out as the key store keeps it, 0700 directories. */
export async function makeHome(home: string): Promise<void> {
  for (const dir of ['', 'keys', 'trusted', 'revocations'])
    await mkdir(path.join(home, dir), { recursive: true });
  for (const dir of ['', 'keys', 'trusted', 'revocations']) await chmod(path.join(home, dir), 0o700);
}

/** Trust a public key as `trust add` stores it: trusted/FPR.asc. */
export async function trust(home: string, key: openpgp.PublicKey | openpgp.PrivateKey): Promise<void> {
  const pub = key.isPrivate() ? key.toPublic() : key;
  await writeFile(path.join(home, 'trusted', `${pub.getFingerprint().toUpperCase()}.asc`), pub.armor(), {
    mode: 0o600,
  });
}

export interface PairRun {
  full: RunResult;
  fast: RunResult;
  /** What the fast-allowed run's trace said: 'fast' or 'full: why'. */
  path: string;
}

/** Run `verify ARGS` twice, with the fast path and without, and say which path the first took. */
export async function runBoth(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  trace: string,
): Promise<PairRun> {
  await writeFile(trace, '');
  const fast = await runCli(['verify', ...args], { env: { ...env, DISTSEAL_FAST_TRACE: trace }, cwd });
  const full = await runCli(['verify', ...args], { env: { ...env, DISTSEAL_NO_FAST: '1' }, cwd });
  return { fast, full, path: (await readFile(trace, 'utf8')).trim() };
}
