import { UsageError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';

/** One place a secret may come from, in the documented order (flag, env, config, keychain, prompt). */
export interface SecretSource {
  /** How the user would name this way, e.g. "--passphrase-file FILE", "DISTSEAL_PASSPHRASE", "the OS keychain". */
  name: string;
  /** Resolve to the value, or undefined/null when this source has none. */
  get: () => Promise<string | undefined | null> | string | undefined | null;
  /** When false the source is listed in the "how to supply it" error but never asked (e.g. a prompt when not interactive). */
  enabled?: boolean;
}

export interface ResolvedSecret {
  value: string;
  /** Which source gave it; log this, never the value. */
  source: string;
}

export interface ResolveSecretOptions {
  /** What is being resolved, for messages ("the passphrase of key 0123…"). */
  what: string;
  logger?: Logger;
  /** Extra advice appended to the "not found" hint. */
  hint?: string;
}

/**
 * Ask each source in order and return the first value found, logging (debug) where it came
 * from. When none has one, throw an error that names every way to supply it.
 */
export async function resolveSecret(
  sources: SecretSource[],
  options: ResolveSecretOptions,
): Promise<ResolvedSecret> {
  const logger = options.logger ?? silentLogger;
  for (const source of sources) {
    if (source.enabled === false) continue;
    const value = await source.get();
    if (value !== undefined && value !== null && value !== '') {
      logger.debug(`Using ${options.what} from ${source.name}.`);
      return { value, source: source.name };
    }
  }
  const ways = sources.map((s) => s.name).join(', ');
  throw new UsageError(`No ${options.what} was given.`, {
    hint: `Supply it with one of: ${ways}.${options.hint ? ` ${options.hint}` : ''}`,
  });
}

/** Strip one trailing newline (files and pipes usually end with one); keep other whitespace. */
export function chompSecret(text: string): string {
  return text.replace(/\r?\n$/, '');
}
