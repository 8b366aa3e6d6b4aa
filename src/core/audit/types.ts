/**
 * What `distseal audit` reports: the dependency half (advisories for pinned versions and for a
 * dist's own Requires-Dist specifiers), the code half (Bandit's findings mapped into the dist),
 * and what could not be audited. The JSON shape is versioned (`distseal/audit@1`); dependency
 * entries use pip-audit's shape so scripts written for pip-audit read them.
 */

/** Ranked severities; `none` is only a --fail-on value (never fail). */
export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type FailOn = Severity | 'none';

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { low: 1, medium: 2, high: 3, critical: 4 };

/** True when `severity` is at or above the --fail-on threshold. */
export function atOrAbove(severity: Severity, threshold: FailOn): boolean {
  return threshold !== 'none' && SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}

/** One advisory that applies to a pinned version (pip-audit's `vulns[]` entry plus our extras). */
export interface Vuln {
  id: string;
  fix_versions: string[];
  aliases: string[];
  description: string;
  /** GHSA's own rating when the record carries one, else `high` (see README: unknown = high). */
  severity: Severity;
  /** Why this is not counted: the reason of a matching ignore. */
  ignored?: string;
}

/** One pinned package and what applies to it. */
export interface DependencyResult {
  name: string;
  version: string;
  vulns: Vuln[];
  /** Where the pin came from: `requirements.txt:3`, a site-packages metadata dir, a dist. */
  source: string;
}

/** One Bandit result, mapped back to the path inside the dist. */
export interface CodeFinding {
  /** The dist file (as given) the finding is in. */
  dist: string;
  /** `<member path inside the dist>:<line>`. */
  location: string;
  member: string;
  line: number;
  test_id: string;
  test_name: string;
  severity: 'low' | 'medium' | 'high';
  confidence: 'low' | 'medium' | 'high';
  text: string;
  code: string;
  more_info?: string;
  cwe?: number;
  ignored?: string;
}

/** A line, pin or dependency that could not be checked, and why. */
export interface NotAudited {
  subject: string;
  source: string;
  reason: string;
}

/** A dist's own Requires-Dist specifier that admits versions with advisories. */
export interface SpecifierFinding {
  dist: string;
  requirement: string;
  name: string;
  specifier: string;
  marker?: string;
  /** error: every known version it admits is affected; warning: some are, some are not. */
  level: 'error' | 'warning';
  severity: Severity;
  advisories: string[];
  /** Every other id (CVE, GHSA) of those advisories, for ignores. */
  aliases: string[];
  /** Known affected versions the specifier admits (at most a few, newest first). */
  affected_examples: string[];
  /** The lowest known version that would exclude every affected one (`>=X`), when there is one. */
  suggested_floor?: string;
  message: string;
  ignored?: string;
}

export interface DatabaseInfo {
  /** `bundled`, a file or directory path, or the OSV API URL. */
  source: string;
  date: string;
  commit?: string;
  credit: string;
  /** Days between the data's date and now. */
  age_days?: number;
  stale: boolean;
}

export interface ExpiredIgnore {
  id: string;
  reason: string;
  expires: string;
}

export interface AuditReport {
  schema: 'distseal/audit@1';
  ok: boolean;
  fail_on: FailOn;
  dependencies: DependencyResult[];
  code: CodeFinding[];
  not_audited: NotAudited[];
  specifiers: SpecifierFinding[];
  /** Ignores whose expiry date has passed: they no longer ignore anything. */
  expired_ignores: ExpiredIgnore[];
  /** Counts of findings at or above --fail-on that are not ignored. */
  failing: number;
  database?: DatabaseInfo;
  /** Bandit's own per-file errors (syntax errors in scanned files), as paths inside the dist. */
  code_errors: Array<{ dist: string; member: string; reason: string }>;
  warnings: string[];
}
