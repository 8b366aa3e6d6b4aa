/**
 * The legacy upload form for one dist, exactly as twine 6+ builds it (specs/pypi-upload.md §1
 * "Form fields twine HEAD sends"): only fields that are present, repeated fields as repeated
 * parts, `keywords` joined with ", ", `project_urls` as "Label, URL", license_expression and
 * license_file only for Metadata-Version >= 2.4, sha256 and blake2b-256 hex digests and no md5.
 * The file parts (gpg_signature, content) are added by the multipart writer, content last.
 */
import type { DistDigests } from '../../distributions/digests.js';
import { compareMetadataVersions, FIELDS } from '../../distributions/python/fields.js';
import { filetypeFor, pyversionFor, safeName } from '../../distributions/python/filename.js';
import { field, fieldList } from '../../distributions/python/metadata.js';
import type { PythonDist } from '../../distributions/python/python-dist.js';

export interface FormField {
  name: string;
  value: string;
}

export interface FormOptions {
  /** `-c/--comment`. */
  comment?: string;
  /** Parsed attestation objects (PEP 740), sent as one JSON array text field. */
  attestations?: unknown[];
}

/** Form fields in the order of the spec's table (everything but the file parts). */
export function uploadFields(dist: PythonDist, digests: DistDigests, options: FormOptions = {}): FormField[] {
  const meta = dist.metadata;
  const out: FormField[] = [
    { name: ':action', value: 'file_upload' },
    { name: 'protocol_version', value: '1' },
  ];
  const push = (name: string, value: string | undefined) => {
    // Warehouse treats "" as absent; twine 6+ leaves absent fields out entirely.
    if (value !== undefined && value !== '') out.push({ name, value });
  };
  const mv = field(meta, 'metadata_version') ?? '';
  for (const spec of FIELDS) {
    if (!spec.form) continue;
    if (
      (spec.key === 'license_expression' || spec.key === 'license_files') &&
      compareMetadataVersions(mv, '2.4') < 0
    )
      continue;
    if (spec.key === 'name') {
      push('name', safeName(field(meta, 'name') ?? ''));
    } else if (spec.key === 'keywords') {
      const raw = field(meta, 'keywords');
      // packaging splits Keywords on commas; twine joins the list with ", ".
      push(
        'keywords',
        raw === undefined
          ? undefined
          : raw
              .split(',')
              .map((k) => k.trim())
              .filter(Boolean)
              .join(', '),
      );
    } else if (spec.key === 'project_urls') {
      for (const entry of fieldList(meta, 'project_urls')) {
        const [label, ...rest] = entry.split(',');
        push('project_urls', `${label!.trim()}, ${rest.join(',').trim()}`);
      }
    } else if (spec.multi) {
      for (const value of fieldList(meta, spec.key)) push(spec.form, value);
    } else {
      push(spec.form, field(meta, spec.key));
    }
  }
  push('filetype', filetypeFor(dist.kind));
  push('pyversion', pyversionFor(dist.filename));
  push('comment', options.comment);
  push('sha256_digest', digests.sha256);
  push('blake2_256_digest', digests.blake2_256);
  if (options.attestations && options.attestations.length > 0)
    push('attestations', JSON.stringify(options.attestations));
  return out;
}
