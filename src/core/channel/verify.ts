import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as openpgp from 'openpgp';
import { condaDigests } from '../distributions/conda/digests.js';
import { DistsealError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { TrustPolicy } from '../trust/policy.js';
import { problemsText } from '../verify/reasons.js';
import { verifyFile, type VerifyReport } from '../verify/verify-file.js';
import { parseRepodata, type Repodata, type RepodataRecord } from './repodata.js';
import { recordMismatches, type ChannelProblem } from './mismatches.js';
import { fetchOrProblem, packageLimit, repodataLimit, SIGNATURE_LIMIT } from './fetch-limits.js';
import type { ProxyConfig } from '../net/proxy.js';
import { openChannelSource, type ChannelSource } from './source.js';
import { REPODATA_FILE, SIGNATURE_SUFFIX } from './store.js';

export interface ChannelVerifyOptions {
  /** A channel directory or an http(s) URL. */
  channel: string;
  keys: openpgp.PublicKey[];
  policy?: TrustPolicy;
  signers?: string[];
  threshold?: number;
  cwd?: string;
  /** Proxies for a channel URL (HTTPS_PROXY, HTTP_PROXY, NO_PROXY as the CLI read them). */
  proxy?: ProxyConfig;
  logger?: Logger;
  /** Largest repodata.json read or downloaded (default MAX_REPODATA_BYTES; `--max-repodata-size`). */
  maxRepodataBytes?: number;
  /** Total time one download may take (default DEFAULT_DOWNLOAD_DEADLINE_MS). */
  deadlineMs?: number;
}

export { recordMismatches } from './mismatches.js';

export type { ChannelProblem } from './mismatches.js';

export interface ChannelEntryResult {
  /** `<subdir>/<fn>` or `<subdir>/repodata.json`. */
  path: string;
  kind: 'repodata' | 'package';
  ok: boolean;
  /** The signature verdict (signer, time, algorithms), when a signature was checked. */
  signature?: Pick<VerifyReport, 'verified' | 'goodSignatures' | 'signatures' | 'problems'>;
  problems: ChannelProblem[];
}

export interface ChannelVerifyReport {
  channel: string;
  verified: boolean;
  subdirs: string[];
  entries: ChannelEntryResult[];
}

/**
 * `distseal channel verify`: every subdir's repodata.json against repodata.json.asc, every
 * record's size and sha256 (and md5) against the file it names, and every package against its
 * own `.asc`, all with the trusted keyring. Fails closed: a missing signature or file fails.
 */
export async function verifyChannel(options: ChannelVerifyOptions): Promise<ChannelVerifyReport> {
  const logger = options.logger ?? silentLogger;
  const source = await openChannelSource(options.channel, options.cwd, options);
  const entries: ChannelEntryResult[] = [];
  const seen: string[] = [];
  try {
    for (const subdir of await source.subdirs()) {
      const repodataPath = `${subdir}/${REPODATA_FILE}`;
      const fetched = await fetchOrProblem(source, repodataPath, repodataLimit(options));
      if (typeof fetched !== 'string' && fetched !== undefined) {
        seen.push(subdir);
        entries.push({ path: repodataPath, kind: 'repodata', ok: false, problems: [fetched] });
        continue;
      }
      const local = fetched;
      if (!local) {
        if (subdir === 'noarch') {
          entries.push({
            path: repodataPath,
            kind: 'repodata',
            ok: false,
            problems: [
              {
                subject: repodataPath,
                code: 'E_NOT_A_CHANNEL',
                message: `${source.display} has no noarch/repodata.json, so it is not a conda channel.`,
                hint: 'Create one with `distseal channel add CHANNEL_DIR FILE...`.',
              },
            ],
          });
        }
        continue;
      }
      seen.push(subdir);
      const { entry, repodata } = await checkRepodata(source, subdir, local, options, logger);
      entries.push(entry);
      if (!repodata) continue;
      for (const section of ['packages', 'packages.conda'] as const) {
        for (const [fn, record] of Object.entries(repodata[section]).sort(([a], [b]) => a.localeCompare(b))) {
          entries.push(await checkPackage(source, subdir, fn, record, options, logger));
        }
      }
    }
  } finally {
    await source.close();
  }
  return {
    channel: source.display,
    verified: entries.length > 0 && entries.every((e) => e.ok),
    subdirs: seen,
    entries,
  };
}

function summary(r: VerifyReport): ChannelEntryResult['signature'] {
  return {
    verified: r.verified,
    goodSignatures: r.goodSignatures,
    signatures: r.signatures,
    problems: r.problems,
  };
}

/** Fetch `relative.asc` next to `local` (remote) and verify `local` with it. */
export async function verifyWithSidecar(
  source: ChannelSource,
  relative: string,
  local: string,
  options: Omit<ChannelVerifyOptions, 'channel'>,
): Promise<VerifyReport | ChannelProblem> {
  const sig = await fetchOrProblem(source, relative + SIGNATURE_SUFFIX, SIGNATURE_LIMIT);
  if (typeof sig === 'object') return sig;
  if (!sig)
    return {
      subject: relative,
      code: 'E_NO_SIGNATURE',
      message: `${relative} has no signature ${path.basename(relative)}${SIGNATURE_SUFFIX} in the channel.`,
      hint: 'Run `distseal channel add` again with the package to sign it, or ask the channel owner.',
    };
  try {
    const report = await verifyFile({
      file: local,
      signatureFile: sig,
      keys: options.keys,
      // repodata.json lists many projects: their pins apply to each package's own signature.
      policy: path.basename(relative) === REPODATA_FILE ? undefined : options.policy,
      // A remote copy is saved under another name: the pins follow the published one.
      name: path.basename(relative),
      signers: options.signers,
      threshold: options.threshold,
      logger: options.logger,
    });
    // A remote channel's signature was fetched into a temp file that is gone by now: name it
    // by its place in the channel, in the report and every message (issue 15 item 16).
    const shown = `${source.display.replace(/\/?$/, '/')}${relative}${SIGNATURE_SUFFIX}`;
    return sig === shown ? report : (renamePath(report, sig, shown) as VerifyReport);
  } catch (error) {
    if (error instanceof DistsealError && error.kind === 'input')
      return {
        subject: relative,
        code: error.code,
        message: `${relative}: ${error.message}`,
        hint: error.hint,
      };
    throw error;
  } finally {
    await source.release(sig);
  }
}

/** `value` with every occurrence of the string `from` inside its strings replaced by `to`. */
function renamePath(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.split(from).join(to);
  if (Array.isArray(value)) return value.map((v) => renamePath(v, from, to));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renamePath(v, from, to)]));
  return value;
}

