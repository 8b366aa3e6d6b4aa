import { copyFile } from 'node:fs/promises';
import type { Repodata, RepodataRecord } from '../channel/repodata.js';
import type { ChannelSource } from '../channel/source.js';
import { REPODATA_FILE, SIGNATURE_SUFFIX } from '../channel/store.js';
import { recordMismatches, type ChannelProblem } from '../channel/mismatches.js';
import { condaDigests } from '../distributions/conda/digests.js';
import { InputError } from '../errors.js';
import { wrapFsError } from '../io/atomic.js';
import { silentLogger } from '../logger.js';
import { verifyFile, type VerifyReport } from '../verify/verify-file.js';
import { openDownloadSource } from './channel-remote.js';
import type { TrustInputs } from './fetch-verified.js';
import type { FetchOptions } from './open-url.js';
import { parseCondaSpec, pickRecord } from './conda-spec.js';
import { signedRepodata } from './conda-repodata.js';
import { openStage } from './stage.js';

export interface CondaDownloadOptions extends TrustInputs {
  /** `conda:NAME` or `conda:NAME==VERSION`. */
  specs: string[];
  /** Channel URL or directory. */
  channel: string;
  cwd?: string;
  /** Subdirs to look in, in order of preference. */
  subdirs: string[];
  dest: string;
  /** For a URL channel: --cert, retries, timeouts. */
  fetch?: FetchOptions;
}

export interface CondaDownloaded {
  spec: string;
  /** `<subdir>/<fn>` in the channel. */
  path: string;
  filename: string;
  sha256?: string;
  size?: number;
  /** The repodata.json that listed it: signature verdict. */
  repodataVerified: boolean;
  /** The package's own .asc verdict, when the channel has one. */
  signature?: VerifyReport;
  verified: boolean;
  problems: ChannelProblem[];
  landed?: string;
}

export interface CondaDownloadReport {
  channel: string;
  dest: string;
  ok: boolean;
  packages: CondaDownloaded[];
}

/**
 * `distseal download conda:NAME[==VERSION] --channel C`: verify each subdir's repodata.json
 * against its .asc first, pick the package from the signed records, copy it into a stage in
 * DEST, check its size and sha256 against the signed record and its own .asc when the channel
 * has one, and land it only when all of that holds.
 */
export async function downloadConda(options: CondaDownloadOptions): Promise<CondaDownloadReport> {
  const logger = options.logger ?? silentLogger;
  const wanted = options.specs.map(parseCondaSpec);
  const source = await openDownloadSource(options.channel, options.cwd, { logger, ...(options.fetch ?? {}) });
  const results: CondaDownloaded[] = [];
  const stage = await openStage(options.dest);
  try {
    const indexes: Array<{ subdir: string; repodata: Repodata }> = [];
    for (const subdir of options.subdirs) {
      const r = await signedRepodata(source, subdir, { ...options, logger });
      if (r.problems.length > 0)
        return {
          channel: source.display,
          dest: options.dest,
          ok: false,
          packages: wanted.map((w) => ({
            spec: w.spec,
            path: `${subdir}/${REPODATA_FILE}`,
            filename: '',
            repodataVerified: false,
            verified: false,
            problems: r.problems,
          })),
        };
      if (r.repodata) indexes.push({ subdir, repodata: r.repodata });
    }
    if (indexes.length === 0)
      throw new InputError(
        'E_NOT_A_CHANNEL',
        `${source.display} has no repodata.json in ${options.subdirs.join(', ')}.`,
        {
          subject: source.display,
          hint: 'Check --channel, or name the platform with --subdir.',
        },
      );
    for (const want of wanted) {
      const hit = indexes
        .map((i) => ({ subdir: i.subdir, found: pickRecord(i.repodata, want) }))
        .find((i) => i.found);
      if (!hit?.found)
        throw new InputError(
          'E_NO_FILES',
          `The channel lists no ${want.name}${want.version ? ` ${want.version}` : ''} in ${options.subdirs.join(', ')}.`,
          {
            subject: want.spec,
          },
        );
      results.push(
        await fetchPackage(source, stage.path(hit.found.fn), hit.subdir, hit.found, want.spec, {
          ...options,
          logger,
        }),
      );
    }
    const ok = results.every((r) => r.verified);
    if (ok) {
      const landed = await stage.land(
        results.flatMap((r) =>
          r.signature ? [r.filename, `${r.filename}${SIGNATURE_SUFFIX}`] : [r.filename],
        ),
      );
      for (const r of results) r.landed = landed.find((p) => p.endsWith(r.filename));
    }
    return { channel: source.display, dest: options.dest, ok, packages: results };
  } finally {
    await stage.discard();
    await source.close();
  }
}

async function fetchPackage(
  source: ChannelSource,
  staged: string,
  subdir: string,
  found: { fn: string; record: RepodataRecord },
  spec: string,
  trust: TrustInputs,
): Promise<CondaDownloaded> {
  const rel = `${subdir}/${found.fn}`;
  const result: CondaDownloaded = {
    spec,
    path: rel,
    filename: found.fn,
    repodataVerified: true,
    verified: false,
    problems: [],
  };
  const local = await source.fetch(rel);
  if (!local) {
    result.problems.push({
      subject: rel,
      code: 'E_MISSING_PACKAGE',
      message: `repodata.json lists ${rel} but the file is not in the channel.`,
    });
    return result;
  }
  try {
    await copyFile(local, staged).catch((error: unknown) => {
      throw wrapFsError(error, staged, 'write');
    });
  } finally {
    await source.release(local);
  }
  // Everything below reads the staged copy: the bytes checked are the bytes that land.
  const digests = await condaDigests(staged, { logger: trust.logger, label: `sha256 ${found.fn}` });
  result.sha256 = digests.sha256;
  result.size = digests.size;
  result.problems.push(...recordMismatches(rel, found.record, digests));
  const sig = await source.fetch(rel + SIGNATURE_SUFFIX);
  if (sig) {
    try {
      await copyFile(sig, `${staged}${SIGNATURE_SUFFIX}`);
    } finally {
      await source.release(sig);
    }
    result.signature = await verifyFile({
      ...trust,
      file: staged,
      signatureFile: `${staged}${SIGNATURE_SUFFIX}`,
    });
    if (!result.signature.verified)
      result.problems.push(
        ...result.signature.problems.map((p) => ({
          subject: rel,
          code: p.code,
          message: `${rel}: ${p.message}`,
          hint: p.hint,
        })),
      );
  } else {
    trust.logger?.debug(`${rel} has no own .asc; the signed repodata.json vouches for its sha256 and size.`);
  }
  result.verified = result.problems.length === 0;
  return result;
}
