/**
 * `checkDist(path)`: metadata rules and the leak scan for one dist, dispatched by extension.
 * Conda packages go to checkCondaPackage (src/core/distributions/conda/check.ts).
 */
import path from 'node:path';
import { checkCondaPackage } from './conda/check.js';
import { readPythonDist } from './python/read.js';
import { validateMetadata } from './python/validate.js';
import { field } from './python/metadata.js';
import { InputError } from '../errors.js';
import { LEAK_SCAN_BYTES, scanMemberForLeaks } from './leaks.js';
import type { CheckOptions, CheckReport, Finding } from './check-types.js';
import { renderDescription } from './python/render.js';

export type { CheckOptions, CheckReport, Finding } from './check-types.js';
export { reportFails } from './check-types.js';

/**
 * Check one dist. Unreadable input (not a dist, corrupt, no metadata, a bomb) throws InputError
 * (exit 2); problems found inside a readable dist are findings.
 */
export async function checkDist(file: string, options: CheckOptions = {}): Promise<CheckReport> {
  const base = path.basename(file);
  if (/\.conda$/i.test(base) || /\.tar\.bz2$/i.test(base)) return checkCondaPackage(file, options);
  if (!/\.(whl|tar\.gz|zip)$/i.test(base)) {
    throw new InputError(
      'E_NOT_A_DIST',
      `${file} is not a dist: distseal checks .whl, .tar.gz, .zip, .conda and .tar.bz2 files.`,
      {
        subject: file,
        hint: 'Pass the files your build wrote (dist/*).',
      },
    );
  }
  const leaks: Finding[] = [];
  const dist = await readPythonDist(file, {
    headBytes: LEAK_SCAN_BYTES,
    onMember: (name, head) => leaks.push(...scanMemberForLeaks(name, head)),
  });
  // Directories (.git/) only show up as member names; scan names of non-files too.
  const scanned = new Set(leaks.map((f) => `${f.rule}\0${f.member}`));
  for (const name of dist.members) {
    for (const f of scanMemberForLeaks(name, Buffer.alloc(0))) {
      const key = `${f.rule}\0${f.member}`;
      if (!scanned.has(key)) {
        scanned.add(key);
        leaks.push(f);
      }
    }
  }
  const members = new Set(dist.members);
  const findings: Finding[] = validateMetadata(dist.metadata, {
    filename: dist.filename,
    hasMember: (rel) =>
      members.has(`${dist.licenseBase}${rel}`) || (dist.kind === 'sdist' && members.has(rel)),
  }).map((f) => ({ ...f, member: f.member ?? dist.metadataMember }));
  for (const u of dist.unsafeMembers) {
    findings.push({
      rule: 'unsafe-member-name',
      severity: 'error',
      member: u.member,
      message: `${u.member} ${u.reason}; an installer that extracts it could write outside its target.`,
    });
  }
  for (const l of dist.unsafeLinks) {
    findings.push({
      rule: 'unsafe-link',
      severity: 'error',
      member: l.member,
      message: `${l.member} ${l.reason}; an installer that extracts it could read or write outside its target.`,
    });
  }
  findings.push(...collapseGit(leaks));
  const description = await checkRendering(dist.metadata, findings, dist.metadataMember, options);
  options.logger?.debug(
    `${file}: metadata from ${dist.metadataMember}, ${dist.members.length} members scanned`,
  );
  return {
    file,
    kind: dist.kind,
    name: field(dist.metadata, 'name'),
    version: field(dist.metadata, 'version'),
    findings,
    description,
  };
}

/** What `twine check` is for: a description that PyPI would not render is an error. */
async function checkRendering(
  metadata: Parameters<typeof field>[0],
  findings: Finding[],
  member: string,
  options: CheckOptions,
): Promise<NonNullable<CheckReport['description']>> {
  const text = field(metadata, 'description');
  if (text === undefined || text.trim() === '' || text.trim() === 'UNKNOWN') return { render: 'missing' };
  const outcome = await renderDescription(text, field(metadata, 'description_content_type'), {
    pythons: options.pythons,
  });
  if (outcome.status === 'failed') {
    findings.push({
      rule: 'description-render',
      severity: 'error',
      member,
      message: `The description has markup errors and would not be rendered on PyPI${outcome.warnings ? `: ${outcome.warnings.replace(/\s*\n\s*/g, ' ')}` : '.'}`,
    });
  }
  return outcome.status === 'not-checked'
    ? { render: 'not-checked', reason: outcome.reason }
    : { render: outcome.status };
}

/** One finding for a whole `.git/` tree instead of one per object file. */
function collapseGit(findings: Finding[]): Finding[] {
  const out: Finding[] = [];
  const gitRoots = new Set<string>();
  for (const f of findings) {
    if (f.rule === 'leak-git' && f.member) {
      const root = /^(.*?\.git)(\/|$)/.exec(f.member)?.[1] ?? f.member;
      if (gitRoots.has(root)) continue;
      gitRoots.add(root);
      out.push({
        ...f,
        member: root,
        message: `${root}/ is a git directory (the repository history, maybe credentials in .git/config); it should not be published.`,
      });
      continue;
    }
    out.push(f);
  }
  return out;
}
