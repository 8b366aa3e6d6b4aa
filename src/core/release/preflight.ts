/**
 * Step 2 of a release: `check` on every file (metadata rules, leak scan), the audit (behind a
 * small interface so the release does not depend on how the audit is built), and a look at
 * the signing key's expiry. Nothing here writes or sends anything.
 */
import { checkDist } from '../distributions/check.js';
import { reportFails, type CheckReport } from '../distributions/check-types.js';
import { mapLimit, DEFAULT_SIGN_CONCURRENCY } from '../io/limit.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';

/** What the release needs from an audit: how many findings block, and lines to show. */
export interface AuditOutcome {
  /** Findings at or above the threshold (0: the release may go on). */
  blocking: number;
  /** Human lines (one per finding or a summary). */
  lines: string[];
  /** The audit's own report, for --json and the receipt. */
  report?: unknown;
}

/** Runs the audit over the release's files; supplied by the caller (the CLI wires src/core/audit). */
export type AuditStep = (files: string[]) => Promise<AuditOutcome>;

export interface PreflightOptions {
  files: string[];
  /** Treat check warnings as failures. */
  strict?: boolean;
  audit?: AuditStep;
  /** The signing key's expiry (ISO) or null for never; undefined when unknown. */
  keyExpires?: string | null;
  /** Warn when the key expires within this many days (default 30). */
  expiryWarningDays?: number;
  now?: Date;
  logger?: Logger;
}

export interface PreflightReport {
  checks: CheckReport[];
  /** Files whose check failed (errors, or warnings when strict). */
  failed: string[];
  audit?: AuditOutcome;
  /** Days until the key expires, when within the warning window. */
  keyExpiresInDays?: number;
}

export const EXPIRY_WARNING_DAYS = 30;

export async function preflight(options: PreflightOptions): Promise<PreflightReport> {
  const logger = options.logger ?? silentLogger;
  const checks = await mapLimit(options.files, DEFAULT_SIGN_CONCURRENCY, (file) =>
    checkDist(file, { logger }),
  );
  const failed = checks.filter((c) => reportFails(c, options.strict)).map((c) => c.file);
  const audit = options.audit ? await options.audit(options.files) : undefined;
  const report: PreflightReport = { checks, failed, audit };
  if (options.keyExpires) {
    const now = options.now ?? new Date();
    const days = Math.floor((Date.parse(options.keyExpires) - now.getTime()) / 86_400_000);
    if (days <= (options.expiryWarningDays ?? EXPIRY_WARNING_DAYS)) report.keyExpiresInDays = days;
  }
  return report;
}
