import { promises as fs } from 'node:fs';
import type * as openpgp from 'openpgp';
import { errnoCode } from '../errors.js';
import { wrapFsError, writeFileAtomic } from '../io/atomic.js';
import { serializePolicy, type TrustPolicy } from '../trust/policy.js';
import type { StoreFiles } from './layout.js';

/**
 * The write side of a KeyStore, handed out by `KeyStore.transaction()` while the home's lock is
 * held. Every write is atomic (temp file, fsync, rename); secret material is 0600.
 */
export class StoreTransaction {
  constructor(readonly store: StoreFiles) {}

  /** Store (or replace) one of your keys; returns the file written. */
  async saveOwn(key: openpgp.Key): Promise<string> {
    const file = this.store.path('keys', `${key.getFingerprint().toUpperCase()}.asc`);
    // Public-only own keys are written 0600 too: the directory is private and one rule is simpler to audit.
    await writeFileAtomic(file, key.armor(), { mode: 0o600 });
    return file;
  }

  /** Remove one of your keys' files; true when it existed. */
  async deleteOwn(fingerprint: string): Promise<boolean> {
    return removeFile(this.store.path('keys', `${fingerprint.toUpperCase()}.asc`));
  }

  /** Write the revocation certificate made at generation; returns its path. */
  async saveRevocation(fingerprint: string, certificate: string): Promise<string> {
    const file = this.store.revocationPath(fingerprint);
    await writeFileAtomic(file, certificate.endsWith('\n') ? certificate : `${certificate}\n`, {
      mode: 0o600,
    });
    return file;
  }

  /** Set (or clear with undefined) the default signing key. */
  async setDefault(fingerprint: string | undefined): Promise<void> {
    const config = await this.store.readConfig();
    const next = { ...config, version: 1, defaultKey: fingerprint?.toUpperCase() };
    if (next.defaultKey === undefined) delete next.defaultKey;
    await writeFileAtomic(this.store.path('config'), `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  }

  /** Add or replace a trusted (third-party) public key; secrets are never stored there. */
  async saveTrusted(key: openpgp.Key): Promise<string> {
    const file = this.store.path('trusted', `${key.getFingerprint().toUpperCase()}.asc`);
    const pub = key.isPrivate() ? key.toPublic() : key;
    await writeFileAtomic(file, pub.armor(), { mode: 0o644 });
    return file;
  }

  async deleteTrusted(fingerprint: string): Promise<boolean> {
    return removeFile(this.store.path('trusted', `${fingerprint.toUpperCase()}.asc`));
  }

  async savePolicy(policy: TrustPolicy): Promise<string> {
    const file = this.store.path('policy');
    await writeFileAtomic(file, serializePolicy(policy), { mode: 0o644 });
    return file;
  }
}

async function removeFile(file: string): Promise<boolean> {
  try {
    await fs.unlink(file);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw wrapFsError(error, file, 'delete');
  }
}
