import * as openpgp from 'openpgp';
import { DistsealError, KeyError, UsageError } from '../errors.js';
import { streamIteratedS2K } from '../keys/s2k.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { SecretSource } from './resolve.js';

/** A place a key passphrase may come from; `interactive` sources (a prompt) are asked again after a wrong answer. */
export interface PassphraseSource extends SecretSource {
  interactive?: boolean;
  /** When its value is wrong, warn and go on to the next source instead of failing (a stale keychain entry). */
  fallThroughOnWrong?: boolean;
}

/** How many times a prompt may be answered wrongly before giving up. */
export const DEFAULT_PASSPHRASE_TRIES = 3;

/** True when the key holds encrypted secret material that needs a passphrase before signing. */
export function needsPassphrase(key: openpgp.PrivateKey): boolean {
  return !key.isDecrypted();
}

/** Decrypt a private key; a wrong passphrase is KeyError E_BAD_PASSPHRASE (exit 2). The passphrase never enters a message. */
export async function decryptWithPassphrase(
  key: openpgp.PrivateKey,
  passphrase: string,
  fingerprint = key.getFingerprint().toUpperCase(),
): Promise<openpgp.PrivateKey> {
  try {
    // gpg's iterated S2K counts would otherwise cost ~65 MB per key packet inside openpgp.js.
    streamIteratedS2K(key);
    return await openpgp.decryptKey({ privateKey: key, passphrase });
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/incorrect key passphrase|passphrase|decrypt/i.test(message)) {
      throw new KeyError('E_BAD_PASSPHRASE', `Wrong passphrase for key ${fingerprint}.`, {
        subject: fingerprint,
      });
    }
    throw new KeyError('E_KEY_UNUSABLE', `Key ${fingerprint} cannot be unlocked: ${message.split('\n')[0]}`, {
      subject: fingerprint,
      cause: error,
    });
  }
}

/** Encrypt (or, with an empty passphrase, leave unprotected) a decrypted private key. */
export async function protectKey(
  decrypted: openpgp.PrivateKey,
  passphrase: string,
): Promise<openpgp.PrivateKey> {
  if (passphrase === '') return decrypted;
  return openpgp.encryptKey({ privateKey: decrypted, passphrase });
}

export interface UnlockOptions {
  fingerprint: string;
  sources: PassphraseSource[];
  logger?: Logger;
  tries?: number;
  /** Appended to the "no passphrase given" hint. */
  hint?: string;
}

/**
 * Decrypt `key` with the first source that has a passphrase, in the given order. A key without
 * a passphrase unlocks without asking anyone. An interactive source is asked up to `tries` times;
 * a wrong value from any other source is an error at once (or, for `fallThroughOnWrong`, a
 * warning and the next source). When no source has a value, the error names every way.
 */
export async function unlockPrivateKey(
  key: openpgp.PrivateKey,
  options: UnlockOptions,
): Promise<{ privateKey: openpgp.PrivateKey; source: string }> {
  const logger = options.logger ?? silentLogger;
  const what = `the passphrase of key ${options.fingerprint}`;
  if (!needsPassphrase(key)) {
    logger.debug(`Key ${options.fingerprint} has no passphrase.`);
    return { privateKey: key, source: 'none' };
  }
  const tries = options.tries ?? DEFAULT_PASSPHRASE_TRIES;
  for (const source of options.sources) {
    if (source.enabled === false) continue;
    const attempts = source.interactive ? tries : 1;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      const value = await source.get();
      if (value === undefined || value === null || (value === '' && !source.interactive)) break;
      logger.debug(`Using ${what} from ${source.name}.`);
      try {
        return {
          privateKey: await decryptWithPassphrase(key, value, options.fingerprint),
          source: source.name,
        };
      } catch (error) {
        if (!(error instanceof DistsealError) || error.code !== 'E_BAD_PASSPHRASE') throw error;
        if (source.interactive && attempt < attempts) {
          logger.warn(
            `Wrong passphrase, try again (${attempts - attempt} ${attempts - attempt === 1 ? 'try' : 'tries'} left).`,
          );
          continue;
        }
        if (source.fallThroughOnWrong) {
          logger.warn(
            `The passphrase from ${source.name} is wrong for key ${options.fingerprint}; trying the next way.`,
          );
          break;
        }
        throw new KeyError(
          'E_BAD_PASSPHRASE',
          `Wrong passphrase for key ${options.fingerprint} (from ${source.name}).`,
          {
            subject: options.fingerprint,
            hint: source.interactive
              ? 'Check the passphrase and try again; `distseal keys passwd` changes it once you know it.'
              : `Correct the value given by ${source.name} and try again.`,
          },
        );
      }
    }
  }
  const ways = options.sources.map((s) => s.name).join(', ');
  throw new UsageError(`No passphrase was given for key ${options.fingerprint}.`, {
    subject: options.fingerprint,
    hint: `Supply it with one of: ${ways}.${options.hint ? ` ${options.hint}` : ''}`,
  });
}
