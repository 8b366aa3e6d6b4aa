import path from 'node:path';
import { unsafeLinkTarget, unsafeMemberName } from '../../archive/limits.js';
import { LEAK_SCAN_BYTES, scanMemberForLeaks } from '../leaks.js';
import type { CheckOptions, CheckReport, Finding } from '../check-types.js';
import { DistsealError } from '../../errors.js';
import { filenameProblems } from './filename.js';
import { indexProblems } from './index-json.js';
import { readCondaMeta, walkCondaComponents, walkTarBz2, type Visit } from './read.js';

/**
 * Check a conda package (`.conda` or `.tar.bz2`) before upload: info/index.json required fields,
 * the file name against index.json (CEP 26), and the same leak scan as for Python dists over every
 * member of both inner tarballs. Unreadable packages (not a zip, no info tarball, a bomb,
 * truncated) throw an InputError naming the file; everything else becomes a finding.
 */
export async function checkCondaPackage(file: string, options: CheckOptions): Promise<CheckReport> {
  const basename = path.basename(file);
  const kind: CheckReport['kind'] = basename.endsWith('.conda') ? 'conda' : 'tar.bz2';
  const findings: Finding[] = [];
  for (const message of filenameProblems(basename))
    findings.push({ rule: 'conda-filename', severity: 'error', message });
  const meta = await readCondaMeta(file);
  for (const p of indexProblems(meta.index, meta.filename)) {
    findings.push({
      rule: p.rule,
      severity: p.rule === 'conda-subdir-missing' ? 'warning' : 'error',
      message: p.message,
    });
  }
  if (meta.renamedFrom) {
    findings.push({
      rule: 'conda-filename-mismatch',
      severity: 'error',
      message: `The inner metadata is info-${meta.renamedFrom}.tar.zst, so this file was renamed from ${meta.renamedFrom}.conda; conda looks the component up by the file name and cannot install it.`,
    });
  }
  if (typeof meta.about.summary !== 'string' || meta.about.summary === '') {
    findings.push({
      rule: 'conda-about-summary',
      severity: 'warning',
      message: 'info/about.json has no "summary"; anaconda.org needs one to create a new package.',
    });
  }
  const visit: Visit = async (entry, body) => {
    const unsafe = unsafeMemberName(entry.name);
    if (unsafe)
      findings.push({
        rule: 'unsafe-path',
        severity: 'error',
        message: `Member name ${unsafe}.`,
        member: entry.name,
      });
    if (entry.type === 'symlink' || entry.type === 'link') {
      const kind = entry.type === 'link' ? 'hardlink' : 'symlink';
      const reason = unsafeLinkTarget(entry.name, entry.linkname ?? '', kind);
      if (reason)
        findings.push({
          rule: 'unsafe-link',
          severity: 'error',
          message: `Member ${reason}; conda would link or copy it from outside the environment.`,
          member: entry.name,
        });
    }
    if (entry.name === 'info/repodata_record.json') {
      findings.push({
        rule: 'conda-repodata-record',
        severity: 'error',
        message: 'info/repodata_record.json must not ship in an artifact (CEP 34).',
        member: entry.name,
      });
    }
    if (entry.type === 'file' || entry.type === 'contiguous-file') {
      findings.push(...scanMemberForLeaks(entry.name, await body.head(LEAK_SCAN_BYTES)));
    } else {
      findings.push(...scanMemberForLeaks(entry.name, Buffer.alloc(0)));
    }
  };
  try {
    if (kind === 'conda') {
      await walkCondaComponents(file, 'info', visit);
      await walkCondaComponents(file, 'pkg', visit);
    } else {
      await walkTarBz2(file, visit);
    }
  } catch (error) {
    // A bomb is unreadable input (exit 2), not a finding about a package that could be read.
    if (!(error instanceof DistsealError) || error.kind !== 'input' || error.code === 'E_ARCHIVE_BOMB')
      throw error;
    findings.push({ rule: 'conda-archive', severity: 'error', message: error.message });
  }
  options.logger?.debug(`Checked ${file}: ${findings.length} finding(s).`);
  const name = typeof meta.index.name === 'string' ? meta.index.name : meta.filename?.name;
  const version = typeof meta.index.version === 'string' ? meta.index.version : meta.filename?.version;
  return { file, kind, name, version, findings };
}
