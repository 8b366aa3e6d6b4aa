/**
 * PEP 508 dependency specifiers, as far as the audit needs them: the name, extras, the version
 * specifier (validated by @renovatebot/pep440, never hand-compared), a direct URL reference,
 * and the environment marker (kept as text and shown with findings, not evaluated).
 */
import { validRange } from '@renovatebot/pep440';
import { normalizePythonName } from '../names.js';

export interface Requirement {
  /** The name as written. */
  name: string;
  /** PEP 503-normalized. */
  key: string;
  extras: string[];
  /** The version specifier without parentheses or spaces ("" when none). */
  specifier: string;
  /** `name @ URL`. */
  url?: string;
  marker?: string;
}

const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*/;

/** Parse one requirement; returns a reason string when it is not a valid PEP 508 requirement. */
export function parseRequirement(text: string): Requirement | string {
  let rest = text.trim();
  let marker: string | undefined;
  const m = NAME.exec(rest);
  if (!m) return 'it does not start with a project name';
  const name = m[1]!;
  rest = rest.slice(m[0].length);
  let extras: string[] = [];
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return 'its extras are not closed with ]';
    extras = rest
      .slice(1, close)
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    rest = rest.slice(close + 1).trim();
  }
  if (rest.startsWith('@')) {
    // A URL may contain ';' only before whitespace; PEP 508 needs a space before the marker.
    const at = rest.slice(1).trim();
    const split = /\s+;\s*/.exec(at);
    const url = split ? at.slice(0, split.index) : at;
    if (split) marker = at.slice(split.index + split[0].length).trim();
    if (!url) return 'it has "@" but no URL';
    return {
      name,
      key: normalizePythonName(name),
      extras,
      specifier: '',
      url,
      ...(marker ? { marker } : {}),
    };
  }
  const semi = rest.indexOf(';');
  if (semi >= 0) {
    marker = rest.slice(semi + 1).trim();
    rest = rest.slice(0, semi).trim();
    if (!marker) return 'it has ";" but no environment marker';
  }
  if (rest.startsWith('(')) {
    if (!rest.endsWith(')')) return 'its version specifier is not closed with )';
    rest = rest.slice(1, -1).trim();
  }
  const specifier = rest.replace(/\s+/g, '');
  if (specifier && !validRange(specifier)) return `"${rest}" is not a valid PEP 440 version specifier`;
  return { name, key: normalizePythonName(name), extras, specifier, ...(marker ? { marker } : {}) };
}

/** The version of an exact pin (`==1.2.3` or `===1.2.3`, no wildcard), else undefined. */
export function pinnedVersion(specifier: string): string | undefined {
  const m = /^===?([^,*<>=!~]+)$/.exec(specifier);
  return m ? m[1] : undefined;
}

/** The versions a specifier names (`>=2.0,<3` -> 2.0, 3), wildcards dropped. */
export function specifierVersions(specifier: string): string[] {
  return specifier
    .split(',')
    .map((c) => c.replace(/^(~=|===|==|!=|<=|>=|<|>)/, '').replace(/\.\*$/, ''))
    .filter(Boolean);
}
