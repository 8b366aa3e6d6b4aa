import type { Argv } from 'yargs';
import type * as openpgp from 'openpgp';
import { KeyError } from '../core/errors.js';
import type { KeyInfo } from '../core/keys/info.js';
import { KeyStore } from '../core/keys/store.js';
import { Keychain, PASSPHRASE_SERVICE } from '../core/secrets/keychain.js';
import { unlockPrivateKey, type PassphraseSource } from '../core/secrets/passphrase.js';
import type { Context } from './context.js';
import { promptHidden, readSecretFlag } from './passphrase-input.js';

/** The environment variable that may hold a key passphrase (for CI). */
export const PASSPHRASE_ENV = 'DISTSEAL_PASSPHRASE';

/** Add --passphrase-file FILE and --passphrase-fd N to a command (never a passphrase value on argv). */
export function withPassphraseOptions(y: Argv): Argv {
  return y
    .option('passphrase-file', {
      type: 'string',
      describe: 'Read the key passphrase from the first line of FILE',
    })
    .option('passphrase-fd', {
      type: 'number',
      describe: 'Read the key passphrase from file descriptor N (0 = stdin)',
    });
}

export interface UnlockFlags {
  key?: string;
  passphraseFile?: string;
  passphraseFd?: number;
  /** Programmatic only (the wizard): a passphrase already collected. Never a flag. */
  passphraseValue?: string;
  /** A Keychain to share with the caller (so "not reachable" is said once per run). */
  keychain?: Keychain;
}

/**
 * The passphrase sources in the documented order: --passphrase-file / --passphrase-fd,
 * DISTSEAL_PASSPHRASE, the OS keychain (service "distseal", account = fingerprint), a prompt
 * (interactive only, three tries).
 */
export function passphraseSources(
  ctx: Context,
  opts: UnlockFlags,
  fingerprint: string,
  label: string,
): PassphraseSource[] {
  const keychain = opts.keychain ?? new Keychain(ctx.logger);
  let flagRead: Promise<string | undefined> | undefined;
  const sources: PassphraseSource[] = [];
  if (opts.passphraseValue !== undefined)
    sources.push({ name: 'the wizard', get: () => opts.passphraseValue });
  sources.push(
    {
      name: '--passphrase-file FILE or --passphrase-fd N',
      // Read once: a pipe or stdin cannot be read twice.
      get: () => (flagRead ??= readSecretFlag(ctx, opts.passphraseFile, opts.passphraseFd, 'passphrase')),
    },
    {
      name: PASSPHRASE_ENV,
      get: () => ctx.env[PASSPHRASE_ENV],
    },
    {
      name: 'the OS keychain (`distseal keys remember`)',
      fallThroughOnWrong: true,
      get: () => keychain.get(PASSPHRASE_SERVICE, fingerprint),
    },
    {
      name: 'a prompt (in a terminal)',
      enabled: ctx.interactive,
      interactive: true,
      get: () => promptHidden(ctx, `Passphrase for ${label}:`),
    },
  );
  return sources;
}

/** A short "FPR (user ID)" label for prompts. */
export function keyLabel(info: KeyInfo): string {
  return `${info.fingerprint}${info.userIDs[0] ? ` (${info.userIDs[0]})` : ''}`;
}

/**
 * Find your key (`key` selector or the default) and decrypt it for signing. KeyError when it
 * has no secret here (E_NO_SECRET) or the passphrase is wrong (E_BAD_PASSPHRASE), UsageError
 * naming each way when no passphrase was given.
 */
export async function unlockOwnKey(
  ctx: Context,
  opts: UnlockFlags,
): Promise<{ fingerprint: string; privateKey: openpgp.PrivateKey; info: KeyInfo }> {
  const store = await KeyStore.open({ home: ctx.home, logger: ctx.logger });
  const own = await store.findOwn(opts.key);
  if (!own.hasSecret || !own.key.isPrivate()) {
    throw new KeyError(
      'E_NO_SECRET',
      `Only the public part of key ${own.fingerprint} is here; signing needs its secret key.`,
      {
        subject: own.fingerprint,
        hint: 'Import the secret key (`distseal keys import SECRET.asc`, or a `keys export --subkeys-only` file for CI).',
      },
    );
  }
  // Refuse before asking for a passphrase: what a revoked or expired key signs fails verification.
  if (own.info.revoked) {
    throw new KeyError(
      'E_KEY_REVOKED',
      `Key ${own.fingerprint} is revoked; signatures made with it will not verify.`,
      {
        subject: own.fingerprint,
        hint: 'Create a new key (`distseal keys generate`) and make it the default, or name another with --key.',
      },
    );
  }
  if (own.info.expired) {
    throw new KeyError(
      'E_KEY_EXPIRED',
      `Key ${own.fingerprint} expired on ${own.info.expires?.slice(0, 10)}.`,
      {
        subject: own.fingerprint,
        hint: 'Extend it where its primary secret is (e.g. gpg --quick-set-expire FPR 1y, then `distseal keys import`), or create a new key.',
      },
    );
  }
  const { privateKey, source } = await unlockPrivateKey(own.key, {
    fingerprint: own.fingerprint,
    sources: passphraseSources(ctx, opts, own.fingerprint, keyLabel(own.info)),
    logger: ctx.logger,
  });
  ctx.logger.debug(`Unlocked key ${own.fingerprint} (passphrase from ${source}).`);
  try {
    // The newest valid signing-capable (sub)key, exactly as openpgp.sign will choose it.
    const signer = await privateKey.getSigningKey();
    if ((signer.keyPacket as openpgp.SecretKeyPacket).isDummy?.())
      throw new Error('the signing key has no secret here');
  } catch (error) {
    throw new KeyError(
      'E_NO_SIGNING_KEY',
      `Key ${own.fingerprint} has no usable signing key here: ${(error as Error).message}.`,
      {
        subject: own.fingerprint,
        cause: error,
        hint: 'Check `distseal keys list`: the signing subkey may have expired or been revoked, or only its public part is present.',
      },
    );
  }
  return { fingerprint: own.fingerprint, privateKey, info: own.info };
}
