import path from 'node:path';
import { UsageError } from '../errors.js';
import { normalizePythonName } from '../names.js';
import {
  canonicalVersion,
  isValidProjectName,
  isValidVersion,
  parsePythonFilename,
} from '../distributions/python/filename.js';
import type { IndexFile } from './simple-index.js';

/** `NAME==VERSION` as the user wrote it, and its normalized parts. */
export interface Requirement {
  text: string;
  name: string;
  /** PEP 440 canonical version. */
  version: string;
}

/** Parse `NAME==VERSION` (exactly one pinned version: a download must be reproducible). */
export function parseRequirement(text: string): Requirement {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*===?\s*([^\s;,]+)\s*$/.exec(text);
  const version = m ? canonicalVersion(m[2]!) : undefined;
  if (!m || !isValidProjectName(m[1]!) || !isValidVersion(m[2]!) || version === undefined)
    throw new UsageError(`"${text}" is not NAME==VERSION.`, {
      subject: text,
      hint: 'Pin one exact version, e.g. `distseal download requests==2.32.3`.',
    });
  return { text: text.trim(), name: normalizePythonName(m[1]!), version };
}

/** A shell-style glob (`*`, `?`, `[...]`) as an anchored regular expression over a file name. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** A file name safe to create in DEST: one plain path component. */
export function isSafeFilename(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    name === path.basename(name) &&
    !/[/\\\0]/.test(name) &&
    !name.startsWith('.')
  );
}

export interface SelectOptions {
  onlyWheels?: boolean;
  /** Keep only files whose name matches one of these globs. */
  globs?: string[];
}

/**
 * The files of the page that belong to `req`: the file name must parse as a wheel or sdist of
 * that project and version (the index cannot slip in another project's file, which would be
 * judged by that project's pins), then --only-wheels and --file narrow the set.
 */
export function selectFiles(files: IndexFile[], req: Requirement, options: SelectOptions = {}): IndexFile[] {
  const globs = (options.globs ?? []).map(globToRegExp);
  const seen = new Set<string>();
  return files.filter((f) => {
    if (!isSafeFilename(f.filename) || seen.has(f.filename)) return false;
    const parsed = parsePythonFilename(f.filename);
    if (!parsed || normalizePythonName(parsed.name) !== req.name) return false;
    if (canonicalVersion(parsed.version.replace(/_/g, '-')) !== req.version) return false;
    if (options.onlyWheels && parsed.kind !== 'wheel') return false;
    if (globs.length > 0 && !globs.some((g) => g.test(f.filename))) return false;
    seen.add(f.filename);
    return true;
  });
}
