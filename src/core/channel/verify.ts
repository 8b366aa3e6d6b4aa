import type * as openpgp from 'openpgp';
import { condaDigests } from '../distributions/conda/digests.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { TrustPolicy } from '../trust/policy.js';
import { KeyChecks } from '../verify/key-checks.js';
import { parseRepodata, type Repodata, type RepodataRecord } from './repodata.js';
import { recordMismatches, type ChannelProblem } from './mismatches.js';
import { fetchOrProblem, readBoundedText, packageLimit, repodataLimit } from './fetch-limits.js';
import type { ProxyConfig } from '../net/proxy.js';
import { openChannelSource, type ChannelSource } from './source.js';
import { sidecarVerdict, verifyWithSidecar, type SignatureSummary } from './sidecar.js';
import { REPODATA_FILE } from './store.js';

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
  /** Key checks remembered across the run (verify/key-checks.ts); default: a new cache per run. */
  keyChecks?: KeyChecks;
}

export { recordMismatches } from './mismatches.js';

export type { ChannelProblem } from './mismatches.js';

export interface ChannelEntryResult {
  /** `<subdir>/<fn>` or `<subdir>/repodata.json`. */
  path: string;
  kind: 'repodata' | 'package';
  ok: boolean;
  /** The signature verdict (signer, time, algorithms), when a signature was checked. */
  signature?: SignatureSummary;
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
  // One run: each trusted key's checks are made once for all the channel's signatures.
  options = { ...options, keyChecks: options.keyChecks ?? new KeyChecks() };
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

async function checkRepodata(
  source: ChannelSource,
  subdir: string,
  local: string,
  options: ChannelVerifyOptions,
  logger: Logger,
): Promise<{ entry: ChannelEntryResult; repodata?: Repodata }> {
  const rel = `${subdir}/${REPODATA_FILE}`;
  const problems: ChannelProblem[] = [];
  const { signature, problem } = sidecarVerdict(
    rel,
    await verifyWithSidecar(source, rel, local, options),
    'E_REPODATA_SIGNATURE',
  );
  if (problem) problems.push(problem);
  let repodata: Repodata | undefined;
  try {
    repodata = parseRepodata(await readBoundedText(local, repodataLimit(options)), rel, subdir);
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
    const { signature, problem } = sidecarVerdict(
      rel,
      await verifyWithSidecar(source, rel, local, options),
      'E_PACKAGE_SIGNATURE',
    );
    if (problem) problems.push(problem);
    logger.debug(`${rel}: ${problems.length ? 'FAILED' : 'ok'}`);
    return { path: rel, kind: 'package', ok: problems.length === 0, signature, problems };
  } finally {
    await source.release(local);
  }
}
