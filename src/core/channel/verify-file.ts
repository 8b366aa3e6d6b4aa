import path from 'node:path';
import { condaDigests } from '../distributions/conda/digests.js';
import { condaFormatOf } from '../distributions/conda/filename.js';
import { deriveSubdir } from '../distributions/conda/index-json.js';
import { readCondaMeta } from '../distributions/conda/read.js';
import { DistsealError, InputError } from '../errors.js';
import { fileSize } from './store.js';
import { problemsText } from '../verify/reasons.js';
import { verifyFile, type VerifyReport } from '../verify/verify-file.js';
import { parseRepodata, sectionFor, type RepodataRecord } from './repodata.js';
import { fetchOrProblem, readBoundedText, repodataLimit } from './fetch-limits.js';
import { openChannelSource } from './source.js';
import { REPODATA_FILE } from './store.js';
import { recordMismatches, type ChannelProblem } from './mismatches.js';
import { signatureSummary, verifyWithSidecar, type SignatureSummary } from './sidecar.js';
import type { ChannelVerifyOptions } from './verify.js';

export interface ChannelFileReport {
  file: string;
  channel: string;
  /** `<subdir>/<fn>` in the channel. */
  path: string;
  verified: boolean;
  /** The channel's repodata.json signature verdict. */
  repodata?: SignatureSummary;
  /** The package's own signature verdict. */
  signature?: VerifyReport;
  sha256: string;
  size: number;
  problems: ChannelProblem[];
}

/**
 * `distseal verify --channel CHANNEL FILE`: one downloaded package checked three ways, all of
 * which must pass: the channel's repodata.json is signed by a trusted key, its record for this
 * file name has this file's sha256 and size, and the file's own signature (FILE.asc beside it,
 * else the channel's copy) verifies. The subdir comes from the package's own index.json.
 */
export async function verifyAgainstChannel(
  file: string,
  options: ChannelVerifyOptions,
): Promise<ChannelFileReport> {
  const filename = path.basename(file);
  if (!condaFormatOf(filename))
    throw new InputError(
      'E_CONDA_NAME',
      `${file} is not a conda package (.conda or .tar.bz2); --channel checks conda packages.`,
      { subject: file },
    );
  if ((await fileSize(file)) === undefined)
    throw new InputError('E_NOT_FOUND', `${file} does not exist.`, { subject: file });
  // Signatures before contents (issue 10 A): with FILE.asc beside the download, the package is
  // verified first and its index.json is read only when that signature holds. Without one, the
  // channel's .asc sits in a subdir that index.json names; the (bounded) reader finds it.
  const beside = (await fileSize(`${file}.asc`)) !== undefined;
  const localSignature = beside
    ? await verifyFile({
        file,
        keys: options.keys,
        policy: options.policy,
        signers: options.signers,
        threshold: options.threshold,
        logger: options.logger,
      })
    : undefined;
  // The subdir comes from index.json; a file too damaged to read (or not signed) is looked up by
  // name, so tampering shows up as a sha256 mismatch (exit 3) rather than as unreadable input.
  let subdirHint: string | undefined;
  if (!localSignature || localSignature.verified) {
    try {
      subdirHint = deriveSubdir((await readCondaMeta(file)).index);
    } catch (error) {
      if (!(error instanceof DistsealError) || error.kind !== 'input') throw error;
      options.logger?.debug(
        `${file} is not readable as a conda package (${error.message}); looking it up by name.`,
      );
    }
  }
  const digests = await condaDigests(file);
  const source = await openChannelSource(options.channel, options.cwd, options);
  const problems: ChannelProblem[] = [];
  const report: ChannelFileReport = {
    file,
    channel: source.display,
    path: `${subdirHint ?? '?'}/${filename}`,
    verified: false,
    sha256: digests.sha256,
    size: digests.size,
    problems,
  };
  try {
    const candidates = [
      ...new Set([...(subdirHint ? [subdirHint] : []), ...(subdirHint ? [] : await source.subdirs())]),
    ];
    let found: { subdir: string; local: string; record?: RepodataRecord; error?: DistsealError } | undefined;
    for (const subdir of candidates) {
      const local = await fetchOrProblem(source, `${subdir}/${REPODATA_FILE}`, repodataLimit(options));
      if (typeof local === 'object') {
        problems.push(local);
        continue;
      }
      if (!local) continue;
      try {
        const record = parseRepodata(
          await readBoundedText(local, repodataLimit(options)),
          `${subdir}/${REPODATA_FILE}`,
          subdir,
        )[sectionFor(filename)][filename];
        if (record || subdir === subdirHint) {
          found = { subdir, local, record };
          break;
        }
      } catch (error) {
        if (!(error instanceof DistsealError)) throw error;
        if (subdir === subdirHint) {
          found = { subdir, local, error };
          break;
        }
      }
      await source.release(local);
    }
    if (!found) {
      problems.push({
        subject: filename,
        code: 'E_NOT_IN_CHANNEL',
        message: `${source.display} has no repodata.json that lists ${filename}.`,
        hint: 'Check the channel URL or directory; this file was not published there under this name.',
      });
      return report;
    }
    const rel = `${found.subdir}/${filename}`;
    report.path = rel;
    const repodataRel = `${found.subdir}/${REPODATA_FILE}`;
    const verdict = await verifyWithSidecar(source, repodataRel, found.local, options);
    await source.release(found.local);
    if ('verified' in verdict) {
      report.repodata = signatureSummary(verdict);
      if (!verdict.verified)
        problems.push({
          subject: repodataRel,
          code: 'E_REPODATA_SIGNATURE',
          message: `The channel's ${repodataRel} is not signed by a trusted key: ${problemsText(verdict.problems)}.`,
          hint: verdict.problems[0]?.hint,
        });
    } else problems.push(verdict);
    if (found.error)
      problems.push({ subject: repodataRel, code: found.error.code, message: found.error.message });
    else if (found.record) problems.push(...recordMismatches(rel, found.record, digests));
    else
      problems.push({
        subject: rel,
        code: 'E_NOT_IN_CHANNEL',
        message: `The channel's ${repodataRel} has no record for ${filename}.`,
        hint: 'This file was not published in that channel (or under another name).',
      });
    // The package's own signature: FILE.asc beside the download (checked above), else the channel's.
    if (localSignature) {
      report.signature = localSignature;
    } else {
      const v = await verifyWithSidecar(source, rel, file, options);
      if ('verified' in v) report.signature = v;
      else problems.push(v);
    }
    if (report.signature && !report.signature.verified) {
      problems.push({
        subject: rel,
        code: 'E_PACKAGE_SIGNATURE',
        message: `The signature of ${filename} does not verify: ${problemsText(report.signature.problems)}.`,
        hint: report.signature.problems[0]?.hint,
      });
    }
    report.verified =
      problems.length === 0 && Boolean(report.repodata?.verified) && Boolean(report.signature?.verified);
    return report;
  } finally {
    await source.close();
  }
}
