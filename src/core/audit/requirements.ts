/**
 * pip requirements files, as `pip install -r` reads them: comments, `\` continuations, `-r`/`-c`
 * includes (relative to the including file, cycles followed once), per-line options (`--hash`
 * is ignored). Exact pins are audited; everything else (`-e`, URLs, VCS refs, paths, unpinned
 * names) is listed as not audited. A line that cannot be parsed is an InputError naming file:line.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, InputError } from '../errors.js';
import { parseRequirement, pinnedVersion } from './pep508.js';
import type { NotAudited } from './types.js';

export const MAX_REQUIREMENTS_BYTES = 4 * 1024 * 1024;
export const MAX_INCLUDE_DEPTH = 16;

export interface Pin {
  name: string;
  version: string;
  source: string;
  marker?: string;
}

export interface RequirementsResult {
  pins: Pin[];
  notAudited: NotAudited[];
}

/** Options that take a value and say nothing about what is installed. */
const VALUE_OPTIONS = new Set([
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '--trusted-host',
  '--no-binary',
  '--only-binary',
  '--use-feature',
  '--progress-bar',
]);
const FLAG_OPTIONS = new Set(['--pre', '--prefer-binary', '--require-hashes', '--no-index']);
/** Options allowed after a requirement on its line. */
const PER_LINE = /\s+--(hash|config-settings|global-option|install-option)(=|\s+)\S+/g;

interface Line {
  text: string;
  where: string;
}

function logicalLines(text: string, file: string): Line[] {
  const out: Line[] = [];
  const raw = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let buffer = '';
  let start = 0;
  raw.forEach((line, i) => {
    if (buffer === '') start = i + 1;
    const stripped = line.replace(/(^|\s)#.*$/, '');
    if (/\\$/.test(stripped)) {
      buffer += `${stripped.slice(0, -1)} `;
      return;
    }
    buffer += stripped;
    if (buffer.trim()) out.push({ text: buffer.trim(), where: `${file}:${start}` });
    buffer = '';
  });
  if (buffer.trim()) out.push({ text: buffer.trim(), where: `${file}:${start}` });
  return out;
}

function badLine(where: string, detail: string): InputError {
  return new InputError('E_REQUIREMENT', `${where}: ${detail}.`, {
    subject: where,
    hint: 'Fix the line (pip would refuse it too), or remove it.',
  });
}

/** `abs` relative to `base` when it lies inside it (how the user named it), else as is. */
export function displayPath(abs: string, base?: string): string {
  if (!base) return abs;
  const rel = path.relative(base, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

async function readBounded(file: string, from: string | undefined): Promise<string> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new InputError('E_NOT_A_FILE', `${file} is not a file.`, { subject: file });
    if (info.size > MAX_REQUIREMENTS_BYTES)
      throw new InputError(
        'E_TOO_LARGE',
        `${file} is larger than ${MAX_REQUIREMENTS_BYTES} bytes; that is not a requirements file.`,
        { subject: file },
      );
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    const missing = errnoCode(error) === 'ENOENT';
    throw new InputError(
      'E_REQUIREMENTS_FILE',
      `${from ? `${from}: ` : ''}${file} ` +
        (missing ? 'does not exist.' : `cannot be read (${(error as Error).message}).`),
      {
        subject: file,
        cause: error,
        hint: 'Name an existing requirements file (paths in -r/-c lines are relative to the file that has them).',
      },
    );
  }
}

/**
 * Read a requirements file and everything it includes. Pins given only in a constraints file
 * (`-c`) apply to unpinned requirements of the same name, as they would for pip.
 */
export async function readRequirements(
  file: string,
  options: { displayBase?: string } = {},
): Promise<RequirementsResult> {
  const show = (abs: string) => displayPath(abs, options.displayBase);
  const pins: Pin[] = [];
  const unpinned: Array<{ key: string; name: string; where: string; marker?: string; specifier: string }> =
    [];
  const constraints = new Map<string, Pin>();
  const notAudited: NotAudited[] = [];
  const seen = new Set<string>();

  const visit = async (
    current: string,
    kind: 'requirement' | 'constraint',
    depth: number,
    from?: string,
  ): Promise<void> => {
    const resolved = path.normalize(current);
    if (seen.has(`${kind}:${resolved}`)) return;
    seen.add(`${kind}:${resolved}`);
    if (depth > MAX_INCLUDE_DEPTH)
      throw badLine(from ?? current, `includes are nested more than ${MAX_INCLUDE_DEPTH} deep`);
    const text = await readBounded(current, from);
    for (const { text: line, where } of logicalLines(text, show(current))) {
      const include = /^(-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)$/.exec(line);
      if (include) {
        const target = include[2]!;
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
          notAudited.push({
            subject: target,
            source: where,
            reason: 'a remote requirements file (distseal does not fetch it)',
          });
          continue;
        }
        const isConstraint = include[1] === '-c' || include[1] === '--constraint';
        await visit(
          path.resolve(path.dirname(current), target),
          isConstraint || kind === 'constraint' ? 'constraint' : 'requirement',
          depth + 1,
          where,
        );
        continue;
      }
      if (/^(-e|--editable)(\s|=)/.test(line)) {
        notAudited.push({
          subject: line.replace(/^(-e|--editable)(\s+|=)/, ''),
          source: where,
          reason: 'an editable install (no version to check)',
        });
        continue;
      }
      if (line.startsWith('-')) {
        const [opt] = line.split(/[\s=]/, 1);
        if (FLAG_OPTIONS.has(opt!) || VALUE_OPTIONS.has(opt!)) continue;
        throw badLine(where, `"${opt}" is not an option pip accepts in a requirements file`);
      }
      const body = line.replace(PER_LINE, '').trim();
      if (
        /^[a-z][a-z0-9+.-]*(\+[a-z]+)?:\/\//i.test(body) ||
        /^(\.{1,2}\/|\/)/.test(body) ||
        /\.(whl|tar\.gz|zip)$/i.test(body)
      ) {
        notAudited.push({
          subject: body,
          source: where,
          reason: 'a URL, VCS reference or local path (no version to check)',
        });
        continue;
      }
      const req = parseRequirement(body);
      if (typeof req === 'string') throw badLine(where, `"${body}" cannot be parsed: ${req}`);
      if (req.url) {
        notAudited.push({
          subject: body,
          source: where,
          reason: 'a direct URL reference (no version to check)',
        });
        continue;
      }
      const version = pinnedVersion(req.specifier);
      if (kind === 'constraint') {
        if (version && !constraints.has(req.key))
          constraints.set(req.key, { name: req.name, version, source: where });
        continue;
      }
      if (version)
        pins.push({ name: req.name, version, source: where, ...(req.marker ? { marker: req.marker } : {}) });
      else
        unpinned.push({
          key: req.key,
          name: req.name,
          where,
          specifier: req.specifier,
          ...(req.marker ? { marker: req.marker } : {}),
        });
    }
  };

  if (!path.isAbsolute(file))
    throw new InputError('E_REQUIREMENTS_FILE', `${file}: distseal needs an absolute path here.`, {
      subject: file,
    });
  await visit(file, 'requirement', 0);
  for (const u of unpinned) {
    const c = constraints.get(u.key);
    if (c)
      pins.push({
        name: u.name,
        version: c.version,
        source: `${u.where} (pinned by ${c.source})`,
        ...(u.marker ? { marker: u.marker } : {}),
      });
    else
      notAudited.push({
        subject: `${u.name}${u.specifier}`,
        source: u.where,
        reason: 'not pinned to one version (use name==version, or a -c constraints file)',
      });
  }
  return { pins, notAudited };
}
