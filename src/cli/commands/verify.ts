import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import type * as openpgp from 'openpgp';
import { DistsealError, ExitCode, InputError, UsageError } from '../../core/errors.js';
import { KeyStore } from '../../core/keys/store.js';
import { mergePolicies, normalizeFingerprint, parsePolicy, type TrustPolicy } from '../../core/trust/policy.js';
import { DEFAULT_SIGN_CONCURRENCY, mapLimit } from '../../core/sign/limit.js';
import { loadKeyring, verifyFile, verifyManifest, type VerifyReport } from '../../core/verify/index.js';
import type { ManifestVerifyReport } from '../../core/verify/manifest.js';
import type { LeafCommand } from '../command.js';
import type { Context } from '../context.js';
import { dropSignaturesOfListed } from './sig-args.js';
import { renderManifest, renderReport } from './verify-render.js';

/** The options every verification mode shares: keys, pins, policy, threshold. */
export interface VerifySettings {
  keys: openpgp.PublicKey[];
  policy: TrustPolicy;
  signers?: string[];
  threshold: number;
  keySource: string;
}

/** Build the yargs options (exported so other verify modes, e.g. --channel, can add theirs). */
export function verifyBuilder(y: Argv): Argv {
  return y
    .positional('files', { type: 'string', array: true, describe: 'Files to verify (their signature is FILE.asc, else FILE.sig)' })
    .option('signature', { alias: 's', type: 'string', describe: 'The signature file, when verifying a single FILE' })
    .option('keyring', { type: 'string', describe: 'Trusted keys: a key file (armored or binary, several keys) or a directory of .asc/.gpg/.pgp (repeatable); default: the trusted keyring in the home' })
    .option('signer', { type: 'string', describe: 'Accept only these primary fingerprints (repeatable)' })
    .option('policy', { type: 'string', describe: 'Trust policy JSON mapping projects to fingerprints (added to the pins from `trust add --for`)' })
    .option('threshold', { type: 'number', default: 1, describe: 'Good signatures required, from distinct trusted keys' })
    .option('manifest', { type: 'string', describe: 'Verify this signed SHA256SUMS, then the files it lists (or the FILEs given, which must be listed)' })
    .option('channel', { type: 'string', describe: 'Also check each conda FILE against this channel (DIR or URL): its signed repodata.json must list the same sha256 and size' })
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
  if (!Number.isInteger(threshold) || threshold < 1) throw new UsageError(`--threshold must be a whole number of at least 1 (got ${argv.threshold}).`);
  // Not yargs `array: true`: that would swallow the FILEs after `--keyring K`. Repeats still give arrays.
  const signers = listOf(argv.signer)?.map(normalizeFingerprint);
  for (const s of signers ?? []) {
    if (!/^([0-9A-F]{40}|[0-9A-F]{64})$/.test(s)) throw new UsageError(`--signer ${s} is not a full fingerprint (40 or 64 hex digits).`, { hint: 'Short key IDs can be forged; use the full fingerprint from `distseal trust list`.' });
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
  const keys = keyrings && keyrings.length > 0 ? await loadKeyring(keyrings, { logger: ctx.logger }) : await store.trustedKeys();
  const keySource = keyrings && keyrings.length > 0 ? keyrings.join(', ') : `the trusted keyring in ${ctx.home}`;
  ctx.logger.debug(`${keys.length} trusted key(s) from ${keySource}`);
  return { keys, policy, signers, threshold, keySource };
}

/**
 * `distseal verify FILE... | --manifest SHA256SUMS [FILE...]`. Exit 0 when everything verified,
 * 3 when any verification failed, 2 when an input could not be read (it still verifies the rest).
 */
export const command: LeafCommand = {
  command: 'verify [files..]',
  describe: 'Verify files against their .asc signatures and the trusted keyring (fail-closed)',
  builder: verifyBuilder,
  run: async (argv, ctx) => {
    const { files, dropped } = dropSignaturesOfListed(((argv.files as string[] | undefined) ?? []).map((f) => path.resolve(ctx.cwd, f)));
    for (const d of dropped) ctx.logger.debug(`skipping ${d}: it is the signature of a file also named`);
    const show = (f: string) => {
      const rel = path.relative(ctx.cwd, f);
      return rel && !rel.startsWith('..') ? rel : f;
    };
    if (argv.signature && (files.length !== 1 || argv.manifest)) throw new UsageError('--signature names the signature of a single FILE (or use FILE.asc beside each file).');
    if (!argv.manifest && files.length === 0) throw new UsageError('Name the files to verify, or --manifest SHA256SUMS.');
    const settings = await loadVerifySettings(argv, ctx);
    const common = { keys: settings.keys, policy: settings.policy, signers: settings.signers, threshold: settings.threshold, logger: ctx.logger };
    if (argv.channel) {
      if (argv.manifest || argv.signature) throw new UsageError('--channel does not combine with --manifest or --signature.');
      const { runVerifyChannel } = await import('./channel/verify-file.js');
      return runVerifyChannel(files, argv.channel, settings, ctx);
    }

    if (argv.manifest) {
      const report: ManifestVerifyReport = await verifyManifest({ ...common, manifest: path.resolve(ctx.cwd, argv.manifest), files: files.length > 0 ? files : undefined });
      ctx.out.result(renderManifest(report, show), { ok: report.verified, manifest: report.manifest, entries: report.entries });
      return report.verified ? ExitCode.ok : ExitCode.verification;
    }

    const reports: VerifyReport[] = [];
    const errors: Array<ReturnType<DistsealError['toJSON']>> = [];
    const lines: string[] = [];
    // Files are hashed concurrently (reads overlap); results are reported in the order given.
    const outcomes = await mapLimit(files, DEFAULT_SIGN_CONCURRENCY, async (file) => {
      try {
        return { file, report: await verifyFile({ ...common, file, signatureFile: argv.signature ? path.resolve(ctx.cwd, argv.signature) : undefined }) };
      } catch (error) {
        if (!(error instanceof DistsealError) || error.kind !== 'input') throw error;
        return { file, error };
      }
    });
    for (const o of outcomes) {
      if (o.report) {
        reports.push(o.report);
        lines.push(...renderReport(o.report, show));
      } else {
        errors.push(o.error.toJSON());
        lines.push(`${show(o.file)}: ERROR - ${o.error.message}${o.error.hint ? `\n  hint: ${o.error.hint}` : ''}`);
      }
    }
    const ok = errors.length === 0 && reports.every((r) => r.verified);
    ctx.out.result(lines, { ok, results: reports, errors });
    if (errors.length > 0) return ExitCode.usage;
    return ok ? ExitCode.ok : ExitCode.verification;
  },
};
