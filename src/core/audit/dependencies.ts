/**
 * The dependency half of an audit: pinned versions against the advisory data (local, or OSV
 * online), Requires-Dist specifiers against the local data, and how fresh that data is.
 */
import type { Logger } from '../logger.js';
import type { ProxyConfig } from '../net/proxy.js';
import { ageInDays, STALE_DAYS, vulnsFor, type AdvisoryDatabase } from './database.js';
import type { Pin } from './requirements.js';
import { loadDatabase, type LoadDatabaseOptions } from './sources.js';
import { checkRequiresDist } from './specifiers.js';
import type { AuditReport, DependencyResult } from './types.js';

/** `--online`: ask the OSV API at this base URL instead of the local data for pins. */
export interface OnlineAuditOptions {
  api?: string;
  timeoutMs?: number;
  retries?: number;
  proxy?: ProxyConfig;
}

/** What the dependency check needs of the audit's options. */
export interface DependencyCheckOptions {
  database?: LoadDatabaseOptions | AdvisoryDatabase;
  online?: OnlineAuditOptions;
  logger?: Logger;
}

function isDatabase(value: unknown): value is AdvisoryDatabase {
  return typeof value === 'object' && value !== null && 'packages' in value && 'meta' in value;
}

/** Fill `report.dependencies`, `specifiers`, `database` and the staleness warning. */
export async function checkDependencies(
  report: AuditReport,
  pins: Pin[],
  requires: Array<{ dist: string; lines: string[] }>,
  options: DependencyCheckOptions,
  now: Date,
): Promise<void> {
  const needLocal = !options.online || requires.some((r) => r.lines.length > 0);
  const db = needLocal
    ? isDatabase(options.database)
      ? options.database
      : await loadDatabase(options.database ?? {})
    : undefined;
  let online: DependencyResult['vulns'][] | undefined;
  if (options.online && pins.length > 0) {
    const { queryOsv } = await import('./online.js');
    online = await queryOsv(pins, { ...options.online, logger: options.logger });
  }
  report.dependencies = pins.map((pin, i) => ({
    name: pin.name,
    version: pin.version,
    vulns: online ? online[i]! : vulnsFor(db!, pin.name, pin.version),
    source: pin.source,
  }));
  if (db) {
    for (const r of requires) {
      const checked = checkRequiresDist(db, r.dist, r.lines);
      report.specifiers.push(...checked.findings);
      report.not_audited.push(...checked.notAudited);
    }
  }
  if (options.online) {
    report.database = {
      source: options.online.api ?? 'https://api.osv.dev',
      date: now.toISOString().slice(0, 10),
      credit: 'OSV.dev (PyPA Advisory Database, CC-BY 4.0, and others)',
      age_days: 0,
      stale: false,
    };
    if (db)
      report.warnings.push(
        `Requires-Dist specifiers were checked against the local advisory data (${db.meta.date}); ` +
          '--online covers pinned versions.',
      );
    return;
  }
  const age = ageInDays(db!.meta.date, now);
  const stale = age === undefined || age > STALE_DAYS;
  report.database = {
    source: db!.meta.source,
    date: db!.meta.date,
    ...(db!.meta.commit ? { commit: db!.meta.commit } : {}),
    credit: db!.meta.credit,
    ...(age !== undefined ? { age_days: age } : {}),
    stale,
  };
  if (stale)
    report.warnings.push(
      `The advisory data is from ${db!.meta.date}${age !== undefined ? ` (${age} days old)` : ''}; ` +
        'run `distseal audit --update-db` for newer data.',
    );
}
