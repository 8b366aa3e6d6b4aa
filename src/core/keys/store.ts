import path from 'node:path';
import type * as openpgp from 'openpgp';
import { DistsealError, InputError, KeyError, OperationalError } from '../errors.js';
import { wrapFsError } from '../io/atomic.js';
import { withLock } from '../io/lock.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { PASSPHRASE_SERVICE, type Keychain } from '../secrets/keychain.js';
import { EMPTY_POLICY, type TrustPolicy } from '../trust/policy.js';
import { hasAnySecret, keyInfo, type KeyInfo } from './info.js';
import { makeDirs } from './dirs.js';
import { warnUnsafePermissions } from './permissions.js';
import { readKeyDir, readStoreConfig, readTrustPolicy, type StoredKey } from './store-read.js';
import { selectable, selectKey } from './selector.js';
import { HOME_LAYOUT, type StoreConfig } from './layout.js';
import { StoreTransaction } from './transaction.js';

export { HOME_LAYOUT } from './layout.js';

export type { KeyInfo, SubkeyInfo } from './info.js';

/** One of your own keys, as `sign` and the key commands use it. */
export interface OwnKey {
  /** Primary fingerprint, uppercase. */
  fingerprint: string;
  /** The stored key: a PrivateKey (still passphrase-protected) when a secret is present. */
  key: openpgp.PrivateKey | openpgp.PublicKey;
  hasSecret: boolean;
  info: KeyInfo;
  /** The file it is stored in. */
  file: string;
}

/**
 * The on-disk key store under a distseal home. Reading never creates anything; writes go
 * through `transaction()`, which creates the 0700 directories, takes the home's lock so two
 * processes never interleave, and writes every file atomically (secrets 0600).
 */
export class KeyStore {
  readonly home: string;
  readonly logger: Logger;

  private constructor(home: string, logger: Logger) {
    this.home = home;
    this.logger = logger;
  }

  /** Open the store at `home`; warns (once) about unsafe permissions, like gpg does. */
  static async open(options: { home: string; logger?: Logger }): Promise<KeyStore> {
    const store = new KeyStore(path.resolve(options.home), options.logger ?? silentLogger);
    await store.checkPermissions();
    return store;
  }

  /** Absolute path of a layout entry. */
  path(entry: keyof typeof HOME_LAYOUT, ...rest: string[]): string {
    return path.join(this.home, HOME_LAYOUT[entry], ...rest);
  }

  /** The revocation certificate file for a fingerprint (it may not exist). */
  revocationPath(fingerprint: string): string {
    return this.path('revocations', `${fingerprint.toUpperCase()}.rev.asc`);
  }

  /**
   * Warn when the home or a secret file is readable by others (gpg's "unsafe permissions"), and
   * when what decides trust (the home, trusted/, its key files, policy.json) is writable by group
   * or others: they could add a key of theirs or change which key may sign which project.
   */
  async checkPermissions(): Promise<void> {
    await warnUnsafePermissions(this.home, (entry) => this.path(entry), this.logger);
  }

  /** Own keys as stored (secret when present). */
  async loadOwn(): Promise<StoredKey[]> {
    return readKeyDir(this.path('keys'));
  }

  /** Trusted (third-party) public keys as stored. */
  async loadTrusted(): Promise<StoredKey[]> {
    return readKeyDir(this.path('trusted'));
  }

  /** The default signing key's fingerprint, if one is set. */
  async defaultFingerprint(): Promise<string | undefined> {
    return (await this.readConfig()).defaultKey;
  }

  /** Your keys for `keys list`; pass a keychain to fill `passphraseInKeychain`. */
  async listOwn(options: { keychain?: Keychain } = {}): Promise<KeyInfo[]> {
    const def = await this.defaultFingerprint();
    const result: KeyInfo[] = [];
    for (const stored of await this.loadOwn()) {
      const inKeychain =
        options.keychain && hasAnySecret(stored.key)
          ? await options.keychain.has(PASSPHRASE_SERVICE, stored.fingerprint)
          : undefined;
      result.push(
        await keyInfo(stored.key, {
          isDefault: stored.fingerprint === def,
          passphraseInKeychain: inKeychain,
        }),
      );
    }
    return result;
  }

