/**
 * A dist's own Requires-Dist, checked against the advisories (what pip-audit and Safety do not
 * do): the releases a specifier admits are judged over every version the advisory data knows
 * for that project (listed affected versions and range boundaries) plus the versions the
 * specifier names. When every admitted known version is affected, the dist forces a vulnerable
 * version on its users (error); when some are affected and some not, it allows one (warning),
 * and the lowest floor that would exclude them all is suggested.
 */
import { satisfies, valid } from '@renovatebot/pep440';
import { mergeAliases, type AdvisoryDatabase } from './database.js';
import { isAffected, knownVersions, sortVersions } from './match.js';
import { parseRequirement, specifierVersions } from './pep508.js';
import type { NotAudited, SpecifierFinding } from './types.js';

/** Check each Requires-Dist line of `dist`; URL and unparseable requirements are not audited. */
export function checkRequiresDist(
  db: AdvisoryDatabase,
  dist: string,
  requires: string[],
): { findings: SpecifierFinding[]; notAudited: NotAudited[] } {
  const findings: SpecifierFinding[] = [];
  const notAudited: NotAudited[] = [];
  for (const line of requires) {
    const req = parseRequirement(line);
    if (typeof req === 'string') {
      notAudited.push({
        subject: line,
        source: `${dist} Requires-Dist`,
        reason: `it cannot be parsed: ${req}`,
      });
      continue;
    }
    if (req.url) {
      notAudited.push({
        subject: line,
        source: `${dist} Requires-Dist`,
        reason: 'a direct URL reference (no version to check)',
      });
      continue;
    }
    const advisories = db.packages.get(req.key) ?? [];
    if (advisories.length === 0) continue;
    const candidates = sortVersions(
      [...advisories.flatMap(knownVersions), ...specifierVersions(req.specifier)].filter(
        (v) => valid(v) !== null,
      ),
    );
    const admitted = candidates.filter((v) => req.specifier === '' || satisfies(v, req.specifier));
    if (admitted.length === 0) continue;
    const affected = admitted.filter((v) => advisories.some((a) => isAffected(v, a)));
    if (affected.length === 0) continue;
    const free = admitted.filter((v) => !affected.includes(v));
    const hits = advisories.filter((a) => affected.some((v) => isAffected(v, a)));
    const merged = mergeAliases(hits);
    const ids = merged.map((v) => v.id);
    const newestAffected = affected[affected.length - 1]!;
    const floor = free.find((v) => affected.every((a) => satisfies(a, `<${v}`)));
    const spec = req.specifier || 'any version';
    const shown = [...affected].reverse().slice(0, 3);
    const finding: SpecifierFinding = {
      dist,
      requirement: line,
      name: req.name,
      specifier: req.specifier,
      ...(req.marker ? { marker: req.marker } : {}),
      level: free.length === 0 ? 'error' : 'warning',
      severity: free.length === 0 ? 'high' : 'low',
      advisories: ids,
      aliases: merged.flatMap((v) => v.aliases),
      affected_examples: shown,
      ...(floor ? { suggested_floor: `>=${floor}` } : {}),
      message:
        free.length === 0
          ? `${req.name}${req.specifier ? ` ${spec}` : ''} admits only versions with known advisories ` +
            `(${ids.join(', ')}): every user gets a vulnerable ${req.name}.`
          : `${req.name} ${spec} admits versions with known advisories (${ids.join(', ')}; e.g. ${newestAffected})` +
            (floor
              ? `; consider ${req.name}>=${floor}.`
              : '; even the newest admitted known version is affected.'),
    };
    findings.push(finding);
  }
  return { findings, notAudited };
}
