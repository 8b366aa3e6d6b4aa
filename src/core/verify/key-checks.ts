import * as openpgp from 'openpgp';
import { expiryOf, signingValidityAt, type Validity } from './key-facts.js';

type SigningKey = Awaited<ReturnType<openpgp.PublicKey['getSigningKey']>>;

/** Answers kept per key; the oldest is dropped beyond this (signatures made at many times). */
export const MAX_ANSWERS_PER_KEY = 1024;

/**
 * Key checks remembered for one run over many files (`verify DIR`, `verify FILE...`), so each
 * trusted key's self-signatures and expiry are worked out once per (key, subkey, date) instead of
 * once per file: about 0.8 ms of openpgp.js work per file, most of a small file's verification.
 *
 * Fail closed: an answer is reused only for the very same question. Entries live per key object
 * (two keys never share one), and each is keyed by the signing key ID and the exact time the
 * check is made for (a key valid at one time may be expired or revoked at another). Only calls
 * with the default user ID and openpgp.js's default configuration are remembered; any other
 * call goes through unremembered. A refusal is remembered as the same refusal (the same error).
 * The keys must not change while the cache is in use: make one per run, never keep it across
 * runs (a refreshed key is a new key object, and a new run makes a new cache anyway).
 */
export class KeyChecks {
  private readonly answers = new WeakMap<openpgp.PublicKey, Map<string, Promise<unknown>>>();
  private readonly stand = new WeakMap<openpgp.PublicKey, openpgp.PublicKey>();

  /** signingValidityAt (key-facts.ts), remembered per key, signing key ID and time. */
  validityAt(key: openpgp.PublicKey, signingKeyID: openpgp.KeyID, date: Date): Promise<Validity> {
    return this.remember(key, `validity ${signingKeyID.toHex()} ${date.getTime()}`, () =>
      signingValidityAt(key, signingKeyID, date),
    );
  }

  /** expiryOf (key-facts.ts): it depends on the key alone (openpgp.js asks at no particular time). */
  expiry(key: openpgp.PublicKey): Promise<string | null | undefined> {
    return this.remember(key, 'expiry', () => expiryOf(key));
  }

  /**
   * A stand-in for `key` to hand openpgp.verify: the key itself as prototype (every field and
   * method is the key's), with getSigningKey remembered as above. openpgp.js asks it once per
   * signature for the key's validity when it signed; files signed the same second share the answer.
   */
  verifier(key: openpgp.PublicKey): openpgp.PublicKey {
    let stand = this.stand.get(key);
    if (stand) return stand;
    stand = Object.create(key) as openpgp.PublicKey;
    const getSigningKey = (
      keyID?: openpgp.KeyID | null,
      date?: Date | null,
      userID?: openpgp.UserID,
      config?: openpgp.Config,
    ): Promise<SigningKey> => {
      const call = () => key.getSigningKey(keyID as openpgp.KeyID, date as Date, userID, config);
      if (!keyID || !date || !isDefaultUser(userID) || !isDefaultConfig(config)) return call();
      return this.remember(key, `signing ${keyID.toHex()} ${date.getTime()}`, call);
    };
    Object.defineProperty(stand, 'getSigningKey', { value: getSigningKey });
    this.stand.set(key, stand);
    return stand;
  }

  private remember<T>(key: openpgp.PublicKey, question: string, answer: () => Promise<T>): Promise<T> {
    let known = this.answers.get(key);
    if (!known) this.answers.set(key, (known = new Map()));
    let result = known.get(question) as Promise<T> | undefined;
    if (!result) {
      result = answer();
      // Remembered refusals are handled by every later caller; this one keeps Node from warning.
      result.catch(() => undefined);
      known.set(question, result);
      // Bounded: a run over files signed at many different times keeps only the newest answers.
      if (known.size > MAX_ANSWERS_PER_KEY) known.delete(known.keys().next().value!);
    }
    return result;
  }
}

function isDefaultUser(userID: openpgp.UserID | undefined): boolean {
  return userID === undefined || Object.keys(userID).length === 0;
}

/** openpgp.verify passes `{ ...openpgp.config, ...options.config }`: the defaults when every field is. */
function isDefaultConfig(config: openpgp.Config | undefined): boolean {
  if (config === undefined || config === openpgp.config) return true;
  const defaults = openpgp.config as unknown as Record<string, unknown>;
  const given = config as unknown as Record<string, unknown>;
  const names = Object.keys(given);
  return (
    names.length === Object.keys(defaults).length && names.every((name) => given[name] === defaults[name])
  );
}
