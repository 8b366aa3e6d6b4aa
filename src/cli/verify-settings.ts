import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import type * as openpgp from 'openpgp';
import { InputError, UsageError } from '../core/errors.js';
import { KeyStore } from '../core/keys/store.js';
import { mergePolicies, normalizeFingerprint, parsePolicy, type TrustPolicy } from '../core/trust/policy.js';
import { loadKeyring } from '../core/verify/keyring.js';
import type { Context } from './context.js';

/** The options every verification mode shares: keys, pins, policy, threshold. */
export interface VerifySettings {
  keys: openpgp.PublicKey[];
  policy: TrustPolicy;
  signers?: string[];
  threshold: number;
  keySource: string;
  /** Your own keys' primary fingerprints when they are among `keys` (the home's keyring, not --keyring). */
  ownFingerprints: string[];
  /** --binary-only: refuse text-mode signatures. */
  binaryOnly: boolean;
}

/** The verifier's options from the settings: what every verify mode passes to the core. */
export function verifierOptions(
  settings: VerifySettings,
): Pick<VerifySettings, 'keys' | 'policy' | 'signers' | 'threshold' | 'ownFingerprints' | 'binaryOnly'> {
  const { keys, policy, signers, threshold, ownFingerprints, binaryOnly } = settings;
  return { keys, policy, signers, threshold, ownFingerprints, binaryOnly };
}

/** What a channel check (`channel verify`, `verify --channel`) takes from the settings and the context. */
export function channelVerifierOptions(settings: VerifySettings, ctx: Context) {
  const { keys, policy, signers, threshold } = settings;
  return { keys, policy, signers, threshold, cwd: ctx.cwd, proxy: ctx.proxy, logger: ctx.logger };
}

/** Build the yargs options (exported so other verify modes, e.g. --channel, can add theirs). */
export function verifyBuilder(y: Argv): Argv {
  return y
    .positional('files', {
      type: 'string',
      array: true,
      describe: 'Files to verify (their signature is FILE.asc, else FILE.sig)',
    })
    .option('signature', {
      alias: 's',
      type: 'string',
      describe: 'The signature file, when verifying a single FILE',
    })
    .option('keyring', {
      type: 'string',
      describe:
        'Trusted keys: a key file (armored or binary, several keys) or a directory of .asc/.gpg/.pgp (repeatable); default: the trusted keyring in the home',
    })
    .option('signer', { type: 'string', describe: 'Accept only these primary fingerprints (repeatable)' })
    .option('policy', {
      type: 'string',
      describe:
        'Trust policy JSON mapping projects to fingerprints (added to the pins from `trust add --for`)',
    })
    .option('binary-only', {
      type: 'boolean',
      default: false,
      describe:
        'Refuse text-mode signatures (they are checked over the text with CRLF line endings, not the exact bytes)',
    })
    .option('project', {
      type: 'string',
      describe:
        "The project the FILEs belong to, for the trust policy's pins (needed when pins exist and a file name does not tell)",
    })
    .option('threshold', {
      type: 'number',
      default: 1,
      describe: 'Good signatures required, from distinct trusted keys',
    })
    .option('manifest', {
      type: 'string',
      describe:
        'Verify this signed SHA256SUMS, then the files it lists (or the FILEs given, which must be listed)',
    })
    .option('channel', {
      type: 'string',
      describe:
        'Also check each conda FILE against this channel (DIR or URL): its signed repodata.json must list the same sha256 and size',
    })
    .option('max-repodata-size', {
      type: 'string',
      describe: 'With --channel: the largest repodata.json to read or download (default 256M)',
    })
    .example('$0 verify dist/*.whl', 'against the trusted keyring in the home')
    .example('$0 verify pkg-1.0.tar.gz --keyring maintainer.asc --signer FPR', 'against one key, pinned')
    .example('$0 verify --manifest SHA256SUMS', 'the signed checksums, then every listed file');
}

/** A repeatable string flag as a list (undefined when absent). */
function listOf(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** Keys, policy and pins from the flags and the home. */
export async function loadVerifySettings(argv: Record<string, any>, ctx: Context): Promise<VerifySettings> {
  const threshold = argv.threshold ?? 1;
  if (!Number.isInteger(threshold) || threshold < 1)
    throw new UsageError(`--threshold must be a whole number of at least 1 (got ${argv.threshold}).`);
  // Not yargs `array: true`: that would swallow the FILEs after `--keyring K`. Repeats still give arrays.
  const signers = listOf(argv.signer)?.map(normalizeFingerprint);
  for (const s of signers ?? []) {
    if (!/^([0-9A-F]{40}|[0-9A-F]{64})$/.test(s))
      throw new UsageError(`--signer ${s} is not a full fingerprint (40 or 64 hex digits).`, {
        hint: 'Short key IDs can be forged; use the full fingerprint from `distseal trust list`.',
      });
  }
  const store = await KeyStore.open({ home: ctx.home, logger: ctx.logger });
  let policy = await store.trustPolicy();
  if (argv.policy) {
    const file = path.resolve(ctx.cwd, argv.policy);
    const text = await fs.readFile(file, 'utf8').catch((error: Error) => {
      throw new InputError('E_POLICY', `Cannot read the policy ${file}: ${error.message}`, { subject: file });
    });
    policy = mergePolicies(policy, parsePolicy(text, file));
  }
  const keyrings = listOf(argv.keyring)?.map((k) => path.resolve(ctx.cwd, k));
  const binaryOnly = argv.binaryOnly === true || argv['binary-only'] === true;
  if (keyrings && keyrings.length > 0) {
    const keys = await loadKeyring(keyrings, { logger: ctx.logger });
    const keySource = keyrings.join(', ');
    ctx.logger.debug(`${keys.length} trusted key(s) from ${keySource}`);
    return { keys, policy, signers, threshold, keySource, ownFingerprints: [], binaryOnly };
  }
  // Your own keys count as trusted, as gpg trusts its own secret keys: sign then verify works in one home.
  const own = (await store.loadOwn()).map((k) =>
    k.key.isPrivate() ? k.key.toPublic() : (k.key as openpgp.PublicKey),
  );
  const ownFingerprints = own.map((k) => k.getFingerprint().toUpperCase());
  const trusted = (await store.trustedKeys()).filter(
    (k) => !ownFingerprints.includes(k.getFingerprint().toUpperCase()),
  );
  const keys = [...own, ...trusted];
  const keySource = `the trusted keyring and your own keys in ${ctx.home}`;
  ctx.logger.debug(`${trusted.length} trusted key(s) and ${own.length} of your own from ${ctx.home}`);
  return { keys, policy, signers, threshold, keySource, ownFingerprints, binaryOnly };
}
