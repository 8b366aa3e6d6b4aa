/**
 * What `distseal check` reports about one dist: the findings of the metadata rules and of the
 * leak scan. A finding names its rule and, for archive content, the member it is about.
 */
import type { Logger } from '../logger.js';

export interface Finding {
  /** Stable rule id, e.g. `metadata-required`, `leak-private-key`. */
  rule: string;
  /** Errors fail the check; warnings fail it only under --strict. */
  severity: 'error' | 'warning';
  message: string;
  /** The archive member the finding is about, when there is one. */
  member?: string;
}

export interface CheckReport {
  file: string;
  kind: 'wheel' | 'sdist' | 'conda' | 'tar.bz2';
  name?: string;
  version?: string;
  findings: Finding[];
  /** Python dists: did the description render as PyPI renders it (`not-checked` says why not)? */
  description?: { render: 'rendered' | 'failed' | 'plain' | 'not-checked' | 'missing'; reason?: string };
}

export interface CheckOptions {
  /** Treat warnings as failures (`--strict`). */
  strict?: boolean;
  logger?: Logger;
  /** Python interpreters to try for readme_renderer (default: python3 on PATH, then /usr/bin/python3). */
  pythons?: string[];
}

/** True when the report fails: any error, or any warning under strict. */
export function reportFails(report: CheckReport, strict = false): boolean {
  return report.findings.some((f) => f.severity === 'error' || (strict && f.severity === 'warning'));
}
