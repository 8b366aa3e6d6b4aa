/**
 * `--online`: ask the OSV API instead of the local data. `/v1/querybatch` answers with ids only,
 * so each distinct id is then fetched from `/v1/vulns/{id}` and read like any OSV record (same
 * range evaluation, withdrawn skipped, aliases merged). Every response body is bounded; a body
 * cut at the bound fails the audit (exit 1) instead of reading as "no advisories".
 */
import { HttpError, OperationalError } from '../errors.js';
import type { Logger } from '../logger.js';
import { normalizePythonName } from '../names.js';
import { requestWithRetry, type HttpResponse } from '../net/http.js';
import type { ProxyConfig } from '../net/proxy.js';
import { mergeAliases } from './database.js';
import { isAffected } from './match.js';
import { advisoriesFromOsv, type CompactAdvisory } from './osv.js';
import type { Vuln } from './types.js';

export const DEFAULT_OSV_API = 'https://api.osv.dev';
/** OSV accepts at most 1000 queries per batch. */
export const OSV_BATCH = 1000;
const MAX_BATCH_RESPONSE = 64 * 1024 * 1024;
const MAX_RECORD_RESPONSE = 4 * 1024 * 1024;

export interface OnlineOptions {
  api?: string;
  logger?: Logger;
  timeoutMs?: number;
  retries?: number;
  /** Proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY as the CLI read them). */
  proxy?: ProxyConfig;
}

function json(response: HttpResponse, url: string): unknown {
  if (response.status !== 200) {
    throw new HttpError(
      'E_OSV_API',
      `The OSV API answered ${response.status} ${response.statusText} for ${url}.`,
      {
        status: response.status,
        url,
        hint: 'Try again later, or audit with the local data (drop --online).',
      },
    );
  }
  if (response.truncated)
    throw new OperationalError(
      'E_OSV_API',
      `The OSV API's answer from ${url} is larger than distseal reads; audit fewer pins at once.`,
      { subject: url },
    );
  try {
    return JSON.parse(response.body) as unknown;
  } catch (error) {
    throw new OperationalError('E_OSV_API', `The OSV API's answer from ${url} is not JSON.`, {
      subject: url,
      cause: error,
    });
  }
}

/** The advisories for each `{name, version}`, in order, from the OSV API. */
export async function queryOsv(
  pins: Array<{ name: string; version: string }>,
  options: OnlineOptions = {},
): Promise<Vuln[][]> {
  const api = (options.api ?? DEFAULT_OSV_API).replace(/\/+$/, '');
  const idsPerPin: string[][] = [];
  for (let start = 0; start < pins.length; start += OSV_BATCH) {
    const batch = pins.slice(start, start + OSV_BATCH);
    const url = `${api}/v1/querybatch`;
    const body = JSON.stringify({
      queries: batch.map((p) => ({ package: { name: p.name, ecosystem: 'PyPI' }, version: p.version })),
    });
    const response = await requestWithRetry(
      {
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        body: () => body,
        maxResponseBytes: MAX_BATCH_RESPONSE,
        timeoutMs: options.timeoutMs,
        proxy: options.proxy,
      },
      { logger: options.logger, describe: 'OSV query', retries: options.retries },
    );
    const results = (json(response, url) as { results?: Array<{ vulns?: Array<{ id?: unknown }> }> }).results;
    if (!Array.isArray(results) || results.length !== batch.length) {
      throw new OperationalError(
        'E_OSV_API',
        `The OSV API answered ${Array.isArray(results) ? results.length : 'no'} results for ${batch.length} queries.`,
        { subject: url },
      );
    }
    for (const r of results)
      idsPerPin.push((r.vulns ?? []).map((v) => v.id).filter((id): id is string => typeof id === 'string'));
  }
  const records = new Map<string, Map<string, CompactAdvisory>>();
  for (const id of new Set(idsPerPin.flat())) {
    const url = `${api}/v1/vulns/${encodeURIComponent(id)}`;
    const response = await requestWithRetry(
      {
        method: 'GET',
        url,
        maxResponseBytes: MAX_RECORD_RESPONSE,
        timeoutMs: options.timeoutMs,
        proxy: options.proxy,
      },
      { logger: options.logger, describe: `OSV record ${id}`, retries: options.retries },
    );
    records.set(id, advisoriesFromOsv(json(response, url)));
  }
  return pins.map((pin, i) => {
    const key = normalizePythonName(pin.name);
    const hits = idsPerPin[i]!.map((id) => records.get(id)?.get(key)).filter(
      (a): a is CompactAdvisory => a !== undefined && isAffected(pin.version, a),
    );
    return mergeAliases(hits);
  });
}
