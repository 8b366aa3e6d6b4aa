import { OperationalError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';

/** The keytar API subset distseal uses. Tests may inject a fake with the same shape. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

/** Service name under which key passphrases are stored (account = full fingerprint). */
export const PASSPHRASE_SERVICE = 'distseal';

/**
 * The OS keychain through the keytar API (@github/keytar, loaded lazily on first use).
 * When no keychain is reachable (headless Linux without a Secret Service, the module missing),
 * reads return null and a single warning says so; writes throw, because the user asked for them.
 */
export class Keychain {
  private backend?: Promise<KeytarLike | undefined>;
  private warned = false;
  private unavailableReason?: string;

  constructor(
    private readonly logger: Logger = silentLogger,
    private readonly loader: () => Promise<KeytarLike> = defaultLoader,
  ) {}

  private async load(): Promise<KeytarLike | undefined> {
    this.backend ??= this.loader().then(
      (k) => k,
      (error: unknown) => {
        this.markUnavailable(error);
        return undefined;
      },
    );
    return this.backend;
  }

  private markUnavailable(error: unknown): void {
    this.unavailableReason = describeKeychainError(error);
    if (!this.warned) {
      this.warned = true;
      this.logger.warn(`The OS keychain is not reachable (${this.unavailableReason}); going on without it.`);
    }
  }

  /** Why the keychain is unusable, once a call has found out. */
  get reason(): string | undefined {
    return this.unavailableReason;
  }

  /**
   * For a command that exists to store in the keychain (`keys remember`): throw E_KEYCHAIN now,
   * before anything is asked, when no keychain answers. The error is the one message (no
   * warning besides it, as reads would give).
   */
  async requireAvailable(): Promise<void> {
    this.warned = true;
    const k = await this.load();
    if (!k) throw keychainUnavailable(this.unavailableReason);
    try {
      await k.getPassword(PASSPHRASE_SERVICE, 'distseal-probe');
    } catch (error) {
      throw keychainUnavailable(describeKeychainError(error), error);
    }
  }

  /** The stored secret, or null when absent or when no keychain is reachable. */
  async get(service: string, account: string): Promise<string | null> {
    const k = await this.load();
    if (!k) return null;
    try {
      return await k.getPassword(service, account);
    } catch (error) {
      this.markUnavailable(error);
      return null;
    }
  }

  /** True when a secret is stored (never returns the secret). */
  async has(service: string, account: string): Promise<boolean> {
    return (await this.get(service, account)) !== null;
  }

  async set(service: string, account: string, secret: string): Promise<void> {
    const k = await this.load();
    if (!k) throw keychainUnavailable(this.unavailableReason);
    try {
      await k.setPassword(service, account, secret);
    } catch (error) {
      throw keychainUnavailable(describeKeychainError(error), error);
    }
  }

  async delete(service: string, account: string): Promise<boolean> {
    const k = await this.load();
    if (!k) throw keychainUnavailable(this.unavailableReason);
    try {
      return await k.deletePassword(service, account);
    } catch (error) {
      throw keychainUnavailable(describeKeychainError(error), error);
    }
  }
}

async function defaultLoader(): Promise<KeytarLike> {
  const module = (await import('@github/keytar')) as unknown as { default?: KeytarLike } & KeytarLike;
  return module.default ?? module;
}

/** A short, secret-free description of why the keychain failed. */
export function describeKeychainError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|Failed to connect|Could not connect/i.test(message))
    return 'no D-Bus session: no Secret Service is running';
  if (/collection\/login|no result found|Object does not exist/i.test(message))
    return 'the Secret Service has no unlocked login keyring';
  if (/Cannot find module|ERR_MODULE_NOT_FOUND/i.test(message)) return 'the keytar module is not installed';
  return message.split('\n')[0]!.slice(0, 200);
}

function keychainUnavailable(reason: string | undefined, cause?: unknown): OperationalError {
  return new OperationalError(
    'E_KEYCHAIN',
    `The OS keychain is not available${reason ? `: ${reason}` : ''}.`,
    {
      cause,
      hint: 'Start a Secret Service (gnome-keyring or KeePassXC) in a desktop session, or use a file or environment variable instead.',
    },
  );
}