async function checkRepodata(
  source: ChannelSource,
  subdir: string,
  local: string,
  options: ChannelVerifyOptions,
  logger: Logger,
): Promise<{ entry: ChannelEntryResult; repodata?: Repodata }> {
  const rel = `${subdir}/${REPODATA_FILE}`;
  const problems: ChannelProblem[] = [];
  const verdict = await verifyWithSidecar(source, rel, local, options);
  const signature = 'verified' in verdict ? summary(verdict) : undefined;
  if (!('verified' in verdict)) problems.push(verdict);
  else if (!verdict.verified)
    problems.push({
      subject: rel,
      code: 'E_REPODATA_SIGNATURE',
      message: `The signature of ${rel} does not verify: ${problemsText(verdict.problems)}.`,
      hint: verdict.problems[0]?.hint,
    });
  let repodata: Repodata | undefined;
  try {
    repodata = parseRepodata(await readFile(local, 'utf8'), rel, subdir);
  } catch (error) {
    problems.push({
      subject: rel,
      code: (error as { code?: string }).code ?? 'E_REPODATA_CORRUPT',
      message: (error as Error).message,
    });
  }
  await source.release(local);
  logger.debug(`${rel}: ${problems.length ? 'FAILED' : 'ok'}`);
  return { entry: { path: rel, kind: 'repodata', ok: problems.length === 0, signature, problems }, repodata };
}

async function checkPackage(
  source: ChannelSource,
  subdir: string,
  fn: string,
  record: RepodataRecord,
  options: ChannelVerifyOptions,
  logger: Logger,
): Promise<ChannelEntryResult> {
  const rel = `${subdir}/${fn}`;
  // The record says how large the file is: a server sending more is cut off there.
  const local = await fetchOrProblem(source, rel, packageLimit(record));
  if (typeof local === 'object')
    return { path: rel, kind: 'package', ok: false, problems: [{ ...local, code: 'E_SIZE_MISMATCH' }] };
  if (!local)
    return {
      path: rel,
      kind: 'package',
      ok: false,
      problems: [
        {
          subject: rel,
          code: 'E_MISSING_PACKAGE',
          message: `repodata.json lists ${rel} but the file is not in the channel.`,
        },
      ],
    };
  try {
    const problems = recordMismatches(rel, record, await condaDigests(local));
    const verdict = await verifyWithSidecar(source, rel, local, options);
    const signature = 'verified' in verdict ? summary(verdict) : undefined;
    if (!('verified' in verdict)) problems.push(verdict);
    else if (!verdict.verified)
      problems.push({
        subject: rel,
        code: 'E_PACKAGE_SIGNATURE',
        message: `The signature of ${rel} does not verify: ${problemsText(verdict.problems)}.`,
        hint: verdict.problems[0]?.hint,
      });
    logger.debug(`${rel}: ${problems.length ? 'FAILED' : 'ok'}`);
    return { path: rel, kind: 'package', ok: problems.length === 0, signature, problems };
  } finally {
    await source.release(local);
  }
}
