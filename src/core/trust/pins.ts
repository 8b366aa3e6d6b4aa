import { UsageError } from '../errors.js';
import { canonicalProjectSpec, isValidProjectSpec } from '../names.js';
import { normalizeFingerprint, type TrustPolicy } from './policy.js';

/** Canonical project specs from `--for` values; a malformed name is a UsageError (exit 2). */
export function canonicalProjects(projects: string[]): string[] {
  return [
    ...new Set(
      projects.map((p) => {
        if (!isValidProjectSpec(p.trim())) {
          throw new UsageError(`--for ${p}: not a project name.`, {
            hint: 'Use a PyPI or conda project name, optionally prefixed: requests, pypi:requests, conda:numpy.',
          });
        }
        return canonicalProjectSpec(p);
      }),
    ),
  ];
}

/** The policy with `fingerprints` allowed for each of `projects` (pins add up). */
export function addPins(policy: TrustPolicy, projects: string[], fingerprints: string[]): TrustPolicy {
  const next: TrustPolicy = { version: 1, projects: { ...policy.projects } };
  for (const project of projects) {
    next.projects[project] = [
      ...new Set([...(next.projects[project] ?? []), ...fingerprints.map(normalizeFingerprint)]),
    ].sort();
  }
  return next;
}

/**
 * The policy without `fingerprint`. A project left with no signer keeps an empty pin list, so
 * nothing verifies for it (fail closed) until another key is pinned; it is reported in `emptied`.
 */
export function removePins(
  policy: TrustPolicy,
  fingerprint: string,
): { policy: TrustPolicy; emptied: string[]; unpinned: string[] } {
  const fpr = normalizeFingerprint(fingerprint);
  const projects: Record<string, string[]> = {};
  const emptied: string[] = [];
  const unpinned: string[] = [];
  for (const [project, fprs] of Object.entries(policy.projects)) {
    const rest = fprs.filter((f) => normalizeFingerprint(f) !== fpr);
    if (rest.length !== fprs.length) unpinned.push(project);
    projects[project] = rest;
    if (rest.length === 0 && fprs.length > 0) emptied.push(project);
  }
  return { policy: { version: 1, projects }, emptied, unpinned };
}

/** The projects a fingerprint is pinned to. */
export function pinsOf(policy: TrustPolicy, fingerprint: string): string[] {
  const fpr = normalizeFingerprint(fingerprint);
  return Object.entries(policy.projects)
    .filter(([, fprs]) => fprs.some((f) => normalizeFingerprint(f) === fpr))
    .map(([p]) => p)
    .sort();
}
