/**
 * The core metadata fields (1.0 to 2.5): header name, the key distseal uses, whether the field
 * repeats, the Metadata-Version that introduced it, and the legacy-upload form field name
 * (specs/pypi-upload.md §1: lowercase, `-` to `_`; plural only for `classifiers` and
 * `project_urls`; `platform`, `supported_platform` and `license_file` stay singular).
 */

export interface FieldSpec {
  /** The header as written in METADATA / PKG-INFO. */
  header: string;
  /** distseal's key (packaging's raw name). */
  key: MetadataKey;
  multi: boolean;
  /** The Metadata-Version that introduced the field. */
  since: string;
  /** The upload form field, or undefined when twine 6+ does not send it. */
  form?: string;
}

export type MetadataKey =
  | 'metadata_version'
  | 'name'
  | 'version'
  | 'dynamic'
  | 'platforms'
  | 'supported_platforms'
  | 'summary'
  | 'description'
  | 'description_content_type'
  | 'keywords'
  | 'home_page'
  | 'download_url'
  | 'author'
  | 'author_email'
  | 'maintainer'
  | 'maintainer_email'
  | 'license'
  | 'license_expression'
  | 'license_files'
  | 'classifiers'
  | 'requires_dist'
  | 'requires_python'
  | 'requires_external'
  | 'project_urls'
  | 'provides_extra'
  | 'provides_dist'
  | 'obsoletes_dist'
  | 'requires'
  | 'provides'
  | 'obsoletes'
  | 'import_names'
  | 'import_namespaces';

export const FIELDS: readonly FieldSpec[] = [
  {
    header: 'Metadata-Version',
    key: 'metadata_version',
    multi: false,
    since: '1.0',
    form: 'metadata_version',
  },
  { header: 'Name', key: 'name', multi: false, since: '1.0', form: 'name' },
  { header: 'Version', key: 'version', multi: false, since: '1.0', form: 'version' },
  // 1.0
  { header: 'Summary', key: 'summary', multi: false, since: '1.0', form: 'summary' },
  { header: 'Description', key: 'description', multi: false, since: '1.0', form: 'description' },
  { header: 'Keywords', key: 'keywords', multi: false, since: '1.0', form: 'keywords' },
  { header: 'Home-page', key: 'home_page', multi: false, since: '1.0', form: 'home_page' },
  { header: 'Author', key: 'author', multi: false, since: '1.0', form: 'author' },
  { header: 'Author-email', key: 'author_email', multi: false, since: '1.0', form: 'author_email' },
  { header: 'License', key: 'license', multi: false, since: '1.0', form: 'license' },
  { header: 'Platform', key: 'platforms', multi: true, since: '1.0', form: 'platform' },
  // 1.1
  {
    header: 'Supported-Platform',
    key: 'supported_platforms',
    multi: true,
    since: '1.1',
    form: 'supported_platform',
  },
  { header: 'Download-URL', key: 'download_url', multi: false, since: '1.1', form: 'download_url' },
  { header: 'Classifier', key: 'classifiers', multi: true, since: '1.1', form: 'classifiers' },
  { header: 'Requires', key: 'requires', multi: true, since: '1.1', form: 'requires' },
  { header: 'Provides', key: 'provides', multi: true, since: '1.1', form: 'provides' },
  { header: 'Obsoletes', key: 'obsoletes', multi: true, since: '1.1', form: 'obsoletes' },
  // 1.2
  { header: 'Maintainer', key: 'maintainer', multi: false, since: '1.2', form: 'maintainer' },
  {
    header: 'Maintainer-email',
    key: 'maintainer_email',
    multi: false,
    since: '1.2',
    form: 'maintainer_email',
  },
  { header: 'Requires-Python', key: 'requires_python', multi: false, since: '1.2', form: 'requires_python' },
  { header: 'Requires-Dist', key: 'requires_dist', multi: true, since: '1.2', form: 'requires_dist' },
  { header: 'Provides-Dist', key: 'provides_dist', multi: true, since: '1.2', form: 'provides_dist' },
  { header: 'Obsoletes-Dist', key: 'obsoletes_dist', multi: true, since: '1.2', form: 'obsoletes_dist' },
  {
    header: 'Requires-External',
    key: 'requires_external',
    multi: true,
    since: '1.2',
    form: 'requires_external',
  },
  { header: 'Project-URL', key: 'project_urls', multi: true, since: '1.2', form: 'project_urls' },
  // 2.1, 2.2
  {
    header: 'Description-Content-Type',
    key: 'description_content_type',
    multi: false,
    since: '2.1',
    form: 'description_content_type',
  },
  { header: 'Provides-Extra', key: 'provides_extra', multi: true, since: '2.1', form: 'provides_extra' },
  { header: 'Dynamic', key: 'dynamic', multi: true, since: '2.2', form: 'dynamic' },
  // 2.4
  {
    header: 'License-Expression',
    key: 'license_expression',
    multi: false,
    since: '2.4',
    form: 'license_expression',
  },
  { header: 'License-File', key: 'license_files', multi: true, since: '2.4', form: 'license_file' },
  // 2.5: parsed, not sent (specs/pypi-upload.md §1)
  { header: 'Import-Name', key: 'import_names', multi: true, since: '2.5' },
  { header: 'Import-Namespace', key: 'import_namespaces', multi: true, since: '2.5' },
];

const BY_HEADER = new Map(FIELDS.map((f) => [f.header.toLowerCase(), f]));

/** The field a header names (case-insensitive), or undefined for an unknown header. */
export function fieldForHeader(header: string): FieldSpec | undefined {
  return BY_HEADER.get(header.toLowerCase());
}

/** Metadata versions distseal reads (2.0 was never final; packaging refuses it too). */
export const SUPPORTED_METADATA_VERSIONS = ['1.0', '1.1', '1.2', '2.1', '2.2', '2.3', '2.4', '2.5'] as const;

/** Compare dotted versions like `2.1` and `1.2`. */
export function compareMetadataVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
