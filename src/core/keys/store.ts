import { promises as fs } from 'node:fs';
import path from 'node:path';
import type * as openpgp from 'openpgp';
import { DistsealError, errnoCode, InputError, KeyError, OperationalError } from '../errors.js';
import { wrapFsError } from '../io/atomic.js';
import { withLock } from '../io/lock.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { PASSPHRASE_SERVICE, type Keychain } from '../secrets/keychain.js';
import { EMPTY_POLICY, parsePolicy, type TrustPolicy } from '../trust/policy.js';
import { hasAnySecret, keyInfo, type KeyInfo } from './info.js';
import { readKeysFromBytes } from './parse.js';
import { listDir, makeDirs } from './dirs.js';
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

/** A key read from a store directory. */
export interface StoredKey {
  fingerprint: string;
  key: openpgp.Key;
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
    if (process.platform === 'win32') return;
    const check = async (file: string, what: string): Promise<void> => {
      const st = await fs.stat(file).catch(() => undefined);
      if (st && (st.mode & 0o077) !== 0) {
        const want = st.isDirectory() ? '700' : '600';
        this.logger.warn(
          `unsafe permissions on ${what} ${file} (${(st.mode & 0o777).toString(8)}); others may read it. Run: chmod ${want} '${file}'`,
        );
      }
    };
    const writable = async (file: string, could: string): Promise<void> => {
      const st = await fs.stat(file).catch(() => undefined);
      if (st && (st.mode & 0o022) !== 0) {
        const who = st.mode & 0o002 ? 'anyone on this machine' : 'your group';
        this.logger.warn(
          `unsafe permissions on ${file} (${(st.mode & 0o777).toString(8)}): ${who} can write it and so ${could}. Run: chmod go-w '${file}'`,
        );
      }
    };
    await check(this.home, 'the distseal home');
    await writable(this.home, 'could replace your keys, trusted keys and pins');
    for (const dir of [this.path('keys'), this.path('revocations')]) {
      await check(dir, 'the directory');
      for (const name of await listDir(dir)) await check(path.join(dir, name), 'the secret file');
    }
    await writable(
      this.path('trusted'),
      'could add a key of theirs to the trusted keyring or change the pins',
    );
    for (const name of await listDir(this.path('trusted'))) {
      const file = path.join(this.path('trusted'), name);
      if (file === this.path('policy'))
        await writable(file, 'could change which keys may sign which project');
      else if (name.endsWith('.asc')) await writable(file, 'could replace a trusted key with one of theirs');
    }
  }

  /** Read every key file in a store directory; a damaged file is an error naming it. */
  private async readDir(dir: string): Promise<StoredKey[]> {
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

  /** Own keys as stored (secret when present). */
  async loadOwn(): Promise<StoredKey[]> {
    return this.readDir(this.path('keys'));
  }

  /** Trusted (third-party) public keys as stored. */
  async loadTrusted(): Promise<StoredKey[]> {
    return this.readDir(this.path('trusted'));
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
    const file = this.path('policy');
    const text = await fs.readFile(file, 'utf8').catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw wrapFsError(error, file, 'read');
    });
    return text === undefined ? { version: 1, projects: {} } : parsePolicy(text, file);
  }

  /** Settings file (default key). */
  async readConfig(): Promise<StoreConfig> {
    const file = this.path('config');
    const text = await fs.readFile(file, 'utf8').catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw wrapFsError(error, file, 'read');
    });
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
