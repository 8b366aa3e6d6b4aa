/**
 * OSV records (ossf.github.io/osv-schema) reduced to what the audit needs, per PyPI package.
 * Only `ECOSYSTEM` ranges count (GIT ranges name commits, not releases); withdrawn records are
 * dropped; package names are PEP 503-normalized.
 */
import { normalizePythonName } from '../names.js';
import type { Severity } from './types.js';

/** One range's events in record order: `introduced` opens, `fixed` closes before, `last_affected` after. */
export type RangeEvent = { introduced: string } | { fixed: string } | { last_affected: string };

/** One advisory as it applies to one package, as the compact file stores it. */
export interface CompactAdvisory {
  id: string;
  aliases: string[];
  /** The summary, else the start of the details (bounded). */
  summary: string;
  /** GHSA's own rating when the record carries one; absent means unknown. */
  severity?: Severity;
  ranges: RangeEvent[][];
  versions: string[];
}

/** Details longer than this are cut in the compact data (the full text is one link away). */
export const MAX_SUMMARY_CHARS = 600;

const GHSA_SEVERITY: Record<string, Severity> = {
  LOW: 'low',
  MODERATE: 'medium',
  MEDIUM: 'medium',
  HIGH: 'high',
  CRITICAL: 'critical',
};

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The text shown for an advisory: its summary, else its details, trimmed and bounded. */
function summaryOf(osv: Record<string, unknown>): string {
  const text =
    typeof osv.summary === 'string' && osv.summary.trim()
      ? osv.summary
      : typeof osv.details === 'string'
        ? osv.details
        : '';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_SUMMARY_CHARS ? `${flat.slice(0, MAX_SUMMARY_CHARS - 1)}…` : flat;
}

function events(range: Record<string, unknown>): RangeEvent[] {
  const out: RangeEvent[] = [];
  for (const raw of Array.isArray(range.events) ? range.events : []) {
    const e = record(raw);
    if (!e) continue;
    if (typeof e.introduced === 'string') out.push({ introduced: e.introduced });
    else if (typeof e.fixed === 'string') out.push({ fixed: e.fixed });
    else if (typeof e.last_affected === 'string') out.push({ last_affected: e.last_affected });
  }
  return out;
}

/**
 * The advisories one OSV record holds, keyed by normalized PyPI package name. Returns an empty
 * map for withdrawn records, records of other ecosystems and anything that is not an OSV record.
 */
export function advisoriesFromOsv(value: unknown): Map<string, CompactAdvisory> {
  const out = new Map<string, CompactAdvisory>();
  const osv = record(value);
  if (!osv || typeof osv.id !== 'string' || osv.withdrawn) return out;
  const severityWord = record(osv.database_specific)?.severity;
  const severity = typeof severityWord === 'string' ? GHSA_SEVERITY[severityWord.toUpperCase()] : undefined;
  for (const raw of Array.isArray(osv.affected) ? osv.affected : []) {
    const affected = record(raw);
    const pkg = record(affected?.package);
    if (!affected || !pkg || typeof pkg.name !== 'string' || pkg.ecosystem !== 'PyPI') continue;
    const name = normalizePythonName(pkg.name);
    const ranges = (Array.isArray(affected.ranges) ? affected.ranges : [])
      .map(record)
      .filter((r): r is Record<string, unknown> => r !== undefined && r.type === 'ECOSYSTEM')
      .map(events)
      .filter((e) => e.length > 0);
    const versions = strings(affected.versions);
    const existing = out.get(name);
    if (existing) {
      // One record may list the same package twice (two ranges written as two entries).
      existing.ranges.push(...ranges);
      existing.versions.push(...versions.filter((v) => !existing.versions.includes(v)));
      continue;
    }
    out.set(name, {
      id: osv.id,
      aliases: strings(osv.aliases).filter((a) => a !== osv.id),
      summary: summaryOf(osv),
      ...(severity ? { severity } : {}),
      ranges,
      versions,
    });
  }
  return out;
}
