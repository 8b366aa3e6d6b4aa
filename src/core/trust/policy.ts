import { InputError } from '../errors.js';
import { canonicalProjectSpec, isValidProjectSpec, specMatches, type ProjectRef } from '../names.js';

/**
 * The trust policy: which primary fingerprints may sign which projects. The same JSON shape is
 * used for the home's `trusted/policy.json` (written by `trust add --for`) and for
 * `verify --policy FILE`, so a team can review and commit it:
 *
 *   { "version": 1, "projects": { "requests": ["<40 hex>", ...], "conda:numpy": ["..."] } }
 *
 * A project not named in the policy may be signed by any trusted key.
 */
export interface TrustPolicy {
  version: 1;
  /** Canonical project spec -> uppercase primary fingerprints. */
  projects: Record<string, string[]>;
}

export const EMPTY_POLICY: TrustPolicy = Object.freeze({ version: 1, projects: {} }) as TrustPolicy;

export function normalizeFingerprint(fpr: string): string {
  return fpr.replace(/\s+/g, '').toUpperCase();
}

const FPR_RE = /^([0-9A-F]{40}|[0-9A-F]{64})$/;

/** Parse and validate a policy document; `source` names the file in errors. */
export function parsePolicy(text: string, source: string): TrustPolicy {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError('E_POLICY', `${source} is not valid JSON: ${(error as Error).message}`, {
      subject: source,
      hint: 'Fix the file; its shape is {"version": 1, "projects": {"NAME": ["FINGERPRINT"]}}.',
    });
  }
  const obj = data as { version?: unknown; projects?: unknown };
  if (typeof obj !== 'object' || obj === null || (obj.version !== undefined && obj.version !== 1)) {
    throw new InputError('E_POLICY', `${source} is not a distseal trust policy (version 1).`, {
      subject: source,
      hint: 'Its shape is {"version": 1, "projects": {"NAME": ["FINGERPRINT"]}}.',
    });
  }
  const projects: Record<string, string[]> = {};
  const raw = obj.projects ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError(
      'E_POLICY',
      `${source}: "projects" must be an object of project name -> fingerprints.`,
      { subject: source },
    );
  }
  for (const [name, fprs] of Object.entries(raw as Record<string, unknown>)) {
    if (!isValidProjectSpec(name))
      throw new InputError('E_POLICY', `${source}: "${name}" is not a valid project name.`, {
        subject: source,
      });
    if (
      !Array.isArray(fprs) ||
      fprs.some((f) => typeof f !== 'string' || !FPR_RE.test(normalizeFingerprint(f)))
    ) {
      throw new InputError(
        'E_POLICY',
        `${source}: project "${name}" must list full fingerprints (40 or 64 hex digits).`,
        { subject: source },
      );
    }
    const key = canonicalProjectSpec(name);
    projects[key] = [
      ...new Set([...(projects[key] ?? []), ...fprs.map((f: string) => normalizeFingerprint(f))]),
    ];
  }
  return { version: 1, projects };
}

export function serializePolicy(policy: TrustPolicy): string {
  const sorted = Object.fromEntries(
    Object.entries(policy.projects)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, [...v].sort()]),
  );
  return `${JSON.stringify({ version: 1, projects: sorted }, null, 2)}\n`;
}

/** Merge policies (pins add up: a fingerprint allowed by any of them is allowed). */
export function mergePolicies(...policies: TrustPolicy[]): TrustPolicy {
  const projects: Record<string, string[]> = {};
  for (const p of policies)
    for (const [k, v] of Object.entries(p.projects))
      projects[k] = [...new Set([...(projects[k] ?? []), ...v])];
  return { version: 1, projects };
}

/**
 * The fingerprints the policy allows for `ref`, or undefined when the policy does not name the
 * project (then any trusted key may sign it).
 */
export function allowedSigners(
  policy: TrustPolicy,
  ref: ProjectRef | undefined,
): { spec: string; fingerprints: string[] } | undefined {
  if (!ref) return undefined;
  const hits = Object.entries(policy.projects).filter(([spec]) => specMatches(spec, ref));
  if (hits.length === 0) return undefined;
  return { spec: hits.map(([s]) => s).join(', '), fingerprints: [...new Set(hits.flatMap(([, f]) => f))] };
}
