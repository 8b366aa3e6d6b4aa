/**
 * Core metadata rules for `distseal check` and for refusing a dist before upload: what twine
 * (packaging's Metadata.from_raw) and Warehouse refuse, plus `twine check`'s warnings.
 * See specs/pypi-upload.md §1 "invalid metadata", §6 and §7.
 */
import type { Finding } from '../check-types.js';
import { compareMetadataVersions, FIELDS, SUPPORTED_METADATA_VERSIONS } from './fields.js';
import type { PythonFilename } from './filename.js';
import { isValidProjectName, isValidVersion, sameProject, sameVersion } from './filename.js';
import { field, fieldList, type CoreMetadata } from './metadata.js';

export interface ValidateContext {
  /** The parsed dist filename, to compare name and version with. */
  filename?: PythonFilename;
  /** Member paths of the archive relative to the metadata's base (for License-File). */
  hasMember?: (relativePath: string) => boolean;
}

const CONTENT_TYPES = new Set(['text/plain', 'text/x-rst', 'text/markdown']);

/** Every rule's findings for one metadata file (errors fail the check; warnings only with --strict). */
export function validateMetadata(meta: CoreMetadata, context: ValidateContext = {}): Finding[] {
  const out: Finding[] = [];
  const error = (rule: string, message: string) => out.push({ rule, severity: 'error', message });
  const warn = (rule: string, message: string) => out.push({ rule, severity: 'warning', message });

  const mv = field(meta, 'metadata_version');
  if (!mv) {
    error('metadata-required', 'Metadata-Version is missing.');
  } else if (!(SUPPORTED_METADATA_VERSIONS as readonly string[]).includes(mv.trim())) {
    error(
      'metadata-version',
      `Metadata-Version ${mv} is not supported (supported: ${SUPPORTED_METADATA_VERSIONS.join(', ')}); rebuild with a current build backend.`,
    );
  }
  const name = field(meta, 'name');
  const version = field(meta, 'version');
  if (!name) error('metadata-required', 'Name is missing.');
  else if (!isValidProjectName(name))
    error(
      'metadata-name',
      `Name '${name}' is not a valid project name (letters, digits, '.', '_' and '-', starting and ending with a letter or digit).`,
    );
  if (!version) error('metadata-required', 'Version is missing.');
  else if (!isValidVersion(version))
    error('metadata-version-string', `Version '${version}' is not a valid PEP 440 version.`);
  else if (version.includes('+'))
    warn(
      'metadata-local-version',
      `Version '${version}' has a local part ('+...'); PyPI refuses local versions.`,
    );

  for (const dup of meta.duplicates)
    error('metadata-duplicate', `${dup} appears more than once but may only appear once.`);
  for (const unknown of meta.unknown)
    error(
      'metadata-unknown-field',
      `Unrecognized field '${unknown}' (twine refuses it as "unrecognized or malformed").`,
    );

  if (mv && (SUPPORTED_METADATA_VERSIONS as readonly string[]).includes(mv.trim())) {
    for (const spec of FIELDS) {
      if (meta.fields[spec.key] === undefined || compareMetadataVersions(spec.since, mv) <= 0) continue;
      if (spec.key === 'license_files') {
        // setuptools wrote License-File into 2.1/2.2 metadata for years; twine drops it silently.
        warn(
          'metadata-field-version',
          `License-File needs Metadata-Version 2.4 (this file says ${mv}); it will not be sent.`,
        );
      } else {
        error(
          'metadata-field-version',
          `${spec.header} was introduced in Metadata-Version ${spec.since}, but this file declares ${mv}.`,
        );
      }
    }
  }

  const summary = field(meta, 'summary');
  if (summary !== undefined && summary.length > 512)
    error('metadata-summary', `Summary is ${summary.length} characters; PyPI allows at most 512.`);

  const dct = field(meta, 'description_content_type');
  if (!dct) {
    warn(
      'metadata-description-content-type',
      '`long_description_content_type` (Description-Content-Type) is missing; PyPI will assume text/x-rst.',
    );
  } else {
    const [type, ...params] = dct.split(';').map((s) => s.trim());
    if (!CONTENT_TYPES.has(type!.toLowerCase()))
      error(
        'metadata-description-content-type',
        `Description-Content-Type '${dct}' must be text/plain, text/x-rst or text/markdown.`,
      );
    for (const p of params) {
      const [k, v] = p.split('=').map((s) => s.trim().toLowerCase());
      if (k === 'charset' && v !== 'utf-8')
        error(
          'metadata-description-content-type',
          `Description-Content-Type charset must be UTF-8, not '${v}'.`,
        );
      if (k === 'variant' && type === 'text/markdown' && v !== 'gfm' && v !== 'commonmark')
        error('metadata-description-content-type', `Markdown variant '${v}' is not GFM or CommonMark.`);
    }
  }
  const description = field(meta, 'description');
  if (description === undefined || description.trim() === '' || description.trim() === 'UNKNOWN') {
    warn('metadata-description', '`long_description` (the description) is missing or empty.');
  }

  for (const url of fieldList(meta, 'project_urls')) {
    const [label, link] = url.split(',', 2).map((s) => s.trim());
    if (!link) error('metadata-project-url', `Project-URL '${url}' must be "Label, URL".`);
    else if (label!.length > 32)
      error('metadata-project-url', `Project-URL label '${label}' is longer than 32 characters.`);
    else if (!/^https?:\/\//i.test(link))
      error('metadata-project-url', `Project-URL '${label}' has a URL that is not http(s): ${link}.`);
  }
  for (const dyn of fieldList(meta, 'dynamic')) {
    if (/^(name|version|metadata-version)$/i.test(dyn))
      error('metadata-dynamic', `Dynamic may not name ${dyn}.`);
  }
  if (field(meta, 'license') && field(meta, 'license_expression')) {
    error(
      'metadata-license',
      'License and License-Expression are both set; PyPI refuses that. Keep License-Expression.',
    );
  }
  if (mv && compareMetadataVersions(mv, '2.4') >= 0 && context.hasMember) {
    for (const lf of fieldList(meta, 'license_files')) {
      if (!context.hasMember(lf))
        error('metadata-license-file', `License-File '${lf}' is not in the archive.`);
    }
  }

  if (context.filename && name && version) {
    const fn = context.filename;
    if (!sameProject(fn.name, name))
      error('filename-name', `The filename says project '${fn.name}' but the metadata says '${name}'.`);
    if (!sameVersion(fn.version, version))
      error(
        'filename-version',
        `The filename says version '${fn.version}' but the metadata says '${version}'.`,
      );
  }
  return out;
}
