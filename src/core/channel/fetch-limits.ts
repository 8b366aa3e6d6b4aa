/**
 * The caps on what a channel check fetches (issue 10 F): a signature is at most
 * MAX_SIGNATURE_BYTES, a repodata.json at most MAX_REPODATA_BYTES (or the user's
 * --max-repodata-size), and a package at most the size its repodata record gives. A fetch over
 * its cap becomes a problem in the report (the channel fails verification), never a crash.
 */
import { DistsealError } from '../errors.js';
import { readFileBounded } from '../io/bounded-read.js';
import {
  DEFAULT_DEADLINE_MS,
  MAX_PACKAGE_BYTES,
  MAX_REPODATA_BYTES,
  MAX_SIGNATURE_BYTES,
} from '../limits.js';
import type { ChannelProblem as Problem } from './mismatches.js';
import type { RepodataRecord } from './repodata.js';
import type { ChannelSource, FetchLimit } from './source.js';

export const SIGNATURE_LIMIT: FetchLimit = {
  maxBytes: MAX_SIGNATURE_BYTES,
  name: 'the limit for a detached signature',
  deadlineMs: DEFAULT_DEADLINE_MS,
};

export function repodataLimit(options: { maxRepodataBytes?: number }): FetchLimit {
  return {
    maxBytes: options.maxRepodataBytes ?? MAX_REPODATA_BYTES,
    name: 'the repodata.json limit; raise it with --max-repodata-size for a huge channel',
  };
}

export function packageLimit(record: RepodataRecord): FetchLimit {
  return typeof record.size === 'number' && Number.isSafeInteger(record.size) && record.size >= 0
    ? { maxBytes: record.size, name: 'the size its repodata.json record gives' }
    : { maxBytes: MAX_PACKAGE_BYTES, name: 'the package download limit' };
}

/** `source.fetch`, with an over-limit (or otherwise bad input) answer turned into a Problem. */
export async function fetchOrProblem(
  source: ChannelSource,
  relative: string,
  limit: FetchLimit,
): Promise<string | undefined | Problem> {
  try {
    return await source.fetch(relative, limit);
  } catch (error) {
    if (!(error instanceof DistsealError) || error.kind !== 'input') throw error;
    return { subject: relative, code: error.code, message: error.message, hint: error.hint };
  }
}

/** A local (or already downloaded) file as text, refused while it is read once over `limit`. */
export async function readBoundedText(file: string, limit: FetchLimit): Promise<string> {
  return (await readFileBounded(file, limit.maxBytes, limit.name)).toString('utf8');
}
