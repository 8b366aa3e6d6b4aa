/**
 * Does an advisory apply to a version? The evaluation osv.dev uses (specs/audit.md): the version
 * is listed in `versions`, or lies inside an ECOSYSTEM range whose events, taken in version
 * order, open at `introduced` ("0" is the start of time), close before `fixed` and after
 * `last_affected`. Versions compare by PEP 440 through @renovatebot/pep440.
 */
import { compare, explain, valid } from '@renovatebot/pep440';
import type { CompactAdvisory, RangeEvent } from './osv.js';

function eventVersion(e: RangeEvent): string {
  return 'introduced' in e ? e.introduced : 'fixed' in e ? e.fixed : e.last_affected;
}

/** Compare two versions, with "0" as the start of time and unparseable versions last. */
function safeCompare(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '0') return -1;
  if (b === '0') return 1;
  const va = valid(a);
  const vb = valid(b);
  if (!va || !vb) return va ? -1 : vb ? 1 : a.localeCompare(b);
  return compare(a, b);
}

const sortedRanges = new WeakMap<RangeEvent[], RangeEvent[]>();

function inRange(version: string, events: RangeEvent[]): boolean {
  let sorted = sortedRanges.get(events);
  if (!sorted) {
    sorted = [...events].sort((x, y) => safeCompare(eventVersion(x), eventVersion(y)));
    sortedRanges.set(events, sorted);
  }
  let affected = false;
  for (const e of sorted) {
    const at = eventVersion(e);
    if (at !== '0' && !valid(at)) continue; // a range boundary that is not PEP 440 says nothing here
    const cmp = at === '0' ? 1 : compare(version, at);
    if ('introduced' in e && cmp >= 0) affected = true;
    else if ('fixed' in e && cmp >= 0) affected = false;
    else if ('last_affected' in e && cmp > 0) affected = false;
  }
  return affected;
}

const canonicalCache = new Map<string, string | null>();

/**
 * A key equal for PEP 440-equal versions (`0.5` and `0.5.0`, `1.0RC1` and `1.0rc1`), from the
 * library's parse; null when the version is not PEP 440. Cached: advisories repeat versions a lot.
 */
export function canonicalVersion(version: string): string | null {
  let key = canonicalCache.get(version);
  if (key === undefined) {
    const v = explain(version);
    if (v) {
      const release = [...v.release];
      while (release.length > 1 && release[release.length - 1] === 0) release.pop();
      key = [
        v.epoch,
        release.join('.'),
        v.pre?.join('') ?? '',
        v.post ?? '',
        v.dev ?? '',
        v.local ?? '',
      ].join('|');
    } else key = null;
    if (canonicalCache.size < 200_000) canonicalCache.set(version, key);
  }
  return key;
}

const listed = new WeakMap<CompactAdvisory, Set<string>>();

/** True when `version` is affected by `advisory`. A version that is not PEP 440 matches only `versions`. */
export function isAffected(version: string, advisory: CompactAdvisory): boolean {
  if (advisory.versions.includes(version)) return true;
  const key = canonicalVersion(version);
  if (key === null) return false;
  let set = listed.get(advisory);
  if (!set) {
    set = new Set(advisory.versions.map(canonicalVersion).filter((k): k is string => k !== null));
    listed.set(advisory, set);
  }
  if (set.has(key)) return true;
  return advisory.ranges.some((r) => inRange(version, r));
}

/** The versions that fix an advisory (its `fixed` events), in PEP 440 order. */
export function fixVersions(advisory: CompactAdvisory): string[] {
  const fixed = new Set<string>();
  for (const r of advisory.ranges) for (const e of r) if ('fixed' in e) fixed.add(e.fixed);
  return sortVersions([...fixed]);
}

/** Sort versions in PEP 440 order (unparseable ones last) without duplicates. */
export function sortVersions(versions: Iterable<string>): string[] {
  return [...new Set(versions)].sort(safeCompare);
}

/** Every version an advisory names: listed versions and range boundaries (not "0"). */
export function knownVersions(advisory: CompactAdvisory): string[] {
  const out = [...advisory.versions];
  for (const r of advisory.ranges) for (const e of r) if (eventVersion(e) !== '0') out.push(eventVersion(e));
  return out.filter((v) => valid(v) !== null);
}
