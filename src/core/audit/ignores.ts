/**
 * Ignores: an advisory (its id or any alias) or a Bandit test id, each with a reason and an
 * optional expiry date, from `--ignore ID[:YYYY-MM-DD][:reason]` or from the project's
 * pyproject.toml:
 *
 *   [tool.distseal.audit]
 *   ignore = [{ id = "PYSEC-2018-28", reason = "no redirects to http", expires = "2027-01-31" }]
 *
 * An ignore whose expiry date has passed stops ignoring, and the report says so.
 */
import { parse as parseToml } from 'smol-toml';
import { InputError } from '../errors.js';
import type { ExpiredIgnore } from './types.js';

export interface Ignore {
  id: string;
  reason: string;
  /** YYYY-MM-DD: the ignore applies up to and including this day. */
  expires?: string;
  /** `--ignore` or the pyproject.toml it came from. */
  source: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(value: string, where: string): string {
  if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new InputError('E_IGNORE', `${where}: the expiry "${value}" is not a date (YYYY-MM-DD).`, {
      subject: where,
      hint: 'Write the expiry as YYYY-MM-DD.',
    });
  }
  return value;
}

/** Parse one `--ignore` value: `ID`, `ID:YYYY-MM-DD`, `ID::reason` or `ID:YYYY-MM-DD:reason`. */
export function parseIgnoreFlag(value: string): Ignore {
  const [id, expires, ...rest] = value.split(':');
  if (!id || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id.trim())) {
    throw new InputError(
      'E_IGNORE',
      `--ignore ${value}: "${id ?? ''}" is not an advisory id (PYSEC-, GHSA-, CVE-) or a Bandit test id (B602).`,
      {
        hint: 'Write --ignore ID, optionally ID:YYYY-MM-DD:reason.',
      },
    );
  }
  const reason = rest.join(':').trim();
  return {
    id: id.trim(),
    reason: reason || 'given with --ignore',
    ...(expires ? { expires: checkDate(expires.trim(), `--ignore ${value}`) } : {}),
    source: '--ignore',
  };
}

/** The ignores in `[tool.distseal.audit]` of a pyproject.toml's text (`file` names it in errors). */
export function ignoresFromPyproject(text: string, file: string): Ignore[] {
  let doc: { tool?: { distseal?: { audit?: { ignore?: unknown } } } };
  try {
    doc = parseToml(text) as typeof doc;
  } catch (error) {
    throw new InputError('E_PYPROJECT', `${file} is not valid TOML: ${(error as Error).message}`, {
      subject: file,
      cause: error,
    });
  }
  const list = doc.tool?.distseal?.audit?.ignore;
  if (list === undefined) return [];
  if (!Array.isArray(list))
    throw new InputError(
      'E_IGNORE',
      `${file}: [tool.distseal.audit] ignore must be a list of { id, reason, expires } tables.`,
      { subject: file },
    );
  return list.map((raw, i) => {
    const where = `${file}: [tool.distseal.audit] ignore[${i}]`;
    const entry = raw as { id?: unknown; reason?: unknown; expires?: unknown };
    if (typeof entry?.id !== 'string' || !entry.id.trim())
      throw new InputError('E_IGNORE', `${where} has no id.`, { subject: file });
    if (typeof entry.reason !== 'string' || !entry.reason.trim()) {
      throw new InputError('E_IGNORE', `${where} (${entry.id}) has no reason.`, {
        subject: file,
        hint: 'Say why it is safe to ignore: reason = "...".',
      });
    }
    // TOML dates parse as TomlDate objects; their ISO form starts with the day.
    const expires =
      entry.expires === undefined
        ? undefined
        : checkDate(
            String(entry.expires instanceof Date ? entry.expires.toISOString() : entry.expires).slice(0, 10),
            where,
          );
    return {
      id: entry.id.trim(),
      reason: entry.reason.trim(),
      ...(expires ? { expires } : {}),
      source: file,
    };
  });
}

export interface IgnoreSet {
  /** The reason when one of `ids` is ignored, else undefined. */
  match(ids: string[]): string | undefined;
  expired: ExpiredIgnore[];
}

/** Split ignores into active and expired as of `today` (YYYY-MM-DD). */
export function ignoreSet(ignores: Ignore[], today: string): IgnoreSet {
  const active = new Map<string, string>();
  const expired: ExpiredIgnore[] = [];
  for (const ig of ignores) {
    if (ig.expires && ig.expires < today) expired.push({ id: ig.id, reason: ig.reason, expires: ig.expires });
    else if (!active.has(ig.id.toUpperCase()))
      active.set(
        ig.id.toUpperCase(),
        `${ig.reason} (${ig.source}${ig.expires ? `, until ${ig.expires}` : ''})`,
      );
  }
  return {
    match: (ids) => ids.map((id) => active.get(id.toUpperCase())).find((r) => r !== undefined),
    expired,
  };
}
