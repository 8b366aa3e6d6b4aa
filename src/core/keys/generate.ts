import * as openpgp from 'openpgp';
import { UsageError } from '../errors.js';
import { DEFAULT_EXPIRES, parseExpiry } from './expiry.js';
import { buildUserID } from './user-id.js';

/** Key algorithms `keys generate` offers. */
export type KeyAlgo = 'ed25519' | 'rsa4096';
export const KEY_ALGOS: readonly KeyAlgo[] = ['ed25519', 'rsa4096'];
export const DEFAULT_ALGO: KeyAlgo = 'ed25519';

export interface GenerateKeyOptions {
  name?: string;
  email?: string;
  /** Default ed25519: a v4 Ed25519-legacy key, the form GnuPG 2.2, sq and rnp all read. */
  algo?: KeyAlgo;
  /** never | Nd | Nw | Nm | Ny | YYYY-MM-DD (default 2y). */
  expires?: string;
  /** '' leaves the key unprotected (the CLI warns). */
  passphrase: string;
  /** Creation time (tests); default now. */
  date?: Date;
}

export interface GeneratedKey {
  fingerprint: string;
  /** The key as stored: encrypted with the passphrase (unless none was given). */
  privateKey: openpgp.PrivateKey;
  publicKey: openpgp.PublicKey;
  /** Armored revocation certificate (reason: none given), to be kept safe. */
  revocationCertificate: string;
}

/**
 * Generate a key pair: a primary key (certify and sign) with an encryption subkey and a separate
 * signing subkey, so CI can later hold only the signing subkey (`keys export --subkeys-only`).
 *
 * Deliberately v4 with Ed25519-legacy / Cv25519 (or RSA-4096), iterated S2K and no AEAD key
 * protection: v6 keys, algorithm 27 (curve25519), SHA3, aeadProtect and argon2 are all
 * unreadable by GnuPG 2.2 (shared/specs/openpgp-and-keychain.md section 2).
 */
export async function generateOwnKey(options: GenerateKeyOptions): Promise<GeneratedKey> {
  const algo = options.algo ?? DEFAULT_ALGO;
  if (!KEY_ALGOS.includes(algo))
    throw new UsageError(`--algo ${String(algo)} is not offered.`, {
      hint: `Choose one of: ${KEY_ALGOS.join(', ')}.`,
    });
  const userID = buildUserID(options.name, options.email);
  const date = options.date ?? new Date();
  const keyExpirationTime = parseExpiry(options.expires ?? DEFAULT_EXPIRES, date);
  const config: openpgp.PartialConfig = {
    v6Keys: false,
    aeadProtect: false,
    preferredHashAlgorithm: openpgp.enums.hash.sha512,
  };
  const common = {
    userIDs: [userID],
    keyExpirationTime,
    date,
    subkeys: [{}, { sign: true }],
    format: 'object' as const,
    config,
    ...(options.passphrase ? { passphrase: options.passphrase } : {}),
  };
  const result =
    algo === 'rsa4096'
      ? await openpgp.generateKey({ ...common, type: 'rsa', rsaBits: 4096 })
      : await openpgp.generateKey({ ...common, type: 'ecc', curve: 'ed25519Legacy' });
  return {
    fingerprint: result.privateKey.getFingerprint().toUpperCase(),
    privateKey: result.privateKey,
    publicKey: result.publicKey,
    revocationCertificate: result.revocationCertificate,
  };
}
