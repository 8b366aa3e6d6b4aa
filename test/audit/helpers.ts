import { existsSync } from 'node:fs';
import path from 'node:path';
import { readCompactFile, type AdvisoryDatabase } from '../../src/core/audit/database.js';
import { FIXTURES, ROOT } from '../helpers/cli.js';

export const AUDIT_FIXTURES = path.join(FIXTURES, 'audit');
export const SDIST = path.join(AUDIT_FIXTURES, 'insecure-sample-0.1.0.tar.gz');
export const WHEEL = path.join(AUDIT_FIXTURES, 'insecure_sample-0.1.0-py3-none-any.whl');
export const BUNDLED = path.join(ROOT, 'data', 'advisories.json.gz');
/** The PyPA snapshot beside the clone (shared/ in CI), when it is there. */
export const SNAPSHOT = path.resolve(ROOT, '..', 'shared', 'data', 'pypa-advisory-db', 'advisory-db.tgz');
export const HAVE_SNAPSHOT = existsSync(SNAPSHOT);

let cached: Promise<AdvisoryDatabase> | undefined;
/** The shipped compact data (built from the real PyPA snapshot). */
export function bundled(): Promise<AdvisoryDatabase> {
  cached ??= readCompactFile(BUNDLED, 'bundled');
  return cached;
}

/** A minimal OSV record for synthetic tests. */
export function osv(
  id: string,
  pkg: string,
  events: Array<Record<string, string>>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    modified: '2026-11-01T00:00:00Z',
    details: `${id} details`,
    affected: [{ package: { name: pkg, ecosystem: 'PyPI' }, ranges: [{ type: 'ECOSYSTEM', events }] }],
    ...extra,
  };
}