  /**
   * One of your keys by selector (fingerprint, 16+ hex suffix, e-mail, user ID), or the default
   * key when `selector` is undefined. KeyError E_NO_DEFAULT_KEY / E_KEY_NOT_FOUND / E_KEY_AMBIGUOUS.
   */
  async findOwn(selector?: string): Promise<OwnKey> {
    const own = await this.loadOwn();
    const def = await this.defaultFingerprint();
    let stored: StoredKey | undefined;
    if (selector === undefined || selector === '') {
      stored = def ? own.find((k) => k.fingerprint === def) : undefined;
      if (!stored) {
        throw new KeyError(
          'E_NO_DEFAULT_KEY',
          own.length === 0 ? `There are no keys in ${this.home}.` : 'No default key is set.',
          {
            hint:
              own.length === 0
                ? 'Create one with `distseal keys generate` or import one with `distseal keys import FILE`.'
                : 'Name the key with --key FPR, or set one with `distseal keys default FPR`.',
          },
        );
      }
    } else {
      stored = selectKey(await selectable(own), selector, 'your keys', this.logger);
    }
    const info = await keyInfo(stored.key, { isDefault: stored.fingerprint === def });
    return {
      fingerprint: stored.fingerprint,
      key: stored.key as openpgp.PrivateKey | openpgp.PublicKey,
      hasSecret: info.hasSecret,
      info,
      file: stored.file,
    };
  }

  /** The trusted keyring for `trust list`. */
  async listTrusted(): Promise<KeyInfo[]> {
    return Promise.all((await this.loadTrusted()).map((k) => keyInfo(k.key)));
  }

  /** One trusted key by selector. */
  async findTrusted(selector: string): Promise<StoredKey> {
    const trusted = await this.loadTrusted();
    return selectKey(await selectable(trusted), selector, 'the trusted keyring', this.logger);
  }

  /** The trusted keyring (third parties) for verification — never your own keys. */
  async trustedKeys(): Promise<openpgp.PublicKey[]> {
    return (await this.loadTrusted()).map((k) =>
      k.key.isPrivate() ? k.key.toPublic() : (k.key as openpgp.PublicKey),
    );
  }

  /** The per-project pins written by `trust add --for` (empty when none). */
  async trustPolicy(): Promise<TrustPolicy> {
    return readTrustPolicy(this.path('policy'));
  }

  /** Settings file (default key). */
  async readConfig(): Promise<StoreConfig> {
    return readStoreConfig(this.path('config'));
  }

  /**
   * Run `fn` with exclusive write access to the home: creates the 0700 directories, holds the
   * lock for the whole read-modify-write, and turns "cannot write here" into a usage error
   * that names the home (a read-only home is the user's setting to fix: exit 2).
   */
  async transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    try {
      await makeDirs(this.home);
      for (const dir of [this.path('keys'), this.path('revocations'), this.path('trusted')])
        await makeDirs(dir);
      // Writers hold the lock for well under a second; 30 s covers a slow machine with several queued.
      return await withLock(this.path('lock'), () => fn(new StoreTransaction(this)), { timeoutMs: 30_000 });
    } catch (error) {
      if (
        error instanceof OperationalError &&
        (error.code === 'E_READONLY' || error.code === 'E_PERMISSION')
      ) {
        throw new InputError(
          'E_HOME_UNWRITABLE',
          `Cannot write to the distseal home ${this.home}: ${error.message}`,
          {
            subject: this.home,
            cause: error,
            hint: 'Choose a writable home with --home DIR or DISTSEAL_HOME, or fix the directory permissions. Nothing was changed.',
          },
        );
      }
      if (error instanceof DistsealError) throw error;
      throw wrapFsError(error, this.home, 'update');
    }
  }
}

export { EMPTY_POLICY };
