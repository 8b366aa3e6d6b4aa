/**
 * `audit(options)`: both halves for dists, requirements files and installed environments, with
 * ignores applied and the verdict against --fail-on. Unreadable input throws InputError (exit 2);
 * Bandit failures and unreadable advisory data throw OperationalError (exit 1); findings are data.
 */
import { field, fieldList } from '../distributions/python/metadata.js';
import { DistsealError, InputError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { requireProgram, type Level } from './bandit.js';
import type { AdvisoryDatabase } from './database.js';
import { checkDependencies, type OnlineAuditOptions } from './dependencies.js';
import { ignoreSet, type Ignore } from './ignores.js';
import { readRequirements, type Pin } from './requirements.js';
import { readSitePackages } from './site-packages.js';
import type { LoadDatabaseOptions } from './sources.js';
import { atOrAbove, type AuditReport, type FailOn, type NotAudited, type SpecifierFinding } from './types.js';

export const DEFAULT_FAIL_ON: FailOn = 'medium';

export interface AuditOptions {
  /** Dists to audit: the path to read and the name to show. */
  dists?: Array<{ file: string; name: string }>;
  requirements?: string[];
  sitePackages?: string[];
  /** Run the code scan (default true; only dists have code). */
  code?: boolean;
  /** Run the dependency check (default true). */
  deps?: boolean;
  severity?: Level;
  confidence?: Level;
  failOn?: FailOn;
  ignores?: Ignore[];
  /** Where the advisory data comes from (--db, the home); or a database already loaded. */
  database?: LoadDatabaseOptions | AdvisoryDatabase;
  /** Ask the OSV API at this base URL instead of the local data for pins. */
  online?: OnlineAuditOptions;
  bandit?: string;
  banditTimeoutMs?: number;
  /** The environment Bandit runs with. */
  env?: Record<string, string | undefined>;
  tmpDir?: string;
  /** Show paths relative to this directory when they lie inside it (the CLI's cwd). */
  displayBase?: string;
  now?: Date;
  logger?: Logger;
  /** Test hook: each code scan's temp directory. */
  onTempDir?: (dir: string) => void;
}

/** Run the audit. */
export async function audit(options: AuditOptions): Promise<AuditReport> {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? new Date();
  const today = now.toISOString().slice(0, 10);
  const failOn = options.failOn ?? DEFAULT_FAIL_ON;
  const ignores = ignoreSet(options.ignores ?? [], today);
  const doDeps = options.deps !== false;
  const doCode = options.code !== false && (options.dists?.length ?? 0) > 0;
  const report: AuditReport = {
    schema: 'distseal/audit@1',
    ok: true,
    fail_on: failOn,
    dependencies: [],
    code: [],
    not_audited: [],
    specifiers: [],
    expired_ignores: ignores.expired,
    failing: 0,
    code_errors: [],
    warnings: [],
  };
  for (const e of ignores.expired)
    report.warnings.push(
      `The ignore of ${e.id} expired on ${e.expires} ("${e.reason}"); it no longer ignores anything.`,
    );

  // Check Bandit first: a missing Bandit is a usage error before any work is done. (Found on
  // PATH without running it: `bandit --version` would cost a Python start-up per audit.)
  if (doCode) logger.debug(`Bandit: ${await requireProgram(options.bandit ?? 'bandit', options.env)}`);
  // The dist readers and the code scan load only when there are dists (start-up of a pin audit).
  const readDist = options.dists?.length
    ? (await import('../distributions/read-dist.js')).readDist
    : undefined;

  const pins: Pin[] = [];
  const requires: Array<{ dist: string; lines: string[] }> = [];
  for (const dist of options.dists ?? []) {
    const read = await readDist!(dist.file).catch((error: unknown) => {
      // A dist that cannot be read at all (missing, a directory, no permission) is bad input here.
      if (error instanceof DistsealError && error.kind !== 'operational') throw error;
      throw new InputError(
        'E_UNREADABLE_DIST',
        `${dist.name} cannot be read as a dist: ${(error as Error).message}`,
        {
          subject: dist.name,
          cause: error,
          hint: 'Name the wheels, sdists or conda packages to audit (usually dist/*).',
        },
      );
    });
    if (read.ecosystem === 'python') {
      const name = field(read.metadata, 'name');
      const version = field(read.metadata, 'version');
      if (name && version) pins.push({ name, version, source: dist.name });
      requires.push({ dist: dist.name, lines: fieldList(read.metadata, 'requires_dist') });
    } else {
      const depends = Array.isArray(read.index.depends)
        ? read.index.depends.filter((d): d is string => typeof d === 'string')
        : [];
      report.not_audited.push({
        subject: `${String(read.index.name ?? dist.name)} ${String(read.index.version ?? '')}`.trim(),
        source: dist.name,
        reason: 'a conda package (no conda advisory source)',
      });
      for (const d of depends)
        report.not_audited.push({
          subject: d,
          source: `${dist.name} depends`,
          reason: 'a conda dependency (no conda advisory source)',
        });
    }
  }
  if (doDeps) {
    for (const file of options.requirements ?? []) {
      const r = await readRequirements(file, { displayBase: options.displayBase });
      pins.push(...r.pins);
      report.not_audited.push(...r.notAudited);
    }
    for (const dir of options.sitePackages ?? []) {
      const r = await readSitePackages(dir, { displayBase: options.displayBase });
      pins.push(...r.pins);
      report.not_audited.push(...r.notAudited);
    }
    await checkDependencies(report, pins, requires, options, now);
  }

  if (doCode) {
    const { scanDistCode } = await import('./code-scan.js');
    for (const dist of options.dists ?? []) {
      const scan = await scanDistCode(dist.file, dist.name, {
        bandit: options.bandit ?? 'bandit',
        env: options.env,
        severity: options.severity,
        confidence: options.confidence,
        timeoutMs: options.banditTimeoutMs,
        tmpDir: options.tmpDir,
        logger,
        onTempDir: options.onTempDir,
      });
      for (const f of scan.findings) {
        const why = ignores.match([f.test_id]);
        report.code.push(why ? { ...f, ignored: why } : f);
      }
      for (const e of scan.errors) report.code_errors.push({ dist: dist.name, ...e });
      for (const s of scan.skipped)
        report.not_audited.push({ subject: s.member, source: dist.name, reason: `not scanned: ${s.reason}` });
    }
  }

  for (const dep of report.dependencies) {
    dep.vulns = dep.vulns.map((v) => {
      const why = ignores.match([v.id, ...v.aliases]);
      return why ? { ...v, ignored: why } : v;
    });
  }
  report.specifiers = report.specifiers.map((s): SpecifierFinding => {
    const why = ignores.match([...s.advisories, ...s.aliases]);
    return why ? { ...s, ignored: why } : s;
  });
  report.failing =
    report.dependencies.reduce(
      (n, d) => n + d.vulns.filter((v) => !v.ignored && atOrAbove(v.severity, failOn)).length,
      0,
    ) +
    report.specifiers.filter((s) => !s.ignored && atOrAbove(s.severity, failOn)).length +
    report.code.filter((c) => !c.ignored && atOrAbove(c.severity, failOn)).length;
  report.ok = report.failing === 0;
  return report;
}

export type { NotAudited };
